// The "fighting forgetting" parts of the main window, driven as a person would: the
// Strategies tab validates beside its fields; two stored runs checked in the run list are
// overlaid in the Compare tab with bars of their stored forgetting; the Wise-FT explorer
// computes an 11-point curve and Apply stores a derived run that appears in the list; a
// sequence of three tiny tasks fills the 3 x 3 accuracy matrix live, cell for cell equal
// to the stored summary. Runs are tiny (a few seconds each on two cores).

#include <QAction>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

#include "app/bridge/tabs/continual_tabs.h"
#include "app/bridge/main_window.h"
#include "app/bridge/jobs/run_controller.h"
#include "app/bridge/jobs/wise_ft_controller.h"
#include "engine/core/run_control.h"
#include "engine/sessions/run_session.h"
#include "engine/store/store.h"
#include "tests/ui/ui_test_helpers.h"
#include "ui/continual/accuracy_matrix_view.h"
#include "ui/runs/comparison_view.h"
#include "ui/common/qcp.h"
#include "ui/live/run_actions.h"
#include "ui/runs/run_list.h"
#include "ui/continual/sequence_view.h"
#include "ui/setup/setup_panel.h"
#include "ui/live/strategy_knobs.h"
#include "ui/continual/wise_ft_panel.h"

using namespace forgetlab;
using forgetlab::app::MainWindow;
using namespace forgetlab::test;

namespace {

ExperimentConfig tinyConfig(const std::string& name, double lr) {
    ExperimentConfig c;
    c.name = name;
    c.seed = 3;
    c.model.hidden = {16};
    c.upstream.task.train_size = 400;
    c.upstream.task.test_size = 150;
    c.upstream.steps = 30;
    c.downstream.task.classes = {5, 6, 7, 8, 9};
    c.downstream.task.train_size = 400;
    c.downstream.task.test_size = 150;
    c.downstream.steps = 20;
    c.downstream.optimizer.lr = lr;
    c.eval.every = 5;
    c.eval.hessian_every = 0;
    c.eval.probe_size = 32;
    return c;
}

}  // namespace

class TestFightingForgetting : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void strategiesTabValidatesBesideFields();
    void compareOverlaysCheckedRuns();
    void wiseFtCurveAndApply();
    void sequenceFillsAccuracyMatrix();

private:
    QString dbPath() const { return m_dir.filePath(QStringLiteral("runs.db")); }
    QTemporaryDir m_dir;
    RunSummary m_runs[2];
};

void TestFightingForgetting::initTestCase() {
    qRegisterMetaType<RunSummary>();
    QVERIFY(m_dir.isValid());
    // Two stored runs made directly through the engine, as another session would have.
    Store store(dbPath().toStdString());
    const ExperimentConfig configs[2] = {tinyConfig("slow", 0.01), tinyConfig("fast", 0.2)};
    for (int i = 0; i < 2; ++i) {
        RunControl control;
        m_runs[i] = runAndRecord(configs[i], store, control);
        QCOMPARE(QString::fromStdString(m_runs[i].status), QStringLiteral("done"));
    }
}

void TestFightingForgetting::strategiesTabValidatesBesideFields() {
    MainWindow window;
    window.show();
    QVERIFY(window.openDatabase(dbPath()));
    QVERIFY(window.runActions()->start()->isEnabled());
    // Open the Strategies tab, as a person would.
    auto* tabs = window.findChild<QTabWidget*>(QStringLiteral("setupTabs"));
    QVERIFY(tabs);
    int strategiesTab = -1;
    for (int i = 0; i < tabs->count(); ++i)
        if (tabs->tabText(i) == QStringLiteral("Strategies")) strategiesTab = i;
    QVERIFY(strategiesTab >= 0);
    tabs->setCurrentIndex(strategiesTab);
    auto* error = window.findChild<QLabel*>(QStringLiteral("strategies.ewc.lambda.error"));
    QVERIFY(error);
    QVERIFY(!error->isVisible());

    typeInto(&window, QStringLiteral("strategies.ewc.lambda"), QStringLiteral("-1"));
    QVERIFY(error->isVisible());
    QVERIFY2(error->text().contains(QStringLiteral(">= 0")), qPrintable(error->text()));
    QVERIFY(!window.setupPanel()->isValid());
    QVERIFY(!window.runActions()->start()->isEnabled());

    typeInto(&window, QStringLiteral("strategies.ewc.lambda"), QStringLiteral("100"));
    QVERIFY(!error->isVisible());
    QVERIFY(window.runActions()->start()->isEnabled());
    QCOMPARE(window.setupPanel()->config().strategies.ewc_lambda, 100.0);

    // The other strategy and sequence fields are there, named after their JSON paths.
    for (const char* path :
         {"strategies.replay.ratio", "strategies.replay.buffer", "strategies.ewc.samples",
          "strategies.l2sp.lambda", "strategies.lwf.lambda", "strategies.lwf.temperature",
          "sequence.tasks", "sequence.kind", "sequence.steps_per_task", "sequence.train_size",
          "sequence.test_size"}) {
        QVERIFY2(window.findChild<QWidget*>(QString::fromLatin1(path)), path);
    }
    typeInto(&window, QStringLiteral("strategies.lwf.temperature"), QStringLiteral("0"));
    QVERIFY(
        window.findChild<QLabel*>(QStringLiteral("strategies.lwf.temperature.error"))->isVisible());
    QVERIFY(!tabs->tabIcon(strategiesTab).isNull());  // the tab is marked too
    QVERIFY(!window.runActions()->start()->isEnabled());
}

