#include "app/bridge/jobs/run_controller.h"

#include <QThread>
#include <algorithm>

#include "app/bridge/live_buffer.h"
#include "app/bridge/jobs/run_worker.h"
#include "engine/core/run_control.h"

namespace forgetlab::app {

RunController::RunController(QObject* parent)
    : QObject(parent),
      m_live(std::make_shared<LiveBuffer>()),
      m_torchThreads(std::max(1, QThread::idealThreadCount())) {
    qRegisterMetaType<forgetlab::RunSummary>();
}

RunController::~RunController() {
    if (!m_thread) return;
    m_control->requestStop();
    m_thread->quit();
    m_thread->wait();
    delete m_thread;
}

bool RunController::start(const ExperimentConfig& config, const QString& dbPath) {
    if (m_thread) return false;
    m_control = std::make_shared<RunControl>();
    m_live->reset();
    m_runId = 0;
    m_paused = false;
    m_stopping = false;
    m_haveSummary = false;
    m_error.clear();

    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("forgetlab-run"));
    auto* worker = new RunWorker(config, dbPath, m_control, m_live, m_torchThreads);
    worker->moveToThread(m_thread);
    connect(m_thread, &QThread::started, worker, &RunWorker::run);
    connect(worker, &RunWorker::done, m_thread, &QThread::quit);
    connect(m_thread, &QThread::finished, worker, &QObject::deleteLater);
    connect(m_thread, &QThread::finished, this, &RunController::onThreadFinished);
    connect(worker, &RunWorker::runCreated, this, [this](qint64 id) {
        m_runId = id;
        Q_EMIT runCreated(id);
    });
    connect(worker, &RunWorker::finished, this, [this](const RunSummary& summary) {
        m_summary = summary;
        m_haveSummary = true;
    });
    connect(worker, &RunWorker::failed, this,
            [this](const QString& message) { m_error = message; });
    m_thread->start();
    Q_EMIT started();
    return true;
}

void RunController::onThreadFinished() {
    if (!m_thread) return;
    m_thread->wait();
    m_thread->deleteLater();
    m_thread = nullptr;
    m_paused = false;
    m_stopping = false;
    if (m_haveSummary) {
        Q_EMIT finished(m_summary);
    } else {
        Q_EMIT failed(m_error.isEmpty() ? tr("The run ended without a result.") : m_error);
    }
}

void RunController::pause() {
    if (!m_thread || m_paused) return;
    m_control->setPaused(true);
    m_paused = true;
    Q_EMIT pausedChanged(true);
}

void RunController::resume() {
    if (!m_thread || !m_paused) return;
    m_control->setPaused(false);
    m_paused = false;
    Q_EMIT pausedChanged(false);
}

void RunController::step() {
    if (m_thread && m_paused) m_control->requestStep();
}

void RunController::stop() {
    if (!m_thread) return;
    m_stopping = true;
    m_control->requestStop();
}

void RunController::requestSnapshot() {
    if (m_thread) m_control->requestSnapshot();
}

void RunController::setKnob(const QString& name, double value) {
    if (m_thread) m_control->setKnob(name.toStdString(), value);
}

}  // namespace forgetlab::app
