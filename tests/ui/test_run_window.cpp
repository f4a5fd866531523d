// The main window driven as a person would: Start on the (shrunken) default preset fills
// all three plots and lists the finished run; checked runs are overlaid in distinct
// colours; Pause/Step/Stop change the step count as expected; exports write files; a bad
// database is reported, not fatal. One temporary database for the whole suite, so later
// runs reuse the cached pre-trained model.

#include <QAction>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QTimer>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include "app/bridge/main_window.h"
#include "app/bridge/jobs/run_controller.h"
#include "engine/store/store.h"
#include "tests/ui/ui_test_helpers.h"
#include "ui/live/live_plots.h"
#include "ui/common/qcp.h"
#include "ui/live/run_actions.h"
#include "ui/runs/run_list.h"

using forgetlab::RunSummary;
using forgetlab::app::MainWindow;
using forgetlab::ui::LivePlots;
using namespace forgetlab::test;

namespace {

constexpr int kRunTimeoutMs = 60'000;

QToolButton* button(MainWindow& window, const char* name) {
    auto* b = window.findChild<QToolButton*>(QString::fromLatin1(name));
    if (!b) qFatal("no button %s", name);
    return b;
}

// Clicks Start and waits for the run to end; returns its summary.
bool runToEnd(MainWindow& window, RunSummary* summary) {
    QSignalSpy finished(window.controller(), &forgetlab::app::RunController::finished);
    QSignalSpy failed(window.controller(), &forgetlab::app::RunController::failed);
    QTest::mouseClick(button(window, "startButton"), Qt::LeftButton);
    if (!window.controller()->isRunning()) return false;
    for (int waited = 0; finished.isEmpty() && failed.isEmpty() && waited < kRunTimeoutMs;
         waited += 100) {
        QTest::qWait(100);
    }
    if (!failed.isEmpty())
        qWarning("run failed: %s", qPrintable(failed.first().first().toString()));
    if (finished.isEmpty()) return false;
    *summary = finished.first().first().value<RunSummary>();
    return true;
}

int graphsWithData(QCustomPlot* plot) {
    int n = 0;
    for (int i = 0; i < plot->graphCount(); ++i) n += plot->graph(i)->dataCount() > 0 ? 1 : 0;
    return n;
}

}  // namespace

class TestRunWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void startFillsPlotsAndListsRun();
    void checkedRunsAreOverlaid();
    void pauseStepStop();
    void staysResponsiveWhileTraining();
    void exportsWriteFiles();
    void badDatabaseIsReported_data();
    void badDatabaseIsReported();

private:
    QString dbPath() const { return m_dir.filePath(QStringLiteral("runs.db")); }
    QTemporaryDir m_dir;
    qint64 m_sgdRun = 0;
    qint64 m_samRun = 0;
};

void TestRunWindow::initTestCase() {
    qRegisterMetaType<RunSummary>();
    QVERIFY(m_dir.isValid());
}

void TestRunWindow::startFillsPlotsAndListsRun() {
    MainWindow window;
    window.show();
    QVERIFY(window.openDatabase(dbPath()));
    shrinkExperiment(window, 40);
    typeInto(&window, QStringLiteral("name"), QStringLiteral("sgd"));
    QVERIFY(window.setupPanel());

    // While it runs, the live series fills (pulled by the timer, not pushed per point).
    QSignalSpy created(window.controller(), &forgetlab::app::RunController::runCreated);
    RunSummary summary;
    QVERIFY(runToEnd(window, &summary));
    QCOMPARE(created.count(), 1);
    QCOMPARE(QString::fromStdString(summary.status), QStringLiteral("done"));
    QCOMPARE(summary.steps, int64_t(40));
    m_sgdRun = summary.run_id;

    // The stored run replaced the live series and is shown (it is selected).
    LivePlots* plots = window.plots();
    QVERIFY(!plots->hasRun(MainWindow::kLiveKey));
    QVERIFY(plots->hasRun(m_sgdRun));
    QCOMPARE(plots->pointCount(m_sgdRun, QStringLiteral("train_loss")), 40);
    QVERIFY(plots->pointCount(m_sgdRun, QStringLiteral("down_test_loss")) > 0);
    QVERIFY(plots->pointCount(m_sgdRun, QStringLiteral("up_test_acc")) > 0);
    QVERIFY(plots->pointCount(m_sgdRun, QStringLiteral("sharpness")) > 0);
    QVERIFY(plots->pointCount(m_sgdRun, QStringLiteral("hessian_lmax")) > 0);
    for (int i = 0; i < LivePlots::kPlotCount; ++i) {
        QVERIFY2(graphsWithData(plots->plot(i)) >= 2, qPrintable(QStringLiteral("plot %1").arg(i)));
    }
    // Linked step axes.
    plots->plot(LivePlots::kLossPlot)->xAxis->setRange(5, 25);
    QCOMPARE(plots->plot(LivePlots::kSharpnessPlot)->xAxis->range().lower, 5.0);
    QCOMPARE(plots->plot(LivePlots::kAccuracyPlot)->xAxis->range().upper, 25.0);

    QVERIFY(window.runList()->runIds().contains(m_sgdRun));
    QCOMPARE(window.runList()->runStatus(m_sgdRun), QStringLiteral("done"));
    QCOMPARE(window.runList()->currentRunId(), m_sgdRun);
    QVERIFY(window.runActions()->start()->isEnabled());
}

