#include "app/bridge/jobs/analysis_worker.h"

#include <chrono>
#include <exception>

#include "engine/analysis/run_analysis.h"
#include "engine/store/store.h"

namespace forgetlab::app {

namespace {
// Progress reports closer together than this are dropped (the last one always goes).
constexpr auto kProgressInterval = std::chrono::milliseconds(50);
}  // namespace

AnalysisWorker::AnalysisWorker(AnalysisJob job, std::shared_ptr<std::atomic<bool>> cancel)
    : m_job(std::move(job)), m_cancel(std::move(cancel)) {}

void AnalysisWorker::run() {
    try {
        const AnalysisOutcome outcome = compute();
        Q_EMIT finished(outcome);
    } catch (const StoreError& e) {
        Q_EMIT failed(tr("The database %1 cannot be used: %2")
                          .arg(m_job.dbPath, QString::fromStdString(e.what())));
    } catch (const std::exception& e) {
        Q_EMIT failed(QString::fromStdString(e.what()));
    } catch (...) {
        Q_EMIT failed(tr("The analysis failed with an unknown error."));
    }
    Q_EMIT done();
}

AnalysisOutcome AnalysisWorker::compute() {
    Store store(m_job.dbPath.toStdString());
    AnalysisOutcome out;
    out.job = m_job;
    out.step = checkpointStepForRun(store, m_job.runId, m_job.step);
    const ModelSource source = modelSourceForRun(store, m_job.runId, m_job.step);

    auto last = std::chrono::steady_clock::now() - kProgressInterval;
    const ProgressFn progressFn = [this, &last](int64_t done, int64_t total) {
        const auto now = std::chrono::steady_clock::now();
        if (done < total && now - last < kProgressInterval) return;
        last = now;
        Q_EMIT progress(done, total);
    };

    switch (m_job.kind) {
        case AnalysisJob::Kind::Timing:
            out.secondsPerPass = timeOneEvaluation(source, m_job.timingSubset);
            break;
        case AnalysisJob::Kind::Landscape:
            out.landscape = computeLandscape(source, m_job.landscape, progressFn, m_cancel.get());
            out.cancelled = out.landscape.cancelled;
            if (m_job.store && !out.cancelled) {
                out.storedId = store.saveLandscape(m_job.runId, out.step, m_job.landscape.kind,
                                                   landscapeToJson(out.landscape));
            }
            break;
        case AnalysisJob::Kind::Hessian:
            out.hessian = computeHessian(source, m_job.hessian, progressFn, m_cancel.get());
            out.cancelled = out.hessian.cancelled;
            if (m_job.store && !out.cancelled)
                out.storedId = store.saveHessian(m_job.runId, out.step, hessianToJson(out.hessian));
            break;
    }
    return out;
}

}  // namespace forgetlab::app
