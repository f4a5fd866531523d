#pragma once
// AnalysisController: runs on-demand analyses one at a time, each on its own QThread with
// an AnalysisWorker moved onto it. A request while a job runs is refused (start returns
// false); Cancel sets the job's atomic flag, which the engine checks before every
// evaluation, so the job ends within one evaluation. finished()/failed() are emitted
// after the job's thread has ended, so isBusy() is already false then.

#include <QObject>
#include <QString>
#include <atomic>
#include <memory>

#include "app/bridge/jobs/analysis_job.h"

class QThread;

namespace forgetlab::app {

class AnalysisController : public QObject {
    Q_OBJECT
public:
    explicit AnalysisController(QObject* parent = nullptr);
    // Cancels a running job and waits for its thread (at most one evaluation).
    ~AnalysisController() override;

    bool start(const AnalysisJob& job);
    bool isBusy() const { return m_thread != nullptr; }
    const AnalysisJob& currentJob() const { return m_job; }
    void cancel();
    bool isCancelling() const { return m_cancel && m_cancel->load(); }

Q_SIGNALS:
    void started(const forgetlab::app::AnalysisOutcome& job);  // outcome.job filled only
    void progress(qint64 done, qint64 total);
    void finished(const forgetlab::app::AnalysisOutcome& outcome);  // cancelled ones too
    void failed(const QString& message);

private:
    void onThreadFinished();

    QThread* m_thread = nullptr;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    AnalysisJob m_job;
    bool m_haveOutcome = false;
    AnalysisOutcome m_outcome;
    QString m_error;
};

}  // namespace forgetlab::app
