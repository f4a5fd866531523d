#pragma once
// AnalysisController: runs on-demand analyses one at a time on a BackgroundJob, each
// through runAnalysisSession (the CLI's entry point too) with the job thread's own Store
// connection. A request while a job runs is refused (start returns false); Cancel sets
// the job's token, which the engine checks before every evaluation, so the job ends
// within one evaluation. Progress arrives at most ~20 times a second. finished()/failed()
// are emitted after the job's thread has ended, so isBusy() is already false then.

#include <QObject>
#include <QString>

#include "app/bridge/jobs/analysis_job.h"
#include "app/bridge/jobs/background_job.h"

namespace forgetlab::app {

class AnalysisController : public QObject {
    Q_OBJECT
public:
    explicit AnalysisController(QObject* parent = nullptr);
    // Cancels a running job and waits for its thread (at most one evaluation).
    ~AnalysisController() override;

    bool start(const AnalysisJob& job);
    bool isBusy() const { return m_background.isBusy(); }
    const AnalysisJob& currentJob() const { return m_job; }
    void cancel() { m_background.cancel(); }
    bool isCancelling() const { return m_background.isCancelling(); }

Q_SIGNALS:
    void started(const forgetlab::app::AnalysisOutcome& job);  // outcome.job filled only
    void progress(qint64 done, qint64 total);
    void finished(const forgetlab::app::AnalysisOutcome& outcome);  // cancelled ones too
    void failed(const QString& message);

private:
    AnalysisJob m_job;
    BackgroundJob m_background;  // last: joined before the members its callbacks use go
};

}  // namespace forgetlab::app
