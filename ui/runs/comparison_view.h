#pragma once
// ComparisonView: the "Compare" centre tab. The runs checked in the run list, side by
// side: their upstream and downstream accuracy curves overlaid (one colour per run, the
// colours the run list shows), a bar chart of each run's final forgetting and downstream
// accuracy labelled with the run names, and the mean ± std band of a "Run over seeds"
// sweep. Sequence runs contribute their first task as "upstream" and their last as
// "downstream".

#include <QColor>
#include <QList>
#include <QString>
#include <QVector>
#include <QWidget>

class QCustomPlot;
class QCPBars;
class QCPGraph;
class QLabel;

namespace forgetlab::ui {

class SeedBandPlot;

struct ComparedRun {
    qint64 id = 0;
    QString name;
    QColor color;
    QVector<double> upSteps, upAcc;      // upstream accuracy over fine-tuning steps
    QVector<double> downSteps, downAcc;  // downstream accuracy
    double forgetting = 0.0;             // final (stored summary)
    double downAccFinal = 0.0;
    bool finished = false;  // has a summary (otherwise no bars)
};

class ComparisonView : public QWidget {
    Q_OBJECT
public:
    explicit ComparisonView(QWidget* parent = nullptr);

    void setRuns(const QList<ComparedRun>& runs);
    const QList<ComparedRun>& runs() const { return m_runs; }
    SeedBandPlot* seedBands() const { return m_seeds; }

    QCustomPlot* upstreamPlot() const { return m_up; }
    QCustomPlot* downstreamPlot() const { return m_down; }
    QCustomPlot* barPlot() const { return m_bars; }
    QCPBars* forgettingBars() const { return m_forgettingBars; }
    QCPBars* downstreamBars() const { return m_downBars; }
    // Tick labels of the bar chart, left to right.
    QStringList barLabels() const { return m_barLabels; }

private:
    void fillCurves(QCustomPlot* plot, bool upstream);
    void fillBars();

    QLabel* m_hint;
    QCustomPlot* m_up;
    QCustomPlot* m_down;
    QCustomPlot* m_bars;
    QCPBars* m_forgettingBars;
    QCPBars* m_downBars;
    SeedBandPlot* m_seeds;
    QList<ComparedRun> m_runs;
    QStringList m_barLabels;
};

}  // namespace forgetlab::ui
