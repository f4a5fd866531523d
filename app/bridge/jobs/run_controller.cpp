#include "app/bridge/jobs/run_controller.h"

#include <algorithm>

#include "app/bridge/live_buffer.h"
#include "engine/core/run_control.h"
#include "engine/sessions/run_resume.h"
#include "engine/sessions/run_session.h"
#include "engine/store/store.h"

namespace forgetlab::app {

RunController::RunController(QObject* parent)
    : QObject(parent),
      m_live(std::make_shared<LiveBuffer>()),
      m_torchThreads(std::max(1, QThread::idealThreadCount())),
      m_job(QStringLiteral("forgetlab-run"),
            {tr("The database %1 cannot be written: %2"), tr("The run failed: %1"),
             tr("The run failed with an unknown error.")}) {
    qRegisterMetaType<forgetlab::RunSummary>();
}

RunController::~RunController() = default;

bool RunController::start(const ExperimentConfig& config, const QString& dbPath) {
    return launch(
        [config](Store& store, RunControl& control, LiveBuffer* live,
                 const SessionOptions& options) {
            return runAndRecord(config, store, control, live, options);
        },
        dbPath);
}

bool RunController::resumeRun(qint64 runId, const QString& dbPath) {
    return launch(
        [runId](Store& store, RunControl& control, LiveBuffer* live,
                const SessionOptions& options) {
            return resumeAndRecord(store, runId, control, live, options);
        },
        dbPath);
}

bool RunController::launch(Session session, const QString& dbPath) {
    if (m_job.isBusy()) return false;
    m_control = std::make_shared<RunControl>();
    m_live->reset();
    m_runId = 0;
    m_paused = false;
    m_stopping = false;

    const std::shared_ptr<RunControl> control = m_control;
    const std::shared_ptr<LiveBuffer> live = m_live;
    const int threads = m_torchThreads;
    m_job.setDatabasePath(dbPath);
    m_job.start(
        [this, session, dbPath, control, live, threads](const CancelToken&) {
            // One connection per thread: this one writes, the GUI's only reads.
            Store store(dbPath.toStdString());
            SessionOptions options;
            options.num_threads = threads;
            options.on_run_created = [this](int64_t id) {
                m_job.post([this, id] {
                    m_runId = id;
                    Q_EMIT runCreated(static_cast<qint64>(id));
                });
            };
            return session(store, *control, live.get(), options);
        },
        [this](const RunSummary& summary) {
            settle();
            Q_EMIT finished(summary);
        },
        [this](const QString& message) {
            settle();
            Q_EMIT failed(message);
        },
        control->stopToken());
    Q_EMIT started();
    return true;
}

void RunController::settle() {
    m_paused = false;
    m_stopping = false;
}

void RunController::pause() {
    if (!isRunning() || m_paused) return;
    m_control->setPaused(true);
    m_paused = true;
    Q_EMIT pausedChanged(true);
}

void RunController::resume() {
    if (!isRunning() || !m_paused) return;
    m_control->setPaused(false);
    m_paused = false;
    Q_EMIT pausedChanged(false);
}

void RunController::step() {
    if (isRunning() && m_paused) m_control->requestStep();
}

void RunController::stop() {
    if (!isRunning()) return;
    m_stopping = true;
    m_control->requestStop();
}

void RunController::requestSnapshot() {
    if (isRunning()) m_control->requestSnapshot();
}

void RunController::setKnob(const QString& name, double value) {
    if (isRunning()) m_control->setKnob(name.toStdString(), value);
}

}  // namespace forgetlab::app
