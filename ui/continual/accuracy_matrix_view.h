#pragma once
// AccuracyMatrixView: the accuracy matrix R of a task sequence as a heatmap (QCPColorMap,
// colour scale fixed to 0..1): row i = "trained up to task i", column j = "evaluated on
// task j", each cell's value written in it. Rows not known yet stay blank, so the matrix
// fills in row by row while a sequence runs. The diagonal (accuracy on the task just
// learnt) is outlined; what lies below it is what was kept (or forgotten) afterwards.

#include <QVector>
#include <QWidget>

class QCustomPlot;
class QCPColorMap;
class QCPItemText;
class QCPItemRect;

namespace forgetlab::ui {

class AccuracyMatrixView : public QWidget {
    Q_OBJECT
public:
    explicit AccuracyMatrixView(QWidget* parent = nullptr);

    // T x T, all blank.
    void setTaskCount(int tasks);
    int taskCount() const { return m_tasks; }
    // Row i (accuracy on every task after training task i); a row of the wrong length is
    // ignored. Emits rowsChanged.
    void setRow(int i, const QVector<double>& row);
    void clear();

    bool hasRow(int i) const { return i >= 0 && i < m_rows.size() && !m_rows[i].isEmpty(); }
    int filledRows() const;
    // NaN for a blank cell.
    double cell(int i, int j) const;
    QString cellText(int i, int j) const;
    QCustomPlot* plot() const { return m_plot; }

Q_SIGNALS:
    void rowsChanged(int filledRows);

private:
    void rebuild();
    void redrawCells();

    QCustomPlot* m_plot;
    QCPColorMap* m_map = nullptr;
    QVector<QCPItemText*> m_labels;  // row-major, T*T
    QVector<QCPItemRect*> m_diagonal;
    QVector<QVector<double>> m_rows;
    int m_tasks = 0;
};

}  // namespace forgetlab::ui
