#pragma once
// AnalysisWorker: lives on an analysis job's QThread and runs that one job there
// (computeLandscape / computeHessian / timeOneEvaluation, which block). It opens its own
// Store connection on that thread to find the checkpoint and to save the result, reports
// progress at most ~20 times a second, and turns every exception into failed() because
// an exception escaping a thread terminates the app.

#include <QObject>
#include <atomic>
#include <memory>

#include "app/bridge/jobs/analysis_job.h"

namespace forgetlab::app {

class AnalysisWorker : public QObject {
    Q_OBJECT
public:
    AnalysisWorker(AnalysisJob job, std::shared_ptr<std::atomic<bool>> cancel);

    // Blocking; emits progress, then finished or failed, then done.
    void run();

Q_SIGNALS:
    void progress(qint64 done, qint64 total);
    void finished(const forgetlab::app::AnalysisOutcome& outcome);
    void failed(const QString& message);
    void done();

private:
    AnalysisOutcome compute();

    AnalysisJob m_job;
    std::shared_ptr<std::atomic<bool>> m_cancel;
};

}  // namespace forgetlab::app