void TestRunWindow::checkedRunsAreOverlaid() {
    QVERIFY(m_sgdRun > 0);
    MainWindow window;
    window.show();
    QVERIFY(window.openDatabase(dbPath()));
    QVERIFY(window.selectPreset(QStringLiteral("split-fmnist-sam")));
    shrinkExperiment(window, 30);
    typeInto(&window, QStringLiteral("name"), QStringLiteral("sam"));
    RunSummary summary;
    QVERIFY(runToEnd(window, &summary));
    QCOMPARE(QString::fromStdString(summary.status), QStringLiteral("done"));
    m_samRun = summary.run_id;
    QVERIFY(m_samRun != m_sgdRun);

    window.runList()->setChecked(m_sgdRun, true);
    window.runList()->setChecked(m_samRun, true);
    LivePlots* plots = window.plots();
    QTRY_VERIFY(plots->hasRun(m_sgdRun) && plots->hasRun(m_samRun));
    QCOMPARE(plots->runKeys().size(), 2);
    // Two runs' graphs on each plot, each run in its own colour.
    QCOMPARE(plots->plot(LivePlots::kLossPlot)->graphCount(), 4);
    QCOMPARE(plots->plot(LivePlots::kAccuracyPlot)->graphCount(), 6);
    QCOMPARE(plots->plot(LivePlots::kSharpnessPlot)->graphCount(), 4);
    QVERIFY(plots->runColor(m_sgdRun) != plots->runColor(m_samRun));
    QCustomPlot* acc = plots->plot(LivePlots::kAccuracyPlot);
    QSet<QRgb> colours;
    QStringList names;
    for (int i = 0; i < acc->graphCount(); ++i) {
        colours.insert(acc->graph(i)->pen().color().rgb());
        names << acc->graph(i)->name();
    }
    QCOMPARE(colours.size(), 2);
    QVERIFY(names.join(' ').contains(QStringLiteral("sgd #%1").arg(m_sgdRun)));
    QVERIFY(names.join(' ').contains(QStringLiteral("sam #%1").arg(m_samRun)));

    // Unchecking one (and selecting the other) leaves one run.
    window.runList()->selectRun(m_samRun);
    window.runList()->setChecked(m_sgdRun, false);
    QTRY_VERIFY(!plots->hasRun(m_sgdRun));
    QCOMPARE(plots->plot(LivePlots::kLossPlot)->graphCount(), 2);
}

