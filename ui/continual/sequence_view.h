#pragma once
// SequenceView: the "Sequence" centre tab for continual-learning runs (task sequences):
// the accuracy matrix R as a heatmap that fills in as each task ends, the accuracy on
// every task over the training steps ("task<j>_acc", one curve per task, task
// boundaries marked), and the summary numbers: average accuracy, forgetting (Chaudhry),
// BWT and FWT. It shows one run at a time: the live run or a stored one.

#include <QString>
#include <QVector>
#include <QWidget>
#include <cmath>
#include <map>
#include <vector>

#include "engine/core/run_types.h"

class QCustomPlot;
class QCPGraph;
class QLabel;

namespace forgetlab::ui {

class AccuracyMatrixView;

// The continual-learning numbers; NaN where not known (yet).
struct SequenceNumbers {
    double avgAcc = NAN, forgetting = NAN, bwt = NAN, fwt = NAN;
    int afterTasks = 0;  // over the first k tasks (k < T while the sequence runs)
    int tasks = 0;
};

class SequenceView : public QWidget {
    Q_OBJECT
public:
    explicit SequenceView(QWidget* parent = nullptr);

    // Empty view with a message (no run, or a run that is not a sequence).
    void showMessage(const QString& message);
    // Starts showing a sequence of `tasks` tasks of `stepsPerTask` steps (clears all).
    void startSequence(const QString& title, int tasks, int stepsPerTask);
    bool isSequence() const { return m_tasks > 0; }
    int taskCount() const { return m_tasks; }

    // task<j>_acc points (others ignored). The values measured at the end of task i
    // (step (i+1) * stepsPerTask) fill row i of the matrix.
    void appendPoints(const std::vector<MetricPoint>& points);
    void setRow(int i, const QVector<double>& row);
    void setNumbers(const SequenceNumbers& numbers);

    AccuracyMatrixView* matrix() const { return m_matrix; }
    QCustomPlot* curvePlot() const { return m_curves; }
    int curvePointCount(int task) const;
    QString numbersText() const;

Q_SIGNALS:
    // A matrix row was filled (live or stored); the bridge recomputes the numbers.
    void rowsChanged(int filledRows);

private:
    void rebuildCurves();

    QLabel* m_title;
    QLabel* m_message;
    QWidget* m_content;
    AccuracyMatrixView* m_matrix;
    QCustomPlot* m_curves;
    QLabel* m_numbers[4] = {};
    QVector<QCPGraph*> m_graphs;
    std::map<int64_t, QVector<double>> m_pending;  // step -> task accuracies seen so far
    int m_tasks = 0;
    int m_stepsPerTask = 0;
};

}  // namespace forgetlab::ui