void TestFightingForgetting::compareOverlaysCheckedRuns() {
    MainWindow window;
    window.show();
    QVERIFY(window.openDatabase(dbPath()));
    ui::RunList* list = window.runList();
    for (const RunSummary& s : m_runs) list->setChecked(s.run_id, true);
    QVERIFY(window.showTab(QStringLiteral("compare")));
    QCOMPARE(window.currentTab(), QStringLiteral("compare"));

    ui::ComparisonView* view = window.continual()->comparisonView();
    QTRY_COMPARE(view->runs().size(), 2);
    for (QCustomPlot* plot : {view->upstreamPlot(), view->downstreamPlot()}) {
        QCOMPARE(plot->graphCount(), 2);
        for (int i = 0; i < 2; ++i) QVERIFY(plot->graph(i)->dataCount() >= 4);
    }
    // Bars: one per run, heights the stored forgetting and downstream accuracy.
    QCPBars* bars = view->forgettingBars();
    QCOMPARE(bars->data()->size(), 2);
    QList<double> expected = {m_runs[0].forgetting, m_runs[1].forgetting};
    QList<double> shown;
    for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it)
        shown << it->value;
    std::sort(expected.begin(), expected.end());
    std::sort(shown.begin(), shown.end());
    QCOMPARE(shown, expected);
    QCOMPARE(view->downstreamBars()->data()->size(), 2);
    const QString labels = view->barLabels().join(QLatin1Char(' '));
    QVERIFY2(labels.contains(QStringLiteral("slow")) && labels.contains(QStringLiteral("fast")),
             qPrintable(labels));

    // Unchecking one leaves one.
    list->setChecked(m_runs[0].run_id, false);
    QTRY_COMPARE(view->runs().size(), 1);
    QCOMPARE(view->forgettingBars()->data()->size(), 1);
    QCOMPARE(view->forgettingBars()->data()->at(0)->value, m_runs[1].forgetting);
}

