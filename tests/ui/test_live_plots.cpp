// ui::LivePlots on its own: axes during a live run (sticky ranges) and for stored runs.
#include <QtTest>
#include <cmath>

#include "ui/live/live_plots.h"
#include "ui/common/qcp.h"

using forgetlab::MetricPoint;
using forgetlab::ui::LivePlots;
namespace keys = forgetlab::keys;

namespace {
std::vector<MetricPoint> sharpness(int from, int to, double value) {
    std::vector<MetricPoint> points;
    for (int s = from; s <= to; s += 10) points.push_back({s, keys::kSharpness, value});
    return points;
}
}  // namespace

class TestLivePlots : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void liveAxesKeepTheirRangeWhileDataFit();
    void storedRunsFitTightly();
    void benchmarkCurvesPerBenchmarkAndMean();
};

// fitNonNegative: [0, max * 1.12]. Live, the axis keeps its range while the data stay
// inside it (a new maximum within the headroom does not move it); outside, it follows.
void TestLivePlots::liveAxesKeepTheirRangeWhileDataFit() {
    LivePlots plots;
    plots.resize(800, 700);
    plots.show();
    plots.addRun(-1, QStringLiteral("live"));
    plots.setRunSteps(-1, 1000);
    plots.setLiveMode(true);
    QCPAxis* y = plots.plot(LivePlots::kSharpnessPlot)->yAxis;
    plots.appendPoints(-1, sharpness(0, 100, 1.0));
    QCOMPARE(y->range().upper, 1.12);
    // New maximum 1.05 < 1.12: the axis stays (a tight fit would be 1.176).
    plots.appendPoints(-1, sharpness(110, 200, 1.05));
    QCOMPARE(y->range().upper, 1.12);
    // A value outside: the axis follows at once.
    plots.appendPoints(-1, sharpness(210, 210, 2.0));
    QCOMPARE(y->range().upper, 2.24);
    QCOMPARE(y->range().lower, 0.0);
    QCOMPARE(plots.pointCount(-1, QStringLiteral("sharpness")), 22);
}

// Not live (stored runs): every update fits the data tightly.
void TestLivePlots::storedRunsFitTightly() {
    LivePlots plots;
    plots.resize(800, 700);
    plots.show();
    plots.addRun(1, QStringLiteral("#1"));
    QCPAxis* y = plots.plot(LivePlots::kSharpnessPlot)->yAxis;
    plots.appendPoints(1, sharpness(0, 100, 1.0));
    QCOMPARE(y->range().upper, 1.12);
    plots.appendPoints(1, sharpness(110, 200, 1.05));
    QVERIFY(std::abs(y->range().upper - 1.176) < 1e-12);
    plots.removeRun(1);
    plots.addRun(2, QStringLiteral("#2"));
    plots.appendPoints(2, sharpness(0, 100, 0.7));
    QVERIFY(std::abs(y->range().upper - 0.784) < 1e-12);  // nothing kept from run #1
}

// eval.benchmarks: one curve per benchmark and one for their mean on the accuracy plot, named
// in the legend, made only when a run reports them and removed with it.
void TestLivePlots::benchmarkCurvesPerBenchmarkAndMean() {
    LivePlots plots;
    plots.addRun(1, QStringLiteral("#1"));
    QCustomPlot* acc = plots.plot(LivePlots::kAccuracyPlot);
    const int plain = acc->graphCount();
    std::vector<MetricPoint> points;
    for (int step : {0, 50, 100}) {
        points.push_back({step, "benchmark_acc/cloze-en", 0.6 - step * 0.001});
        points.push_back({step, "benchmark_acc_norm/cloze-en", 0.5});
        points.push_back({step, "benchmark_acc/mmlu", 0.3});
        points.push_back({step, keys::kBenchmarkAcc, (0.9 - step * 0.001) / 2});
    }
    plots.appendPoints(1, points);
    QCOMPARE(acc->graphCount(), plain + 3);  // acc_norm is in the summary, not plotted
    QCOMPARE(plots.pointCount(1, "benchmark_acc/cloze-en"), 3);
    QCOMPARE(plots.pointCount(1, keys::kBenchmarkAcc), 3);
    QStringList names;
    for (int i = plain; i < acc->graphCount(); ++i) names << acc->graph(i)->name();
    QVERIFY2(names.contains("#1 · cloze-en acc") && names.contains("#1 · benchmarks (mean acc)"),
             qPrintable(names.join(", ")));
    plots.removeRun(1);
    QCOMPARE(acc->graphCount(), 0);
}

QTEST_MAIN(TestLivePlots)
#include "test_live_plots.moc"
