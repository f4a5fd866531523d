#include "app/bridge/main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

#include "app/bridge/tabs/analysis_coordinator.h"
#include "app/bridge/tabs/continual_tabs.h"
#include "app/bridge/live_buffer.h"
#include "app/bridge/jobs/forgetting_map_controller.h"
#include "app/bridge/preset_choices.h"
#include "app/bridge/jobs/run_controller.h"
#include "app/bridge/run_database.h"
#include "engine/core/names.h"
#include "engine/core/presets.h"
#include "ui/forgetting_map/forgetting_map_tab.h"
#include "ui/live/device_status.h"
#include "ui/live/knob_panel.h"
#include "ui/landscape/landscape_panel.h"
#include "ui/live/live_plots.h"
#include "ui/live/run_actions.h"
#include "ui/runs/run_list.h"
#include "ui/live/run_status.h"
#include "ui/samples/samples_panel.h"
#include "ui/setup/setup_panel.h"

namespace forgetlab::app {

namespace {
// At most 10 Hz, and refreshing (pulling points, repainting plots and status) may take at
// most 2% of one core: on a 2-core machine every slice the GUI thread paints is a slice one
// of the training threads (and so both, at the next OpenMP barrier) waits for. Curves still
// move visibly at the slowest rate, 2 Hz. See ui/live/refresh_budget.h, docs/benchmarks.md row 5.
constexpr int kLivePullMs = 100;
constexpr int kLiveSlowestPullMs = 500;
constexpr double kLiveCpuShare = 0.02;

}  // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      m_controller(new RunController(this)),
      m_db(std::make_unique<RunDatabase>()),
      m_devices(listDevices()),
      m_liveBudget(kLiveCpuShare, kLivePullMs, kLiveSlowestPullMs) {
    setWindowTitle(tr("ForgetLab"));
    buildLayout();
    m_analysis = new AnalysisCoordinator(m_landscape, m_controller, m_db.get(), this);
    buildMenus();

    QStringList problems;
    m_setup->setValidator(engineValidator());
    m_setup->setPresets(loadPresetChoices(&problems));
    if (!m_setup->selectPreset(QString::fromLatin1(kDefaultPreset)) && !problems.isEmpty()) {
        // Not fatal: the form still holds the built-in defaults.
        statusBar()->showMessage(
            tr("Presets unavailable: %1").arg(problems.join(QStringLiteral("; "))), 15000);
    }

    m_liveTimer = new QTimer(this);
    m_liveTimer->setInterval(kLivePullMs);
    connect(m_liveTimer, &QTimer::timeout, this, [this] {
        pullLive();
        m_liveTimer->setInterval(m_liveBudget.tick());
    });

    connect(m_setup, &ui::SetupPanel::validityChanged, this, &MainWindow::updateActions);
    connect(m_setup, &ui::SetupPanel::configChanged, this, [this] {
        // Only the setup's device is shown while no run is live or selected.
        if (!m_liveActive && !m_runList->currentRunId()) syncDeviceStatus();
    });
    connect(m_actions->start(), &QAction::triggered, this, [this] { startRun(); });
    connect(m_runList, &ui::RunList::resumeRequested, this, &MainWindow::resumeRun);
    connect(m_actions->pauseResume(), &QAction::triggered, this,
            [this] { m_controller->isPaused() ? m_controller->resume() : m_controller->pause(); });
    connect(m_actions->step(), &QAction::triggered, m_controller, &RunController::step);
    connect(m_actions->stop(), &QAction::triggered, this, [this] {
        m_controller->stop();
        updateActions();
    });
    connect(m_controller, &RunController::pausedChanged, this, [this] {
        updateActions();
        pullLive();  // repaint the status right away
    });
    connect(m_controller, &RunController::runCreated, this, &MainWindow::onRunCreated);
    connect(m_controller, &RunController::finished, this, &MainWindow::onRunFinished);
    connect(m_controller, &RunController::failed, this, &MainWindow::onRunFailed);
    connect(m_knobs, &ui::KnobPanel::knobChanged, m_controller, &RunController::setKnob);
    connect(m_runList, &ui::RunList::checkedRunsChanged, this, &MainWindow::syncDisplayedRuns);
    connect(m_runList, &ui::RunList::currentRunChanged, this, &MainWindow::syncDisplayedRuns);
    connect(m_analysis, &AnalysisCoordinator::errorReported, this,
            [this](const QString& message) { showError(tr("Analysis"), message); });
    connect(m_analysis, &AnalysisCoordinator::statusMessage, this,
            [this](const QString& message) { statusBar()->showMessage(message, 5000); });
    connect(m_continual, &ContinualTabs::errorReported, this,
            [this](const QString& message) { showError(tr("Fighting forgetting"), message); });
    updateActions();
    syncDeviceStatus();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildLayout() {
    m_actions = new ui::RunActions(this);

    auto* left = new QWidget;
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(6, 6, 4, 6);
    m_setup = new ui::SetupPanel;
    leftLayout->addWidget(m_setup, 1);
    leftLayout->addWidget(m_actions->createButtonBar(left));

    m_plots = new ui::LivePlots;
    m_landscape = new ui::LandscapePanel;
    m_centre = new QTabWidget;
    m_centre->setObjectName(QStringLiteral("centreTabs"));
    m_centre->setDocumentMode(true);
    m_centre->addTab(m_plots, tr("Live"));
    m_centre->addTab(m_landscape, tr("Landscape"));
    m_centre->setTabToolTip(0, tr("Curves of the live run and of the runs checked in the list"));
    m_centre->setTabToolTip(1, tr("Loss landscape and Hessian of the selected run's checkpoints"));

    auto* right = new QWidget;
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(4, 6, 6, 6);
    auto* runsTitle =
        new QLabel(tr("<b>Runs</b> <span style='color:#757575'>(check to overlay)</span>"));
    m_runList = new ui::RunList;
    m_knobs = new ui::KnobPanel;
    rightLayout->addWidget(runsTitle);
    rightLayout->addWidget(m_runList, 1);
    rightLayout->addWidget(m_knobs);
    m_continual = new ContinualTabs(this, m_controller, m_db.get(), m_setup, m_runList, m_plots,
                                    m_centre, [this] { return startRun(); });
    connect(this, &MainWindow::runsRefreshed, m_continual, &ContinualTabs::sync);
    connect(m_continual, &ContinualTabs::runsChanged, this, &MainWindow::refreshRuns);
    connect(m_continual, &ContinualTabs::statusMessage, this,
            [this](const QString& message, int ms) { statusBar()->showMessage(message, ms); });
    rightLayout->addWidget(m_continual->strategyKnobsWidget());
    m_forgetMap = new ui::ForgettingMapTab;
    m_centre->setTabToolTip(m_centre->addTab(m_forgetMap, tr("Forgetting map")),
                            tr("Which upstream examples each fine-tuning task makes the model "
                               "forget: sweeps, the task x example matrix, its low-rank fit and "
                               "its prediction"));
    m_forgetMapController = new ForgettingMapController(m_forgetMap, m_db.get(), this);
    m_samples = new ui::SamplesPanel;
    m_samplesCoordinator = std::make_unique<SamplesCoordinator>(m_samples, m_db.get());
    m_centre->setTabToolTip(m_centre->addTab(m_samples, tr("Samples")),
                            tr("Text a language model (GPT) writes while it is fine-tuned: the "
                               "same prompts continued at each recorded step"));
    connect(m_forgetMapController, &ForgettingMapController::sweepFinished, this,
            [this] { refreshRuns(); });

    m_splitter = new QSplitter(Qt::Horizontal);
    m_splitter->addWidget(left);
    m_splitter->addWidget(m_centre);
    m_splitter->addWidget(right);
    m_splitter->setStretchFactor(0, 0);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setStretchFactor(2, 0);
    m_splitter->setCollapsible(1, false);
    m_splitter->setSizes({420, 820, 340});
    setCentralWidget(m_splitter);

    m_status = new ui::RunStatus;
    statusBar()->addWidget(m_status, 1);
    m_deviceStatus = new ui::DeviceStatus;
    statusBar()->addPermanentWidget(m_deviceStatus);
    m_dbLabel = new QLabel;
    m_dbLabel->setObjectName(QStringLiteral("databaseLabel"));
    m_dbLabel->setStyleSheet(QStringLiteral("QLabel { color: #616161; }"));
    statusBar()->addPermanentWidget(m_dbLabel);
    resize(1580, 960);
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    m_openAction = file->addAction(tr("&Open database…"), QKeySequence::Open, this,
                                   &MainWindow::chooseDatabase);
    file->addSeparator();
    file->addAction(tr("Export run as &CSV…"), QKeySequence(Qt::CTRL | Qt::Key_E), this,
                    &MainWindow::chooseCsvExport);
    file->addAction(tr("Export plots as &PNG…"), this,
                    [this] { choosePlotExport(QStringLiteral("png")); });
    file->addAction(tr("Export plots as P&DF…"), this,
                    [this] { choosePlotExport(QStringLiteral("pdf")); });
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    quit->setMenuRole(QAction::QuitRole);

    QMenu* run = menuBar()->addMenu(tr("&Run"));
    run->setToolTipsVisible(true);
    run->addAction(m_actions->start());
    run->addAction(m_actions->pauseResume());
    run->addAction(m_actions->step());
    run->addAction(m_actions->stop());
    run->addSeparator();
    run->addAction(m_runList->resumeAction());

    QMenu* analyse = menuBar()->addMenu(tr("&Analyse"));
    const auto onLandscapeTab = [this] { showTab(QStringLiteral("landscape")); };
    analyse
        ->addAction(tr("Compute &landscape"), QKeySequence(Qt::CTRL | Qt::Key_L), this,
                    [this, onLandscapeTab] {
                        onLandscapeTab();
                        m_analysis->computeLandscape();
                    })
        ->setObjectName(QStringLiteral("landscapeAction"));
    analyse
        ->addAction(tr("Compute &Hessian spectrum"), QKeySequence(Qt::CTRL | Qt::Key_H), this,
                    [this, onLandscapeTab] {
                        onLandscapeTab();
                        m_analysis->computeHessian();
                    })
        ->setObjectName(QStringLiteral("hessianAction"));
    analyse
        ->addAction(tr("&Cancel analysis"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_X),
                    m_analysis, &AnalysisCoordinator::cancel)
        ->setObjectName(QStringLiteral("cancelAnalysisAction"));
    analyse->addSeparator();
    QList<QAction*> exports;
    exports << analyse->addAction(tr("Export landscape as &CSV…"), this,
                                  [this] { chooseLandscapeExport(QStringLiteral("csv")); });
    exports << analyse->addAction(tr("Export landscape as &PNG…"), this,
                                  [this] { chooseLandscapeExport(QStringLiteral("png")); });
    exports << analyse->addAction(tr("Export landscape as P&DF…"), this,
                                  [this] { chooseLandscapeExport(QStringLiteral("pdf")); });
    m_landscape->setExportActions(exports);
    analyse->addSeparator();
    analyse->addAction(tr("Show &live plots"), QKeySequence(Qt::CTRL | Qt::Key_1), this,
                       [this] { showTab(QStringLiteral("live")); });
    analyse->addAction(tr("Show l&andscape tab"), QKeySequence(Qt::CTRL | Qt::Key_2), this,
                       onLandscapeTab);
    // Ctrl+3..5 show the Forgetting menu's tabs; the numbers follow the tabs' order.
    analyse
        ->addAction(tr("Show &forgetting map"), QKeySequence(Qt::CTRL | Qt::Key_6), this,
                    [this] { showTab(QStringLiteral("forgetting")); })
        ->setObjectName(QStringLiteral("showForgettingMapAction"));
    analyse
        ->addAction(tr("Show &samples (generated text)"), QKeySequence(Qt::CTRL | Qt::Key_7), this,
                    [this] { showTab(QStringLiteral("samples")); })
        ->setObjectName(QStringLiteral("showSamplesAction"));

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(tr("&Follow the run (reset zoom)"), QKeySequence(Qt::CTRL | Qt::Key_0), m_plots,
                    &ui::LivePlots::resetView);
    QAction* legends = view->addAction(tr("Show &legends"));
    legends->setCheckable(true);
    legends->setChecked(true);
    connect(legends, &QAction::toggled, m_plots, &ui::LivePlots::setLegendsVisible);
    QAction* logLoss = view->addAction(tr("Logarithmic &loss axis"));
    logLoss->setCheckable(true);
    logLoss->setChecked(m_plots->logLossAxis());
    connect(logLoss, &QAction::toggled, m_plots, &ui::LivePlots::setLogLossAxis);
    view->addSeparator();
    const std::pair<QString, int> panes[] = {{tr("&Setup panel"), 0},
                                             {tr("&Runs and knobs panel"), 2}};
    for (const auto& [text, index] : panes) {
        QAction* toggle = view->addAction(text);
        toggle->setCheckable(true);
        toggle->setChecked(true);
        connect(toggle, &QAction::toggled, m_splitter->widget(index), &QWidget::setVisible);
    }
    view->addAction(tr("Re&fresh runs"), QKeySequence::Refresh, this, &MainWindow::refreshRuns);

    m_continual->buildMenu(menuBar());

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About ForgetLab"), this, &MainWindow::showAbout);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

QString MainWindow::databasePath() const {
    return m_db->path();
}

void MainWindow::showError(const QString& title, const QString& message) {
    Q_EMIT errorReported(message);
    // Not exec(): a blocking box would stall the live plots (and tests).
    auto* box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::updateActions() {
    using State = ui::RunActions::State;
    State state = State::Idle;
    if (m_controller->isRunning()) {
        state = m_controller->isStopping() ? State::Stopping
                : m_controller->isPaused() ? State::Paused
                                           : State::Running;
    }
    m_actions->setState(state, m_setup->isValid() && m_db->isOpen());
    m_openAction->setEnabled(state == State::Idle);
    m_setup->setEditable(state == State::Idle);
    m_knobs->setEnabled(state == State::Running || state == State::Paused);
    m_runList->setResumeAllowed(state == State::Idle && m_db->isOpen());
}

bool MainWindow::openDatabase(const QString& path) {
    QString error;
    if (m_controller->isRunning()) {
        showError(tr("Open database"),
                  tr("Stop the running experiment before switching databases."));
        return false;
    }
    if (!m_db->open(path, &error)) {
        showError(tr("Open database"), error);
        updateActions();
        return false;
    }
    m_plots->clearRuns();
    m_runList->setRuns({});
    m_samplesCoordinator->reset();
    setWindowTitle(tr("ForgetLab — %1").arg(QFileInfo(path).fileName()));
    m_dbLabel->setText(tr("Database: %1").arg(QDir::toNativeSeparators(path)));
    refreshRuns();
    m_forgetMapController->setDatabasePath(path);
    updateActions();
    return true;
}

bool MainWindow::selectPreset(const QString& name) {
    return m_setup->selectPreset(name);
}

void MainWindow::refreshRuns() {
    QList<ui::RunRow> rows;
    QString error;
    if (!m_db->runRows(rows, &error)) {
        showError(tr("Runs"), error);
        return;
    }
    m_runList->setRuns(rows);
    syncDisplayedRuns();
}

// Shown: the live run, every checked run, and the selected run.
void MainWindow::syncDisplayedRuns() {
    QSet<qint64> wanted;
    for (qint64 id : m_runList->checkedRunIds()) wanted.insert(id);
    if (const qint64 current = m_runList->currentRunId()) wanted.insert(current);
    const qint64 liveId = m_liveActive ? m_controller->runId() : 0;
    if (liveId) wanted.remove(liveId);  // drawn by the live series
    if (m_liveActive) wanted.insert(kLiveKey);

    for (qint64 key : m_plots->runKeys()) {
        if (!wanted.contains(key)) m_plots->removeRun(key);
    }
    for (qint64 id : wanted) {
        if (id == kLiveKey || m_plots->hasRun(id)) continue;
        RunInfo info;
        std::vector<MetricPoint> points;
        QString error;
        if (!m_db->runInfo(id, info, &error) || !m_db->metrics(id, points, &error)) {
            showError(tr("Show run"), error);
            continue;
        }
        m_plots->addRun(id, QStringLiteral("%1 #%2").arg(QString::fromStdString(info.name)).arg(id),
                        isLanguageModel(parseStoredConfig(info.config_json).config));
        m_plots->appendPoints(id, points);
    }
    QHash<qint64, QColor> colors;
    for (qint64 key : m_plots->runKeys())
        colors.insert(key == kLiveKey ? liveId : key, m_plots->runColor(key));
    m_runList->setRunColors(colors);
    syncAnalysisRun();
    syncSamplesRun();
    syncDeviceStatus();
    Q_EMIT runsRefreshed();
}

// The Samples tab shows the selected run (or the only checked one): the live run from
// what pullLive gathered, a stored run from its recorded "samples" events.
void MainWindow::syncSamplesRun() {
    const qint64 id = m_runList->targetRunId();
    const QString error = m_samplesCoordinator->show(id, m_liveActive, m_controller->runId());
    if (!error.isEmpty()) statusBar()->showMessage(error, 10000);
}

// The Landscape tab works on the selected run (or the only checked one).
void MainWindow::syncAnalysisRun() {
    const qint64 id = m_runList->targetRunId();
    QString name, status;
    if (id) {
        RunInfo info;
        QString error;
        if (m_db->runInfo(id, info, &error)) {
            name = QString::fromStdString(info.name);
            status = QString::fromStdString(info.status);
        }
    }
    m_analysis->setRun(id, name, status);
    m_forgetMapController->setSourceRun(id, name, status);
}

void MainWindow::syncDeviceStatus() {
    QString device, why;
    if (m_liveActive) {
        device = m_liveDevice;
        why = tr("The live run computes on this device");
    } else if (const qint64 id = m_runList->currentRunId()) {
        RunInfo info;
        QString error;
        if (m_db->runInfo(id, info, &error)) {
            device = QString::fromStdString(info.device);
            why = tr("Run #%1 ran on this device").arg(id);
        }
    }
    if (device.isEmpty()) {
        const std::string configured = m_setup->config().device;
        const DeviceChoice choice = resolveDevice(configured);
        device = QString::fromStdString(choice.ok() ? choice.device : configured);
        why = tr("The next run computes on this device");
    }
    QString name;
    for (const DeviceInfo& d : m_devices)
        if (QString::fromStdString(d.device) == device) name = QString::fromStdString(d.name);
    m_deviceStatus->showDevice(device, name, m_liveActive, why);
}

bool MainWindow::showTab(const QString& name) {
    const QString n = name.toLower();
    if (n == QLatin1String("live"))
        m_centre->setCurrentWidget(m_plots);
    else if (n == QLatin1String("landscape"))
        m_centre->setCurrentWidget(m_landscape);
    else if (n == QLatin1String("forgetting"))
        m_centre->setCurrentWidget(m_forgetMap);
    else if (n == QLatin1String("samples"))
        m_centre->setCurrentWidget(m_samples);
    else
        return m_continual->showTab(n);
    return true;
}

QString MainWindow::currentTab() const {
    if (const QString tab = m_continual->currentTab(); !tab.isEmpty()) return tab;
    if (m_centre->currentWidget() == m_forgetMap) return QStringLiteral("forgetting");
    if (m_centre->currentWidget() == m_samples) return QStringLiteral("samples");
    return m_centre->currentWidget() == m_landscape ? QStringLiteral("landscape")
                                                    : QStringLiteral("live");
}

void MainWindow::chooseLandscapeExport(const QString& suffix) {
    if (!m_analysis->hasLandscape()) {
        showError(tr("Export landscape"), tr("Compute or open a landscape first."));
        return;
    }
    const QString filter = suffix == QLatin1String("csv")   ? tr("CSV files (*.csv)")
                           : suffix == QLatin1String("pdf") ? tr("PDF files (*.pdf)")
                                                            : tr("PNG images (*.png)");
    QString path = QFileDialog::getSaveFileName(
        this, tr("Export landscape"),
        QDir::home().filePath(QStringLiteral("forgetlab-landscape.") + suffix), filter);
    if (path.isEmpty()) return;
    if (QFileInfo(path).suffix().isEmpty()) path += QLatin1Char('.') + suffix;
    if (suffix == QLatin1String("csv"))
        m_analysis->exportCsv(path);
    else
        m_analysis->exportImage(path);
}

bool MainWindow::exportRunCsv(qint64 runId, const QString& csvPath) {
    QString error;
    if (!m_db->exportCsv(runId, csvPath, &error) || !QFileInfo::exists(csvPath)) {
        showError(tr("Export CSV"), error.isEmpty() ? tr("Cannot write %1.").arg(csvPath) : error);
        return false;
    }
    statusBar()->showMessage(tr("Run #%1 exported to %2").arg(runId).arg(csvPath), 5000);
    return true;
}

bool MainWindow::exportPlots(const QString& path) {
    QString error;
    if (!m_plots->exportImage(path, &error)) {
        showError(tr("Export plots"), error);
        return false;
    }
    statusBar()->showMessage(tr("Plots exported to %1").arg(path), 5000);
    return true;
}

void MainWindow::chooseDatabase() {
    const QString start =
        m_db->isOpen() ? QFileInfo(m_db->path()).absolutePath() : QDir::homePath();
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Open run database"), start,
                                     tr("ForgetLab databases (*.db *.sqlite);;All files (*)"));
    if (!path.isEmpty()) openDatabase(path);
}

void MainWindow::chooseCsvExport() {
    const qint64 id = m_runList->targetRunId();
    if (!id) {
        showError(tr("Export CSV"), tr("Select the run to export in the run list first."));
        return;
    }
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export run #%1 as CSV").arg(id),
        QDir::home().filePath(QStringLiteral("run-%1.csv").arg(id)), tr("CSV files (*.csv)"));
    if (!path.isEmpty()) exportRunCsv(id, path);
}

void MainWindow::choosePlotExport(const QString& suffix) {
    const QString filter =
        suffix == QLatin1String("pdf") ? tr("PDF files (*.pdf)") : tr("PNG images (*.png)");
    QString path = QFileDialog::getSaveFileName(
        this, tr("Export plots"),
        QDir::home().filePath(QStringLiteral("forgetlab-plots.") + suffix), filter);
    if (path.isEmpty()) return;
    if (QFileInfo(path).suffix().isEmpty()) path += QLatin1Char('.') + suffix;
    exportPlots(path);
}

void MainWindow::showAbout() {
    QMessageBox::about(
        this, tr("About ForgetLab"),
        tr("<h3>ForgetLab</h3>"
           "<p>Fine-tune a model and watch, live, what it forgets: downstream loss, "
           "upstream accuracy and the sharpness of the loss landscape.</p>"
           "<p>Runs are kept in an SQLite database and can be overlaid and exported.</p>"
           "<p>Built with Qt %1, QCustomPlot and LibTorch.</p>")
            .arg(QString::fromLatin1(qVersion())));
}

void MainWindow::closeEvent(QCloseEvent* event) {
    // The controller's destructor stops the run and waits; the runner records it as stopped.
    // An analysis job ends within one evaluation once cancelled.
    m_analysis->cancel();
    if (m_controller->isRunning()) {
        m_liveTimer->stop();
        m_plots->setLiveMode(false);
        m_controller->stop();
    }
    event->accept();
}

}  // namespace forgetlab::app
