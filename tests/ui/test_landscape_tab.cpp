// The Landscape tab driven through its widgets: a tiny run, then a 2-D slice whose two
// heatmaps have the grid's size and whose flatness labels show numbers; the stored slice
// is listed and reopens in a new window on the same database; Cancel on a large job
// returns within moments and leaves the job cancelled (nothing stored); the
// interpolation line has markers at 0 and 1; a Hessian job fills the table with k
// descending eigenvalues; on a live run an analysis pauses training, analyses a snapshot
// and resumes. One temporary database for the suite (the pre-trained model is cached).

#include <QAction>
#include <QCheckBox>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include "app/bridge/jobs/analysis_controller.h"
#include "app/bridge/tabs/analysis_coordinator.h"
#include "app/bridge/main_window.h"
#include "app/bridge/jobs/run_controller.h"
#include "engine/store/store.h"
#include "tests/ui/ui_test_helpers.h"
#include "ui/landscape/analysis_list.h"
#include "ui/landscape/checkpoint_timeline.h"
#include "ui/landscape/hessian_panel.h"
#include "ui/common/job_progress.h"
#include "ui/landscape/landscape_curves.h"
#include "ui/landscape/landscape_form.h"
#include "ui/landscape/landscape_heatmaps.h"
#include "ui/landscape/landscape_panel.h"
#include "ui/live/live_plots.h"
#include "ui/common/qcp.h"
#include "ui/runs/run_list.h"

using forgetlab::RunSummary;
using forgetlab::app::AnalysisCoordinator;
using forgetlab::app::AnalysisOutcome;
using forgetlab::app::MainWindow;
using forgetlab::ui::JobProgress;
using forgetlab::ui::LandscapeHeatmaps;
using namespace forgetlab::test;

namespace {

constexpr int kJobTimeoutMs = 60'000;

QPushButton* pushButton(QWidget* root, const char* name) {
    auto* b = root->findChild<QPushButton*>(QString::fromLatin1(name));
    if (!b) qFatal("no button %s", name);
    return b;
}

// Sets the landscape form through its widgets.
void setLandscapeForm(MainWindow& window, const char* kind, int grid, int subset) {
    chooseValue(&window, QStringLiteral("landscape.kind"), QString::fromLatin1(kind));
    setSpin(&window, QStringLiteral("landscape.grid"), grid);
    setSpin(&window, QStringLiteral("landscape.subset"), subset);
}

// Clicks a Compute button and waits for the job's outcome.
bool computeAndWait(MainWindow& window, const char* buttonName, AnalysisOutcome* outcome) {
    QSignalSpy finished(window.analysis(), &AnalysisCoordinator::jobFinished);
    QSignalSpy failed(window.analysis(), &AnalysisCoordinator::jobFailed);
    QTest::mouseClick(pushButton(&window, buttonName), Qt::LeftButton);
    for (int waited = 0; finished.isEmpty() && failed.isEmpty() && waited < kJobTimeoutMs;
         waited += 20)
        QTest::qWait(20);
    if (!failed.isEmpty())
        qWarning("job failed: %s", qPrintable(failed.first().first().toString()));
    if (finished.isEmpty()) return false;
    *outcome = finished.first().first().value<AnalysisOutcome>();
    return true;
}

bool showsNumber(const QString& text) {
    return text.contains(QRegularExpression(QStringLiteral("\\d+(\\.\\d+)?(e[-+]?\\d+)?")));
}

}  // namespace

class TestLandscapeTab : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void twoDimensionalSlice();
    void storedLandscapeReopens();
    void cancelReturnsQuickly();
    void interpolationHasMarkers();
    void hessianFillsTable();
    void liveHessianMetricsArePlotted();
    void liveRunPausesAndResumes();

private:
    QString dbPath() const { return m_dir.filePath(QStringLiteral("runs.db")); }
    QTemporaryDir m_dir;
    qint64 m_run = 0;
};

