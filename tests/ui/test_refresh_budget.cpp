// ui::RefreshBudget: the live view's refresh interval from the measured cost of refreshing.
#include <QThread>
#include <QtTest>
#include <cmath>
#include <limits>

#include "ui/live/refresh_budget.h"

using forgetlab::ui::RefreshBudget;
using forgetlab::ui::threadCpuMilliseconds;

class TestRefreshBudget : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void costOverShareClamped();
    void risesAtOnceFallsGradually();
    void ignoresInvalidCosts();
    void tickMeasuresThreadCpuNotWallTime();
};

// 3% of a core, between 100 and 500 ms.
void TestRefreshBudget::costOverShareClamped() {
    RefreshBudget budget(0.03, 100, 500);
    QCOMPARE(budget.interval(), 100);   // before anything is measured
    QCOMPARE(budget.record(6.0), 200);  // 6 ms / 0.03 = 200 ms
    budget.reset();
    QCOMPARE(budget.record(1.5), 100);  // 50 ms wanted: no faster than 10 Hz
    budget.reset();
    QCOMPARE(budget.record(30.0), 500);  // 1000 ms wanted: no slower than 2 Hz
    budget.reset();
    QCOMPARE(budget.record(4.5), 150);  // exactly on the millisecond
    RefreshBudget half(0.5, 10, 1000);
    QCOMPARE(half.record(20.0), 40);
}

void TestRefreshBudget::risesAtOnceFallsGradually() {
    RefreshBudget budget(0.03, 100, 500);
    QCOMPARE(budget.record(1.5), 100);
    // The plots start filling: a 9 ms refresh stretches the interval at once (300 ms), the
    // share stays a ceiling from the first costly refresh on.
    QCOMPARE(budget.record(9.0), 300);
    QCOMPARE(budget.smoothedCostMs(), 9.0);
    // Cheaper again (3 ms): 0.25 * 3 + 0.75 * 9 = 7.5 -> 250, then 6.375 -> 213, ...
    QCOMPARE(budget.record(3.0), 250);
    QCOMPARE(budget.record(3.0), 213);
    QCOMPARE(budget.smoothedCostMs(), 6.375);
    // ... and back up at once.
    QCOMPARE(budget.record(12.0), 400);
}

void TestRefreshBudget::ignoresInvalidCosts() {
    RefreshBudget budget(0.03, 100, 500);
    QCOMPARE(budget.record(9.0), 300);
    QCOMPARE(budget.record(std::numeric_limits<double>::quiet_NaN()), 300);
    QCOMPARE(budget.record(-5.0), 300);
    QCOMPARE(budget.record(std::numeric_limits<double>::infinity()), 300);
    QCOMPARE(budget.smoothedCostMs(), 9.0);
    budget.reset();
    QCOMPARE(budget.interval(), 100);
    QVERIFY(budget.smoothedCostMs() < 0);
}

void TestRefreshBudget::tickMeasuresThreadCpuNotWallTime() {
    RefreshBudget budget(0.03, 100, 500);
    QCOMPARE(budget.tick(), 100);  // the first tick only starts the clock
    // Sleeping costs no CPU: 60 ms of wall time must not stretch the interval.
    QThread::msleep(60);
    QCOMPARE(budget.tick(), 100);
    QVERIFY(budget.smoothedCostMs() < 3.0);
    // Burning at least 20 ms of this thread's CPU: the next tick sees at least that.
    budget.reset();
    budget.tick();
    const double start = threadCpuMilliseconds();
    volatile double sink = 0;
    while (threadCpuMilliseconds() - start < 20.0)
        for (int i = 0; i < 10000; ++i) sink = sink + std::sqrt(double(i));
    QCOMPARE(budget.tick(), 500);  // >= 20 ms / 0.03 = 667 ms, clamped
    QVERIFY(budget.smoothedCostMs() >= 20.0);
}

QTEST_APPLESS_MAIN(TestRefreshBudget)
#include "test_refresh_budget.moc"
