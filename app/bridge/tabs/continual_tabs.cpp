#include "app/bridge/tabs/continual_tabs.h"

#include <QAction>
#include <QInputDialog>
#include <QMenu>
#include <QMenuBar>
#include <QTabWidget>
#include <algorithm>
#include <functional>

#include "app/bridge/tabs/comparison_coordinator.h"
#include "app/bridge/jobs/run_controller.h"
#include "app/bridge/run_database.h"
#include "app/bridge/jobs/seed_sweep.h"
#include "app/bridge/tabs/sequence_coordinator.h"
#include "app/bridge/jobs/wise_ft_controller.h"
#include "ui/runs/comparison_view.h"
#include "ui/runs/run_list.h"
#include "ui/continual/sequence_view.h"
#include "ui/setup/setup_panel.h"
#include "ui/live/strategy_knobs.h"
#include "ui/continual/wise_ft_panel.h"

namespace forgetlab::app {

ContinualTabs::ContinualTabs(QWidget* window, RunController* runs, RunDatabase* db,
                             ui::SetupPanel* setup, ui::RunList* runList, ui::LivePlots* plots,
                             QTabWidget* centre, std::function<bool()> startRun)
    : QObject(window),
      m_window(window),
      m_runs(runs),
      m_db(db),
      m_setup(setup),
      m_runList(runList),
      m_centre(centre) {
    m_knobs = new ui::StrategyKnobs;
    m_knobs->setEnabled(false);
    m_sequenceView = new ui::SequenceView;
    m_comparisonView = new ui::ComparisonView;
    m_wiseFtPanel = new ui::WiseFtPanel;
    int tab = m_centre->addTab(m_sequenceView, tr("Sequence"));
    m_centre->setTabToolTip(tab, tr("Task sequences: accuracy matrix, per-task accuracy, "
                                    "average accuracy, forgetting, BWT, FWT"));
    tab = m_centre->addTab(m_comparisonView, tr("Compare"));
    m_centre->setTabToolTip(tab, tr("The checked runs side by side; seed sweeps"));
    tab = m_centre->addTab(m_wiseFtPanel, tr("Wise-FT"));
    m_centre->setTabToolTip(tab, tr("Interpolate the selected run's weights between "
                                    "pre-trained and fine-tuned"));

    m_sequence = new SequenceCoordinator(m_sequenceView, m_db, this);
    m_comparison = new ComparisonCoordinator(m_comparisonView, m_db, plots, this);
    m_wiseFt = new WiseFtController(m_wiseFtPanel, m_runs, this);
    m_sweep = new SeedSweep(m_setup, m_runs, std::move(startRun), this);

    connect(m_runs, &RunController::started, this, &ContinualTabs::onRunStarted);
    connect(m_runs, &RunController::finished, this, [this] { m_knobs->setEnabled(false); });
    connect(m_runs, &RunController::failed, this, [this] { m_knobs->setEnabled(false); });
    connect(m_knobs, &ui::StrategyKnobs::knobChanged, m_runs, &RunController::setKnob);
    connect(m_comparison, &ComparisonCoordinator::errorReported, this,
            &ContinualTabs::errorReported);
    connect(m_wiseFt, &WiseFtController::errorReported, this, &ContinualTabs::errorReported);
    connect(m_wiseFt, &WiseFtController::statusMessage, this,
            [this](const QString& message) { Q_EMIT statusMessage(message, 8000); });
    connect(m_wiseFt, &WiseFtController::derivedRunCreated, this, &ContinualTabs::runsChanged);
    connect(m_sweep, &SeedSweep::progressed, this, [this](int done, int total) {
        Q_EMIT statusMessage(tr("Run over seeds: %1 of %2 runs done").arg(done).arg(total), 8000);
    });
    connect(m_sweep, &SeedSweep::finished, this, &ContinualTabs::onSweepFinished);
}

ContinualTabs::~ContinualTabs() = default;

bool ContinualTabs::sequenceShowsLive() const {
    return m_sequence->showsLive();
}

QWidget* ContinualTabs::strategyKnobsWidget() const {
    return m_knobs;
}

void ContinualTabs::buildMenu(QMenuBar* bar) {
    QMenu* menu = bar->addMenu(tr("F&orgetting"));
    menu->setObjectName(QStringLiteral("forgettingMenu"));
    menu->setToolTipsVisible(true);
    auto add = [this, menu](const QString& text, const QKeySequence& keys, const char* name,
                            const std::function<void()>& fn) {
        QAction* action = menu->addAction(text, keys, this, fn);
        action->setObjectName(QString::fromLatin1(name));
        return action;
    };
    add(tr("Show &sequence (accuracy matrix)"), QKeySequence(Qt::CTRL | Qt::Key_3),
        "showSequenceAction", [this] { showTab(QStringLiteral("sequence")); });
    add(tr("Show &compare (checked runs)"), QKeySequence(Qt::CTRL | Qt::Key_4), "showCompareAction",
        [this] { showTab(QStringLiteral("compare")); });
    add(tr("Show &Wise-FT explorer"), QKeySequence(Qt::CTRL | Qt::Key_5), "showWiseFtAction",
        [this] { showTab(QStringLiteral("wiseft")); });
    menu->addSeparator();
    add(tr("Compute Wise-FT &curve"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_W),
        "wiseFtCurveAction", [this] {
            showTab(QStringLiteral("wiseft"));
            m_wiseFt->computeCurve();
        });
    add(tr("&Apply Wise-FT α as a new run"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A),
        "wiseFtApplyAction", [this] { m_wiseFt->applyCurrent(); });
    add(tr("Ca&ncel Wise-FT"), QKeySequence(), "wiseFtCancelAction",
        [this] { m_wiseFt->cancel(); });
    menu->addSeparator();
    QAction* seeds = add(tr("Run over s&eeds…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S),
                         "runSeedsAction", [this] { chooseSeeds(); });
    seeds->setToolTip(
        tr("Train the current setup once per seed and show mean ± std of "
           "upstream accuracy in the Compare tab"));
}

bool ContinualTabs::showTab(const QString& name) {
    const QString n = name.toLower();
    QWidget* page = nullptr;
    if (n == QLatin1String("sequence"))
        page = m_sequenceView;
    else if (n == QLatin1String("compare"))
        page = m_comparisonView;
    else if (n == QLatin1String("wiseft") || n == QLatin1String("wise-ft"))
        page = m_wiseFtPanel;
    if (!page) return false;
    m_centre->setCurrentWidget(page);
    return true;
}

QString ContinualTabs::currentTab() const {
    QWidget* page = m_centre->currentWidget();
    if (page == m_sequenceView) return QStringLiteral("sequence");
    if (page == m_comparisonView) return QStringLiteral("compare");
    if (page == m_wiseFtPanel) return QStringLiteral("wiseft");
    return {};
}

void ContinualTabs::livePoints(const std::vector<MetricPoint>& points) {
    if (!points.empty()) m_sequence->livePoints(points);
}

void ContinualTabs::onRunStarted() {
    const ExperimentConfig config = m_setup->config();  // what was just started
    m_sequence->liveStarted(config);
    m_knobs->setStrategies(config.strategies);
    m_knobs->setEnabled(true);
}

void ContinualTabs::sync() {
    if (m_db->path() != m_dbPath) {
        m_dbPath = m_db->path();
        m_sequence->reset();
        m_comparison->reset();
        m_wiseFt->setDatabasePath(m_dbPath);
    }
    const qint64 selected = m_runList->targetRunId();
    m_sequence->sync(m_runs->isRunning(), m_runs->runId(), selected);
    m_comparison->showRuns(m_runList->checkedRunIds());
    QString name;
    if (selected) {
        RunInfo info;
        QString error;
        if (m_db->runInfo(selected, info, &error)) name = QString::fromStdString(info.name);
    }
    m_wiseFt->setRun(selected, name, m_runList->runStatus(selected));
}

bool ContinualTabs::runOverSeeds(int seeds) {
    if (!m_sweep->run(seeds)) {
        Q_EMIT errorReported(
            m_runs->isRunning()
                ? tr("Wait for the running experiment to end before running over seeds.")
                : tr("Cannot start the seed runs: check the setup (and that a database is open)."));
        return false;
    }
    return true;
}

void ContinualTabs::chooseSeeds() {
    bool ok = false;
    const int seeds = QInputDialog::getInt(
        m_window, tr("Run over seeds"),
        tr("Train the current setup once per seed (seed, seed + 1, …).\nNumber of seeds:"), 3, 2,
        20, 1, &ok);
    if (ok) runOverSeeds(seeds);
}

void ContinualTabs::onSweepFinished(const QList<qint64>& runIds, bool complete) {
    // The band sums the seed runs up; they are in the run list to check for a closer look.
    const ExperimentConfig& base = m_sweep->baseConfig();
    const QString title = tr("%1, seeds %2–%3")
                              .arg(QString::fromStdString(base.name))
                              .arg(base.seed)
                              .arg(base.seed + unsigned(std::max(0, int(runIds.size()) - 1)));
    if (!runIds.isEmpty()) m_comparison->showSeedBand(runIds, title);
    showTab(QStringLiteral("compare"));
    Q_EMIT statusMessage(
        complete ? tr("Run over seeds: %n run(s) done", nullptr, int(runIds.size()))
                 : tr("Run over seeds ended early: %n run(s) done", nullptr, int(runIds.size())),
        10000);
    Q_EMIT seedSweepFinished(runIds, complete);
}

}  // namespace forgetlab::app