void TestLandscapeTab::initTestCase() {
    qRegisterMetaType<RunSummary>();
    qRegisterMetaType<AnalysisOutcome>();
    QVERIFY(m_dir.isValid());
    // One small finished run with a checkpoint in the middle, shared by the tests.
    MainWindow window;
    window.show();
    QVERIFY(window.openDatabase(dbPath()));
    shrinkExperiment(window, 40);
    setSpin(&window, QStringLiteral("eval.checkpoint_every"), 20);
    setSpin(&window, QStringLiteral("eval.hessian_topk"), 3);
    setSpin(&window, QStringLiteral("eval.trace_every"), 10);
    setSpin(&window, QStringLiteral("eval.trace_samples"), 4);
    RunSummary summary;
    QVERIFY(runExperimentToEnd(window, &summary));
    QCOMPARE(QString::fromStdString(summary.status), QStringLiteral("done"));
    m_run = summary.run_id;
}

void TestLandscapeTab::twoDimensionalSlice() {
    MainWindow window;
    window.show();
    QVERIFY(window.openDatabase(dbPath()));
    window.runList()->selectRun(m_run);
    QVERIFY(window.showTab(QStringLiteral("landscape")));
    auto* panel = window.landscapePanel();
    QCOMPARE(window.analysis()->runId(), m_run);

    // The timeline lists pre-trained, the periodic checkpoint and the final weights.
    auto* timeline = panel->timeline();
    QCOMPARE(timeline->checkpoints().size(), 3);
    QCOMPARE(timeline->checkpoints().at(0).tag, QStringLiteral("pretrained"));
    QCOMPARE(timeline->checkpoints().at(1).step, qint64(20));
    QCOMPARE(timeline->currentTag(), QStringLiteral("final"));
    QVERIFY(!timeline->hasLiveEntry());

    setLandscapeForm(window, "2d", 5, 50);
    // The cost is known before starting: passes at once, seconds after a quick timing.
    QVERIFY(panel->form()->costText().contains(QStringLiteral("<b>25</b>")));
    QTRY_VERIFY_WITH_TIMEOUT(panel->form()->costText().contains(QStringLiteral("≈")), 20'000);

    AnalysisOutcome outcome;
    QVERIFY(computeAndWait(window, "computeLandscapeButton", &outcome));
    QVERIFY(!outcome.cancelled);
    QCOMPARE(outcome.step, qint64(40));
    QVERIFY(outcome.storedId > 0);
    QVERIFY(panel->isShowingHeatmaps());
    LandscapeHeatmaps* maps = panel->heatmaps();
    for (auto side : {LandscapeHeatmaps::kUpstream, LandscapeHeatmaps::kDownstream}) {
        QCPColorMapData* data = maps->colorMap(side)->data();
        QCOMPARE(data->keySize(), 5);
        QCOMPARE(data->valueSize(), 5);
        QVERIFY(std::isfinite(data->data(0, 0)));
        QVERIFY2(showsNumber(maps->flatnessText(side)), qPrintable(maps->flatnessText(side)));
        QVERIFY(!maps->colorScale(side)->label().isEmpty());
    }
    QVERIFY(window.findChild<QLabel*>(QStringLiteral("upFlatness"))
                ->text()
                .contains(QStringLiteral("|∇L|")));
    QCOMPARE(panel->job()->state(), JobProgress::State::Done);

    // Options redraw the same data.
    maps->setLogScale(true);
    maps->setSharedRange(true);
    QCOMPARE(maps->colorMap(LandscapeHeatmaps::kUpstream)->dataRange(),
             maps->colorMap(LandscapeHeatmaps::kDownstream)->dataRange());
    QCOMPARE(maps->colorMap(LandscapeHeatmaps::kUpstream)->data()->keySize(), 5);

    // Listed under the run.
    QCOMPARE(panel->analyses()->analysisCount(), 1);
    QCOMPARE(panel->analyses()->analysisAt(0).kind, QStringLiteral("2d"));
    QCOMPARE(panel->analyses()->analysisAt(0).step, qint64(40));

    // Exports: CSV (one line per grid point), PNG, PDF.
    const QString csv = m_dir.filePath(QStringLiteral("slice.csv"));
    QVERIFY(window.analysis()->exportCsv(csv));
    QFile file(csv);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll().count('\n'), 26);
    const QString png = m_dir.filePath(QStringLiteral("slice.png"));
    QVERIFY(window.analysis()->exportImage(png));
    QVERIFY(!QImage(png).isNull());
    const QString pdf = m_dir.filePath(QStringLiteral("slice.pdf"));
    QVERIFY(window.analysis()->exportImage(pdf));
    QFile pdfFile(pdf);
    QVERIFY(pdfFile.open(QIODevice::ReadOnly));
    QCOMPARE(pdfFile.read(5), QByteArray("%PDF-"));
}