void TestFightingForgetting::wiseFtCurveAndApply() {
    MainWindow window;
    window.show();
    QVERIFY(window.openDatabase(dbPath()));
    const qint64 base = m_runs[1].run_id;
    window.runList()->selectRun(base);
    QVERIFY(window.showTab(QStringLiteral("wiseft")));
    ui::WiseFtPanel* panel = window.continual()->wiseFtPanel();
    QTRY_COMPARE(panel->runId(), base);
    auto* compute = panel->findChild<QPushButton*>(QStringLiteral("wiseFtCompute"));
    auto* apply = panel->findChild<QPushButton*>(QStringLiteral("wiseFtApply"));
    QVERIFY(compute && apply);
    QVERIFY(compute->isEnabled());

    app::WiseFtController* wise = window.continual()->wiseFt();
    QSignalSpy curve(wise, &app::WiseFtController::curveComputed);
    QTest::mouseClick(compute, Qt::LeftButton);
    QVERIFY(wise->isBusy());  // off the GUI thread
    QTRY_COMPARE_WITH_TIMEOUT(curve.count(), 1, 60'000);
    QCOMPARE(curve.first().at(0).toInt(), 11);
    QCOMPARE(panel->curve().size(), size_t(11));
    QCOMPARE(panel->curve().front().alpha, 0.0);
    QCOMPARE(panel->curve().back().alpha, 1.0);
    QCOMPARE(panel->tradeOffCurve()->dataCount(), 11);

    // The slider evaluates single points (debounced): several moves, at least one result,
    // the last at the final position.
    QSignalSpy points(wise, &app::WiseFtController::pointEvaluated);
    auto* slider = panel->findChild<QSlider*>(QStringLiteral("wiseFtAlpha"));
    for (int v : {20, 25, 30}) slider->setValue(v);
    QTRY_VERIFY_WITH_TIMEOUT(!points.isEmpty() && points.last().at(0).toDouble() == 0.30, 30'000);

    QSignalSpy derived(wise, &app::WiseFtController::derivedRunCreated);
    QTest::mouseClick(apply, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(derived.count(), 1, 60'000);
    const qint64 id = derived.first().at(0).toLongLong();
    QVERIFY(id > base);
    QTRY_VERIFY(window.runList()->runIds().contains(id));
    QCOMPARE(window.runList()->runStatus(id), QStringLiteral("done"));
}

void TestFightingForgetting::sequenceFillsAccuracyMatrix() {
    MainWindow window;
    window.show();
    QVERIFY(window.openDatabase(m_dir.filePath(QStringLiteral("sequence.db"))));
    shrinkExperiment(window, 20);
    typeInto(&window, QStringLiteral("name"), QStringLiteral("three tasks"));
    setSpin(&window, QStringLiteral("sequence.tasks"), 3);
    chooseValue(&window, QStringLiteral("sequence.kind"), QStringLiteral("split"));
    setSpin(&window, QStringLiteral("sequence.steps_per_task"), 20);
    setSpin(&window, QStringLiteral("sequence.train_size"), 300);
    setSpin(&window, QStringLiteral("sequence.test_size"), 100);
    QVERIFY(window.setupPanel()->isValid());
    QVERIFY(window.showTab(QStringLiteral("sequence")));

    // Rows as they appear while the run goes (from the live task<j>_acc points).
    ui::AccuracyMatrixView* matrix = window.continual()->sequenceView()->matrix();
    QList<QVector<double>> liveRows;
    connect(matrix, &ui::AccuracyMatrixView::rowsChanged, this, [&](int filled) {
        if (!window.continual()->sequenceShowsLive()) return;
        const int i = filled - 1;
        if (i < 0 || i != liveRows.size()) return;
        QVector<double> row;
        for (int j = 0; j < matrix->taskCount(); ++j) row << matrix->cell(i, j);
        liveRows << row;
    });

    RunSummary summary;
    QVERIFY(runExperimentToEnd(window, &summary, 120'000));
    QCOMPARE(QString::fromStdString(summary.status), QStringLiteral("done"));
    QCOMPARE(summary.accuracy_matrix.size(), size_t(3));
    // Filled from the live points, before the stored run replaced the live view.
    QCOMPARE(liveRows.size(), 3);

    // Reopened from the database (the finished run is selected): the stored matrix.
    Store store(m_dir.filePath(QStringLiteral("sequence.db")).toStdString());
    const QJsonObject stored =
        QJsonDocument::fromJson(QByteArray::fromStdString(store.run(summary.run_id).summary_json))
            .object();
    const QJsonArray r = stored.value(QStringLiteral("accuracy_matrix")).toArray();
    QCOMPARE(r.size(), 3);
    QTRY_COMPARE(window.continual()->sequenceView()->isSequence(), true);
    QCOMPARE(matrix->taskCount(), 3);
    QCOMPARE(matrix->filledRows(), 3);
    for (int i = 0; i < 3; ++i) {
        for (int j = 0; j < 3; ++j) {
            const double want = r.at(i).toArray().at(j).toDouble();
            QCOMPARE(matrix->cell(i, j), want);
            QCOMPARE(matrix->cellText(i, j), QString::number(want, 'f', 2));
            if (i < liveRows.size()) QCOMPARE(liveRows[i][j], want);
        }
    }
    for (int j = 0; j < 3; ++j)
        QVERIFY(window.continual()->sequenceView()->curvePointCount(j) >= 3);
    const QString numbers = window.continual()->sequenceView()->numbersText();
    QVERIFY2(numbers.contains(
                 QString::number(stored.value(QStringLiteral("avg_acc")).toDouble() * 100, 'f', 1)),
             qPrintable(numbers));

    // The strategy knobs are live only while a run goes.
    QVERIFY(!window.continual()->strategyKnobs()->isEnabled());
}

QTEST_MAIN(TestFightingForgetting)
#include "test_fighting_forgetting.moc"
