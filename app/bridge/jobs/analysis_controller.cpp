#include "app/bridge/jobs/analysis_controller.h"

#include <QThread>

#include "app/bridge/jobs/analysis_worker.h"

namespace forgetlab::app {

AnalysisController::AnalysisController(QObject* parent) : QObject(parent) {
    qRegisterMetaType<forgetlab::app::AnalysisOutcome>();
}

AnalysisController::~AnalysisController() {
    if (!m_thread) return;
    m_cancel->store(true);
    m_thread->quit();
    m_thread->wait();
    delete m_thread;
}

bool AnalysisController::start(const AnalysisJob& job) {
    if (m_thread) return false;
    m_job = job;
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    m_haveOutcome = false;
    m_error.clear();

    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("forgetlab-analysis"));
    auto* worker = new AnalysisWorker(job, m_cancel);
    worker->moveToThread(m_thread);
    connect(m_thread, &QThread::started, worker, &AnalysisWorker::run);
    connect(worker, &AnalysisWorker::done, m_thread, &QThread::quit);
    connect(m_thread, &QThread::finished, worker, &QObject::deleteLater);
    connect(m_thread, &QThread::finished, this, &AnalysisController::onThreadFinished);
    connect(worker, &AnalysisWorker::progress, this, &AnalysisController::progress);
    connect(worker, &AnalysisWorker::finished, this, [this](const AnalysisOutcome& outcome) {
        m_outcome = outcome;
        m_haveOutcome = true;
    });
    connect(worker, &AnalysisWorker::failed, this,
            [this](const QString& message) { m_error = message; });
    m_thread->start();
    AnalysisOutcome announced;
    announced.job = job;
    Q_EMIT started(announced);
    return true;
}

void AnalysisController::cancel() {
    if (m_cancel) m_cancel->store(true);
}

void AnalysisController::onThreadFinished() {
    if (!m_thread) return;
    m_thread->wait();
    m_thread->deleteLater();
    m_thread = nullptr;
    if (m_haveOutcome) {
        Q_EMIT finished(m_outcome);
    } else {
        Q_EMIT failed(m_error.isEmpty() ? tr("The analysis ended without a result.") : m_error);
    }
}

}  // namespace forgetlab::app