void TestLandscapeTab::storedLandscapeReopens() {
    MainWindow window;
    window.show();
    QVERIFY(window.openDatabase(dbPath()));
    window.runList()->selectRun(m_run);
    window.showTab(QStringLiteral("landscape"));
    auto* panel = window.landscapePanel();
    QVERIFY(!panel->isShowingHeatmaps());
    auto* list = panel->analyses();
    QVERIFY(list->analysisCount() >= 1);
    int row = -1;
    for (int i = 0; i < list->analysisCount(); ++i)
        if (list->analysisAt(i).kind == QLatin1String("2d")) row = i;
    QVERIFY(row >= 0);
    QTreeWidgetItem* item = list->topLevelItem(row);
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualItemRect(item).center());
    QVERIFY(panel->isShowingHeatmaps());
    QCOMPARE(panel->heatmaps()->colorMap(LandscapeHeatmaps::kUpstream)->data()->keySize(), 5);
    QCOMPARE(panel->heatmaps()->colorMap(LandscapeHeatmaps::kDownstream)->data()->valueSize(), 5);
    QVERIFY(showsNumber(panel->heatmaps()->flatnessText(LandscapeHeatmaps::kDownstream)));
}

void TestLandscapeTab::cancelReturnsQuickly() {
    MainWindow window;
    window.show();
    QVERIFY(window.openDatabase(dbPath()));
    window.runList()->selectRun(m_run);
    window.showTab(QStringLiteral("landscape"));
    auto* panel = window.landscapePanel();
    const int storedBefore = panel->analyses()->analysisCount();
    setLandscapeForm(window, "2d", 101, 500);  // 10 201 passes: minutes on this machine

    QSignalSpy finished(window.analysis(), &AnalysisCoordinator::jobFinished);
    QSignalSpy progress(window.analysis()->jobs(), &forgetlab::app::AnalysisController::progress);
    QTest::mouseClick(pushButton(&window, "computeLandscapeButton"), Qt::LeftButton);
    QVERIFY(window.analysis()->isBusy());
    QVERIFY(!pushButton(&window, "computeLandscapeButton")->isEnabled());
    // A second request while one runs is refused.
    QSignalSpy errors(&window, &MainWindow::errorReported);
    QVERIFY(!window.analysis()->computeHessian());
    QCOMPARE(errors.count(), 1);

    QTRY_VERIFY_WITH_TIMEOUT(!progress.isEmpty(), kJobTimeoutMs);
    QElapsedTimer clock;
    clock.start();
    QTest::mouseClick(pushButton(&window, "cancelJobButton"), Qt::LeftButton);
    QVERIFY(finished.wait(5000));
    qInfo("cancel returned after %lld ms", clock.elapsed());
    QVERIFY(clock.elapsed() < 3000);
    const auto outcome = finished.first().first().value<AnalysisOutcome>();
    QVERIFY(outcome.cancelled);
    QVERIFY(outcome.landscape.evaluations < 10201);
    QCOMPARE(outcome.storedId, qint64(0));
    QCOMPARE(panel->job()->state(), JobProgress::State::Cancelled);
    QVERIFY(panel->job()->message().contains(QStringLiteral("Cancelled")));
    QVERIFY(!window.analysis()->isBusy());
    QVERIFY(pushButton(&window, "computeLandscapeButton")->isEnabled());
    QCOMPARE(panel->analyses()->analysisCount(), storedBefore);
}