void TestRunWindow::pauseStepStop() {
    MainWindow window;
    window.show();
    QVERIFY(window.openDatabase(dbPath()));
    shrinkExperiment(window, 100'000);  // will not finish on its own
    QSignalSpy finished(window.controller(), &forgetlab::app::RunController::finished);
    QTest::mouseClick(button(window, "startButton"), Qt::LeftButton);
    QVERIFY(window.controller()->isRunning());
    QVERIFY(!button(window, "startButton")->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(window.liveStep() >= 3, kRunTimeoutMs);
    QTRY_VERIFY(window.plots()->pointCount(MainWindow::kLiveKey, QStringLiteral("train_loss")) > 0);

    QTest::mouseClick(button(window, "pauseButton"), Qt::LeftButton);
    QVERIFY(window.controller()->isPaused());
    QCOMPARE(window.runActions()->pauseResume()->text().remove('&'), QStringLiteral("Resume"));
    QVERIFY(button(window, "stepButton")->isEnabled());
    // Let the step in flight land, then the count must stand still.
    int64_t paused = -1;
    QTRY_VERIFY_WITH_TIMEOUT(([&] {
                                 const int64_t now = window.liveStep();
                                 QTest::qWait(300);
                                 paused = window.liveStep();
                                 return now == paused;
                             }()),
                             10'000);
    QTest::qWait(300);
    QCOMPARE(window.liveStep(), paused);

    QTest::mouseClick(button(window, "stepButton"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(window.liveStep(), paused + 1, 10'000);
    QTest::qWait(300);
    QCOMPARE(window.liveStep(), paused + 1);
    // A live knob: applied before the next step and recorded as an event of the run.
    auto* lrKnob = window.findChild<QLineEdit*>(QStringLiteral("lrKnob"));
    QVERIFY(lrKnob && lrKnob->isEnabled());
    lrKnob->selectAll();
    QTest::keyClicks(lrKnob, QStringLiteral("0.002"));
    QTest::keyClick(lrKnob, Qt::Key_Return);
    QTest::mouseClick(button(window, "stepButton"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(window.liveStep(), paused + 2, 10'000);

    QTest::mouseClick(button(window, "stopButton"), Qt::LeftButton);
    QVERIFY(finished.wait(20'000));
    const auto summary = finished.first().first().value<RunSummary>();
    QCOMPARE(QString::fromStdString(summary.status), QStringLiteral("stopped"));
    QCOMPARE(summary.steps, paused + 2);
    QVERIFY(!window.controller()->isRunning());
    QCOMPARE(window.runList()->runStatus(summary.run_id), QStringLiteral("stopped"));
    // Everything recorded up to the stop is in the database and shown.
    QCOMPARE(window.plots()->pointCount(summary.run_id, QStringLiteral("train_loss")),
             int(paused + 2));
    forgetlab::Store store(dbPath().toStdString());
    bool knobRecorded = false;
    for (const forgetlab::EventRow& e : store.events(summary.run_id)) {
        knobRecorded |=
            e.kind == "knob" && QString::fromStdString(e.json).contains(QStringLiteral("0.002"));
    }
    QVERIFY(knobRecorded);
}

// The GUI thread keeps serving events while training runs at full speed: a 10 ms timer
// never waits long.
void TestRunWindow::staysResponsiveWhileTraining() {
    MainWindow window;
    window.show();
    QVERIFY(window.openDatabase(dbPath()));
    shrinkExperiment(window, 100'000);
    setSpin(&window, QStringLiteral("downstream.batch_size"), 128);
    typeInto(&window, QStringLiteral("model.hidden"), QStringLiteral("256, 256"));
    QTest::mouseClick(button(window, "startButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(window.liveStep() >= 1, kRunTimeoutMs);

    QElapsedTimer clock;
    qint64 last = 0, worst = 0;
    QTimer tick;
    tick.setInterval(10);
    clock.start();
    connect(&tick, &QTimer::timeout, this, [&] {
        const qint64 now = clock.elapsed();
        worst = std::max(worst, now - last);
        last = now;
    });
    tick.start();
    const int64_t before = window.liveStep();
    QTest::qWait(2000);
    tick.stop();
    QVERIFY2(window.liveStep() > before, "training should progress meanwhile");
    qInfo("worst event-loop gap while training: %lld ms (%lld steps in 2 s)", worst,
          (long long)(window.liveStep() - before));
    QVERIFY2(worst < 250, qPrintable(QStringLiteral("event loop stalled for %1 ms").arg(worst)));
    // The live view refreshes within its budget's bounds (10 Hz at most, 2 Hz at least).
    QVERIFY(window.liveRefreshInterval() >= 100);
    QVERIFY(window.liveRefreshInterval() <= 500);

    QSignalSpy finished(window.controller(), &forgetlab::app::RunController::finished);
    QTest::mouseClick(button(window, "stopButton"), Qt::LeftButton);
    QVERIFY(finished.wait(20'000));
}

void TestRunWindow::exportsWriteFiles() {
    QVERIFY(m_sgdRun > 0);
    MainWindow window;
    window.show();
    QVERIFY(window.openDatabase(dbPath()));
    window.runList()->selectRun(m_sgdRun);
    QTRY_VERIFY(window.plots()->hasRun(m_sgdRun));

    const QString csv = m_dir.filePath(QStringLiteral("run.csv"));
    QVERIFY(window.exportRunCsv(m_sgdRun, csv));
    QFile file(csv);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    QVERIFY(text.contains("train_loss"));
    QVERIFY(text.count('\n') > 40);

    const QString png = m_dir.filePath(QStringLiteral("plots.png"));
    QVERIFY(window.exportPlots(png));
    QImage image(png);
    QVERIFY(!image.isNull());
    QVERIFY(image.height() > image.width() / 2);  // three plots stacked

    const QString pdf = m_dir.filePath(QStringLiteral("plots.pdf"));
    QVERIFY(window.exportPlots(pdf));
    QFile pdfFile(pdf);
    QVERIFY(pdfFile.open(QIODevice::ReadOnly));
    QVERIFY(pdfFile.read(5) == "%PDF-");

    QSignalSpy errors(&window, &MainWindow::errorReported);
    QVERIFY(!window.exportPlots(QStringLiteral("/nonexistent-dir/plots.png")));
    QCOMPARE(errors.count(), 1);
}

void TestRunWindow::badDatabaseIsReported_data() {
    QTest::addColumn<QString>("kind");
    QTest::newRow("not a database") << QStringLiteral("garbage");
    QTest::newRow("unwritable folder") << QStringLiteral("unwritable");
}

void TestRunWindow::badDatabaseIsReported() {
    QFETCH(QString, kind);
    QString path;
    if (kind == QLatin1String("garbage")) {
        path = m_dir.filePath(QStringLiteral("garbage.db"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(8192, 'x'));
    } else {
        path = QStringLiteral("/proc/forgetlab-no-such-dir/runs.db");
    }
    MainWindow window;
    window.show();
    QSignalSpy errors(&window, &MainWindow::errorReported);
    QVERIFY(!window.openDatabase(path));
    QCOMPARE(errors.count(), 1);
    QVERIFY(!window.runActions()->start()->isEnabled());  // nowhere to record a run
    // The window still works with a good database afterwards.
    QVERIFY(window.openDatabase(dbPath()));
    QVERIFY(window.runActions()->start()->isEnabled());
    QVERIFY(!window.runList()->runIds().isEmpty());
}

QTEST_MAIN(TestRunWindow)
#include "test_run_window.moc"
