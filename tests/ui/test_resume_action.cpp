// Resume in the run list: enabled only for a run that ended early and has a resume point
// (and while no run is going); it starts a live run whose curves go on from the stored
// ones, and the resumed run ends with the same series as the same run uninterrupted.

#include <QAction>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "app/bridge/jobs/run_controller.h"
#include "app/bridge/main_window.h"
#include "engine/sessions/run_session.h"
#include "engine/store/store.h"
#include "ui/live/live_plots.h"
#include "ui/runs/run_list.h"

using namespace forgetlab;
using forgetlab::app::MainWindow;

namespace {

ExperimentConfig tinyRun(int checkpointEvery) {
    ExperimentConfig c;
    c.name = "resumable";
    c.seed = 5;
    c.device = "cpu";
    c.model.hidden = {16};
    c.upstream.task.train_size = 400;
    c.upstream.task.test_size = 100;
    c.upstream.steps = 30;
    c.downstream.task.classes = {5, 6, 7, 8, 9};
    c.downstream.task.train_size = 400;
    c.downstream.task.test_size = 100;
    c.downstream.steps = 30;
    c.eval.every = 5;
    c.eval.hessian_every = 0;
    c.eval.probe_size = 32;
    c.eval.checkpoint_every = checkpointEvery;
    return c;
}

// Stops the run it watches once fine-tuning step `after` is done.
class StopAfter : public MetricSink {
public:
    StopAfter(RunControl& control, int64_t after) : m_control(control), m_after(after) {}
    void onMetrics(const std::vector<MetricPoint>&) override {}
    void onProgress(Phase phase, int64_t step, int64_t) override {
        if (phase == Phase::Downstream && step == m_after) m_control.requestStop();
    }

private:
    RunControl& m_control;
    int64_t m_after;
};

int64_t record(Store& store, const ExperimentConfig& c, int64_t stopAfter) {
    RunControl control;
    StopAfter stop(control, stopAfter);
    return runAndRecord(c, store, control, &stop).run_id;
}

std::vector<MetricPoint> fineTuning(Store& store, int64_t id) {
    std::vector<MetricPoint> out;
    for (const MetricPoint& p : store.metrics(id))
        if (p.key.rfind("pre.", 0) != 0) out.push_back(p);
    return out;
}

// "" when equal, else the first difference.
QString difference(const std::vector<MetricPoint>& a, const std::vector<MetricPoint>& b) {
    for (size_t i = 0; i < std::min(a.size(), b.size()); ++i)
        if (a[i].step != b[i].step || a[i].key != b[i].key || a[i].value != b[i].value)
            return QStringLiteral("%1@%2 = %3 vs %4@%5 = %6")
                .arg(QString::fromStdString(a[i].key))
                .arg(a[i].step)
                .arg(a[i].value, 0, 'g', 17)
                .arg(QString::fromStdString(b[i].key))
                .arg(b[i].step)
                .arg(b[i].value, 0, 'g', 17);
    return a.size() == b.size() ? QString()
                                : QStringLiteral("%1 vs %2 points").arg(a.size()).arg(b.size());
}

}  // namespace

class TestResumeAction : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        qRegisterMetaType<RunSummary>();
        QVERIFY(m_dir.isValid());
        Store store(dbPath().toStdString());
        m_whole = record(store, tinyRun(10), 0);
        m_stopped = record(store, tinyRun(10), 12);  // resume point at step 10
        m_plain = record(store, tinyRun(0), 12);     // stopped, but no resume points
        QCOMPARE(store.run(m_whole).status, std::string(status::kDone));
        QCOMPARE(store.run(m_stopped).status, std::string(status::kStopped));
        QCOMPARE(store.run(m_plain).status, std::string(status::kStopped));
    }

    void enabledOnlyForResumableRuns() {
        MainWindow window;
        window.show();
        QVERIFY(window.openDatabase(dbPath()));
        ui::RunList* list = window.runList();
        QAction* resume = list->resumeAction();
        QCOMPARE(resume->objectName(), QStringLiteral("resumeRunAction"));
        list->selectRun(m_whole);
        QVERIFY(!resume->isEnabled());
        list->selectRun(m_plain);
        QVERIFY(!resume->isEnabled());
        QVERIFY2(resume->toolTip().contains(QStringLiteral("set eval.checkpoint_every")),
                 qPrintable(resume->toolTip()));
        list->selectRun(m_stopped);
        QVERIFY(resume->isEnabled());
        // A disabled Resume does nothing.
        list->selectRun(m_plain);
        resume->trigger();
        QVERIFY(!window.controller()->isRunning());
    }

    void resumeContinuesTheLiveCurves() {
        MainWindow window;
        window.show();
        QVERIFY(window.openDatabase(dbPath()));
        ui::RunList* list = window.runList();
        QAction* resume = list->resumeAction();
        QSignalSpy finished(window.controller(), &app::RunController::finished);
        list->selectRun(m_stopped);
        QVERIFY(resume->isEnabled());
        resume->trigger();
        QVERIFY(window.controller()->isRunning());
        // No second run while it goes (the live curves already hold the first 10 steps).
        QVERIFY(!resume->isEnabled());
        QVERIFY(window.plots()->hasRun(MainWindow::kLiveKey));
        QVERIFY(window.plots()->pointCount(MainWindow::kLiveKey, QStringLiteral("train_loss")) >=
                10);
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 60'000);
        const RunSummary s = finished.first().first().value<RunSummary>();
        QCOMPARE(s.run_id, m_stopped);
        QCOMPARE(s.status, std::string(status::kDone));
        QCOMPARE(s.steps, int64_t(30));
        QCOMPARE(window.plots()->pointCount(m_stopped, QStringLiteral("train_loss")), 30);
        QCOMPARE(list->runStatus(m_stopped), QStringLiteral("done"));
        QVERIFY(!resume->isEnabled());

        Store store(dbPath().toStdString());
        const QString diff = difference(fineTuning(store, m_stopped), fineTuning(store, m_whole));
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
    }

private:
    QString dbPath() const { return m_dir.filePath(QStringLiteral("runs.db")); }
    QTemporaryDir m_dir;
    int64_t m_whole = 0, m_stopped = 0, m_plain = 0;
};

QTEST_MAIN(TestResumeAction)
#include "test_resume_action.moc"