void TestLandscapeTab::interpolationHasMarkers() {
    MainWindow window;
    window.show();
    QVERIFY(window.openDatabase(dbPath()));
    window.runList()->selectRun(m_run);
    window.showTab(QStringLiteral("landscape"));
    auto* panel = window.landscapePanel();
    setLandscapeForm(window, "interp", 5, 50);
    AnalysisOutcome outcome;
    QVERIFY(computeAndWait(window, "computeLandscapeButton", &outcome));
    QVERIFY(panel->isShowingCurves());
    auto* curves = panel->curves();
    QCOMPARE(curves->markerPositions(), (QVector<double>{0.0, 1.0}));
    QCOMPARE(curves->upLoss()->dataCount(), 5);
    QCOMPARE(curves->downLoss()->dataCount(), 5);
    QCOMPARE(curves->upLoss()->data()->begin()->key, -0.5);
    // The line runs from the pre-trained basin (low upstream loss at α = 0) to the
    // fine-tuned one (low downstream loss at α = 1).
    const auto at = [](QCPGraph* g, double x) { return g->data()->findBegin(x, false)->value; };
    QVERIFY(at(curves->upLoss(), 0.0) < at(curves->upLoss(), 1.0));
    QVERIFY(at(curves->downLoss(), 1.0) < at(curves->downLoss(), 0.0));
    curves->setAccuraciesVisible(true);
    QVERIFY(curves->plot()->yAxis2->visible());
}

void TestLandscapeTab::hessianFillsTable() {
    MainWindow window;
    window.show();
    QVERIFY(window.openDatabase(dbPath()));
    window.runList()->selectRun(m_run);
    window.showTab(QStringLiteral("landscape"));
    auto* panel = window.landscapePanel();
    const int storedBefore = panel->analyses()->analysisCount();
    setSpin(&window, QStringLiteral("hessian.topk"), 3);
    setSpin(&window, QStringLiteral("hessian.trace_samples"), 4);
    setSpin(&window, QStringLiteral("hessian.probe_size"), 64);
    setSpin(&window, QStringLiteral("hessian.max_iters"), 20);
    AnalysisOutcome outcome;
    QVERIFY(computeAndWait(window, "computeHessianButton", &outcome));
    QVERIFY(!outcome.cancelled);
    const QVector<double> eig = panel->hessian()->shownEigenvalues();
    QCOMPARE(eig.size(), 3);
    QVERIFY(eig[0] >= eig[1] && eig[1] >= eig[2]);
    auto* table = window.findChild<QTableWidget*>(QStringLiteral("hessianTable"));
    QCOMPARE(table->rowCount(), 4);  // three eigenvalues and the trace
    QVERIFY(table->item(3, 1)->text().contains(QStringLiteral("±")));
    QCOMPARE(panel->analyses()->analysisCount(), storedBefore + 1);
    int hessians = 0;
    for (int i = 0; i < panel->analyses()->analysisCount(); ++i)
        hessians += panel->analyses()->analysisAt(i).kind == QLatin1String("hessian") ? 1 : 0;
    QCOMPARE(hessians, 1);
}

void TestLandscapeTab::liveHessianMetricsArePlotted() {
    MainWindow window;
    window.show();
    QVERIFY(window.openDatabase(dbPath()));
    window.runList()->selectRun(m_run);
    QTRY_VERIFY(window.plots()->hasRun(m_run));
    auto* plots = window.plots();
    QVERIFY(plots->pointCount(m_run, QStringLiteral("hessian_l2")) > 0);
    QVERIFY(plots->pointCount(m_run, QStringLiteral("hessian_l3")) > 0);
    QCOMPARE(plots->pointCount(m_run, QStringLiteral("hessian_l4")), 0);
    QCOMPARE(plots->pointCount(m_run, QStringLiteral("hessian_trace")), 5);  // steps 0..40 by 10
}

