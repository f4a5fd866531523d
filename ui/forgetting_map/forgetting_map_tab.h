#pragma once
// ForgettingMapTab: the "Forgetting map" tab. Which upstream examples does each new task
// make the model forget? Top: the stored matrix to show and CSV import/export. Centre: the
// task x example heatmap of Z (with its row/column sorting and which rank-one component to
// draw right above it) beside its analysis (R² of low-rank models, completion scores and scatter).
// Bottom: a sweep that builds a new matrix (families of fine-tuning tasks from one pre-trained
// checkpoint) and the completion (prediction) job. It only shows and asks: the bridge
// computes and answers through the setters; every control has a stable objectName
// ("fmap.*") for the bridge and the tests.

#include <QMap>
#include <QString>
#include <QVector>
#include <QWidget>

#include "ui/forgetting_map/forgetting_heatmap.h"
#include "ui/forgetting_map/forgetting_map_types.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace forgetlab::ui {

class MatrixAnalysisPanel;

class ForgettingMapTab : public QWidget {
    Q_OBJECT
public:
    // Sweep families in the order the boxes show them.
    static const QStringList& families();

    explicit ForgettingMapTab(QWidget* parent = nullptr);

    // The chooser's entries; keeps the current choice when its id is still listed. Does not
    // emit matrixChosen.
    void setMatrices(const QVector<MatrixListEntry>& entries);
    // Selects an entry without emitting matrixChosen (false when the id is not listed).
    bool selectMatrix(qint64 id);
    // The chosen entry's id, 0 when none.
    qint64 currentMatrixId() const;

    // Shows a matrix (and selects its entry). A new id clears fit and completion. An
    // inconsistent matrix (values.size() != rows * cols) is refused with showError.
    void setMatrix(const MatrixData& matrix);
    void setFit(const FitData& fit);
    void setCompletion(const CompletionData& completion);
    // Inline, red; cleared by the next successful setMatrix / setFit / setCompletion.
    void showError(const QString& text);
    void showMessage(const QString& text);
    QString errorText() const;
    QString messageText() const;

    // Which run's pre-trained checkpoint a sweep starts from; empty = none (sweep disabled
    // with an explanation).
    void setSweepSource(const QString& description);
    void setSweepRunning(bool running);
    // The bar fills done / total and shows text as given (e.g. "task 12 / 40: rotate 30°"),
    // or "task {done} / {total}" when text is empty. total <= 0: empty bar, text only.
    void setSweepProgress(int done, int total, const QString& text);
    bool isSweepRunning() const { return m_sweepRunning; }
    QString sweepProgressText() const;
    // While a completion job runs, Predict is disabled.
    void setCompletionRunning(bool running);
    // The sweep the form describes now.
    SweepRequest sweepRequest() const;

    // Sets the "Sort rows" / "columns" choices (and so the heatmap's order) as if picked.
    void setSort(ForgettingHeatmap::SortMode rows, ForgettingHeatmap::SortMode columns);

    ForgettingHeatmap* heatmap() const { return m_heatmap; }
    MatrixAnalysisPanel* analysis() const { return m_analysis; }

public Q_SLOTS:
    // What the Import / Export buttons do after their file dialog (the bridge and tests may
    // call them directly).
    void importCsv(const QString& path);
    void exportCsv(const QString& path);

Q_SIGNALS:
    void matrixChosen(qint64 id);
    void importCsvRequested(const QString& path);
    void exportCsvRequested(const QString& path);
    void sweepRequested(const forgetlab::ui::SweepRequest& request);
    void sweepCancelRequested();
    void resumeRequested(qint64 id);
    // h = held-out tasks (0 = auto), k = observed entries per held-out task.
    void completionRequested(int h, int k, int seeds);

private:
    QWidget* buildTopBar();
    QWidget* buildViewBar();
    QWidget* buildSweepBox();
    QWidget* buildCompletionBox();
    void rebuildComponents();
    void updateButtons();
    void updateSweepSummary();
    void clearError();
    const MatrixListEntry* currentEntry() const;

    // Top bar.
    QComboBox* m_matrixBox;
    QPushButton* m_import;
    QPushButton* m_export;
    QComboBox* m_rowSort;
    QComboBox* m_colSort;
    QComboBox* m_component;
    QLabel* m_error;
    QLabel* m_message;
    // Centre.
    ForgettingHeatmap* m_heatmap;
    MatrixAnalysisPanel* m_analysis;
    // Sweep.
    QMap<QString, QCheckBox*> m_familyBoxes;
    QSpinBox* m_perFamily;
    QSpinBox* m_steps;
    QSpinBox* m_examples;
    QLabel* m_sweepSummary;
    QLabel* m_source;
    QPushButton* m_start;
    QPushButton* m_cancel;
    QPushButton* m_resume;
    QProgressBar* m_progress;
    // Completion.
    QSpinBox* m_holdout;
    QSpinBox* m_observed;
    QSpinBox* m_seeds;
    QPushButton* m_predict;

    QVector<MatrixListEntry> m_entries;
    QString m_sourceText;
    qint64 m_shownId = 0;
    bool m_filling = false;
    bool m_sweepRunning = false;
    bool m_completionRunning = false;
};

}  // namespace forgetlab::ui
