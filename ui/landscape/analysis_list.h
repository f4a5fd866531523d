#pragma once
// AnalysisList: the analyses stored for the selected run (landscapes and Hessian spectra),
// newest first: kind, checkpoint step, settings, date. Clicking one reopens it.

#include <QString>
#include <QTreeWidget>
#include <QVector>

namespace forgetlab::ui {

struct StoredAnalysis {
    QString table;  // "landscapes" | "hessians"
    qint64 id = 0;
    QString kind;  // "2d" | "1d" | "interp" | "hessian"
    qint64 step = 0;
    QString settings;  // "21×21, ±1", "top 3, trace 20"
    QString created;   // ISO 8601
    bool cancelled = false;
};

class AnalysisList : public QTreeWidget {
    Q_OBJECT
public:
    enum Column { kKindColumn, kStepColumn, kSettingsColumn, kCreatedColumn };

    explicit AnalysisList(QWidget* parent = nullptr);

    void setAnalyses(const QVector<StoredAnalysis>& rows);
    int analysisCount() const { return topLevelItemCount(); }
    StoredAnalysis analysisAt(int row) const;
    void selectAnalysis(const QString& table, qint64 id);

    static QString kindText(const QString& kind);

Q_SIGNALS:
    void analysisChosen(const QString& table, qint64 id);

private:
    QVector<StoredAnalysis> m_rows;
};

}  // namespace forgetlab::ui