void TestLandscapeTab::liveRunPausesAndResumes() {
    MainWindow window;
    window.show();
    QVERIFY(window.openDatabase(dbPath()));
    shrinkExperiment(window, 100'000);  // will not finish on its own
    setSpin(&window, QStringLiteral("eval.hessian_every"), 0);
    QSignalSpy runFinished(window.controller(), &forgetlab::app::RunController::finished);
    QTest::mouseClick(runButton(window, "startButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(window.liveStep() >= 3, kJobTimeoutMs);
    window.showTab(QStringLiteral("landscape"));
    auto* panel = window.landscapePanel();
    QCOMPARE(window.analysis()->runId(), window.controller()->runId());
    QVERIFY(panel->timeline()->hasLiveEntry());
    QVERIFY(panel->timeline()->isLiveSelected());
    setLandscapeForm(window, "2d", 5, 50);

    // Training stands still from the snapshot until the job ends: at every progress
    // report (the first and the last always come) the run is paused at the same step.
    bool pausedDuringJob = true;
    int reports = 0;
    int64_t stepAtJobStart = -1, stepAtJobEnd = -2;
    QObject context;
    connect(window.analysis()->jobs(), &forgetlab::app::AnalysisController::progress, &context,
            [&] {
                pausedDuringJob = pausedDuringJob && window.controller()->isPaused();
                if (reports++ == 0) stepAtJobStart = window.liveStep();
                stepAtJobEnd = window.liveStep();
            });
    AnalysisOutcome outcome;
    QTest::keyClick(&window, Qt::Key_L, Qt::ControlModifier);  // Analyse > Compute landscape
    QVERIFY(window.controller()->isPaused());
    QSignalSpy finished(window.analysis(), &AnalysisCoordinator::jobFinished);
    QVERIFY(finished.wait(kJobTimeoutMs));
    outcome = finished.first().first().value<AnalysisOutcome>();
    QVERIFY(!outcome.cancelled);
    QVERIFY(reports >= 2);
    QVERIFY(pausedDuringJob);
    // The GUI's step lags the runner by up to one live pull (15 Hz), so the first report
    // may still show the step that was in flight when the pause came; unpaused training
    // would have moved hundreds of steps during the job.
    QVERIFY2(stepAtJobEnd - stepAtJobStart <= 1,
             qPrintable(QStringLiteral("%1 -> %2").arg(stepAtJobStart).arg(stepAtJobEnd)));
    // The snapshot is of the paused weights (the live step shown may lag by a pull).
    QVERIFY(outcome.step >= stepAtJobStart && outcome.step >= 3);
    QVERIFY(panel->isShowingHeatmaps());
    // The snapshot is a checkpoint of the run now.
    bool snapshotListed = false;
    for (const auto& mark : panel->timeline()->checkpoints())
        snapshotListed |= mark.tag.startsWith(QStringLiteral("snapshot-"));
    QVERIFY(snapshotListed);

    // Resumed: the step count moves again.
    QVERIFY(!window.controller()->isPaused());
    QTRY_VERIFY_WITH_TIMEOUT(window.liveStep() > stepAtJobEnd + 2, 20'000);

    // Paused by the user first: stays paused after the analysis.
    QTest::mouseClick(runButton(window, "pauseButton"), Qt::LeftButton);
    QVERIFY(window.controller()->isPaused());
    panel->timeline()->selectLive();
    QVERIFY(computeAndWait(window, "computeLandscapeButton", &outcome));
    QTest::qWait(200);
    QVERIFY(window.controller()->isPaused());

    QTest::mouseClick(runButton(window, "stopButton"), Qt::LeftButton);
    QVERIFY(runFinished.wait(20'000));
}

QTEST_MAIN(TestLandscapeTab)
#include "test_landscape_tab.moc"
