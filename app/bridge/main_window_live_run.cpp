// MainWindow's live run: starting it from the setup (Start) or from a stored run's resume
// point (Resume run), pulling its points within the refresh budget, and its end.
#include "app/bridge/main_window.h"

#include <QAction>
#include <QTimer>

#include "app/bridge/tabs/analysis_coordinator.h"
#include "app/bridge/tabs/continual_tabs.h"
#include "app/bridge/jobs/run_controller.h"
#include "app/bridge/run_database.h"
#include "engine/core/names.h"
#include "ui/live/knob_panel.h"
#include "ui/live/live_plots.h"
#include "ui/live/run_status.h"
#include "ui/setup/setup_panel.h"

namespace forgetlab::app {

bool MainWindow::startRun() {
    if (m_controller->isRunning()) return false;
    if (!m_db->isOpen()) {
        showError(tr("Start"), tr("Open a run database first (File → Open database…)."));
        return false;
    }
    if (!m_setup->isValid()) {
        showError(tr("Start"),
                  tr("The setup has problems; they are marked in red beside the fields."));
        return false;
    }
    const ExperimentConfig config = m_setup->config();
    if (!m_controller->start(config, m_db->path())) return false;

    m_liveName = QString::fromStdString(config.name);
    const DeviceChoice device = resolveDevice(config.device);
    m_liveDevice = QString::fromStdString(device.ok() ? device.device : config.device);
    m_liveStep = -1;
    m_liveActive = true;
    m_samplesCoordinator->liveStarted(config);
    m_plots->removeRun(kLiveKey);
    m_plots->addRun(kLiveKey, tr("%1 (live)").arg(m_liveName), isLanguageModel(config));
    m_plots->setRunSteps(kLiveKey, config.downstream.steps);
    m_plots->resetView();
    m_knobs->setValues(config.downstream.optimizer.lr, config.downstream.optimizer.rho);
    m_knobs->setRhoAvailable(config.downstream.optimizer.sam != "none");
    m_status->setProgress({tr("starting"), 0, 0, 0, -1, false});
    m_plots->setLiveMode(true);
    m_liveBudget.reset();
    m_liveTimer->start(m_liveBudget.interval());
    updateActions();
    syncDisplayedRuns();
    return true;
}

bool MainWindow::resumeRun(qint64 runId) {
    if (m_controller->isRunning()) return false;
    ResumePoint point;
    std::vector<MetricPoint> kept;
    RunInfo info;
    QString error;
    if (!m_db->resumePoint(runId, point, kept, &error) || !m_db->runInfo(runId, info, &error)) {
        showError(tr("Resume"), error);
        return false;
    }
    const ExperimentConfig config = parseStoredConfig(info.config_json).config;
    if (!m_controller->resumeRun(runId, m_db->path())) return false;

    m_liveName = QString::fromStdString(config.name);
    m_liveDevice = QString::fromStdString(config.device);
    m_liveStep = point.step;
    m_liveActive = true;
    m_samplesCoordinator->liveStarted(config);
    // The live curves start from what the run keeps, so they go on where it stopped.
    m_plots->removeRun(kLiveKey);
    m_plots->addRun(kLiveKey, tr("%1 #%2 (resumed)").arg(m_liveName).arg(runId),
                    isLanguageModel(config));
    m_plots->setRunSteps(kLiveKey, config.downstream.steps);
    m_plots->appendPoints(kLiveKey, kept);
    m_plots->resetView();
    m_knobs->setValues(config.downstream.optimizer.lr, config.downstream.optimizer.rho);
    m_knobs->setRhoAvailable(config.downstream.optimizer.sam != "none");
    m_status->setProgress({tr("resuming"), point.step, config.downstream.steps, 0, -1, false});
    m_plots->setLiveMode(true);
    m_liveBudget.reset();
    m_liveTimer->start(m_liveBudget.interval());
    updateActions();
    syncDisplayedRuns();
    return true;
}

void MainWindow::pullLive() {
    if (!m_liveActive) return;
    LiveSnapshot snap = m_controller->liveBuffer().take();
    if (snap.fineTuningSteps > 0) m_plots->setRunSteps(kLiveKey, snap.fineTuningSteps);
    if (!snap.points.empty()) m_plots->appendPoints(kLiveKey, snap.points);
    m_continual->livePoints(snap.points);
    m_samplesCoordinator->liveEvents(snap.events);
    if (snap.phase == Phase::Downstream) m_liveStep = snap.step;
    m_analysis->onLiveTick();
    ui::RunProgress progress;
    progress.phase = QString::fromLatin1(phaseName(snap.phase));
    progress.step = snap.step;
    progress.total = snap.total;
    progress.stepsPerSecond = snap.stepsPerSecond;
    progress.etaSeconds = snap.etaSeconds;
    progress.paused = m_controller->isPaused();
    m_status->setProgress(progress);
}

void MainWindow::onRunCreated(qint64 id) {
    refreshRuns();
    m_runList->selectRun(id);
}

void MainWindow::onRunFinished(const RunSummary& summary) {
    pullLive();  // the last points
    m_liveTimer->stop();
    m_plots->setLiveMode(false);
    m_liveActive = false;
    // The stored run replaces the live series: what is shown is exactly what was recorded.
    m_plots->removeRun(kLiveKey);
    refreshRuns();
    m_runList->selectRun(summary.run_id);
    syncDisplayedRuns();
    m_status->setFinished(summary);
    updateActions();
    if (summary.status == status::kFailed || summary.status == status::kDiverged) {
        showError(tr("Run #%1 %2").arg(summary.run_id).arg(QString::fromStdString(summary.status)),
                  QString::fromStdString(summary.error));
    }
}

void MainWindow::onRunFailed(const QString& message) {
    m_liveTimer->stop();
    m_plots->setLiveMode(false);
    m_liveActive = false;
    m_plots->removeRun(kLiveKey);
    m_status->setIdle(tr("Run failed"));
    syncDeviceStatus();
    refreshRuns();
    updateActions();
    showError(tr("Run failed"), message);
}

}  // namespace forgetlab::app
