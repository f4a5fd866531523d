#include "app/bridge/jobs/analysis_controller.h"

#include <chrono>

#include "engine/store/store.h"

namespace forgetlab::app {

namespace {

// Progress reports closer together than this are dropped (the last one always goes).
constexpr auto kProgressInterval = std::chrono::milliseconds(50);

// On the job thread: the job, through the session both front ends share.
AnalysisOutcome compute(const AnalysisJob& job, const CancelToken& cancel,
                        BackgroundJob& background) {
    auto last = std::chrono::steady_clock::now() - kProgressInterval;
    const ProgressFn progress = [&background, &last](int64_t done, int64_t total) {
        const auto now = std::chrono::steady_clock::now();
        if (done < total && now - last < kProgressInterval) return;
        last = now;
        background.reportProgress(done, total);
    };
    AnalysisSessionRequest request;
    request.kind = job.kind;
    request.run_id = job.runId;
    request.step = job.step;
    request.landscape = job.landscape;
    request.hessian = job.hessian;
    request.timing_subset = job.timingSubset;
    request.store = job.store;

    Store store(job.dbPath.toStdString());
    const AnalysisSessionResult r = runAnalysisSession(store, request, progress, cancel);
    AnalysisOutcome out;
    out.job = job;
    out.step = r.checkpoint_step;
    out.storedId = r.stored_id;
    out.landscape = r.landscape;
    out.hessian = r.hessian;
    out.secondsPerPass = r.seconds_per_pass;
    out.cancelled = r.cancelled;
    return out;
}

}  // namespace

AnalysisController::AnalysisController(QObject* parent)
    : QObject(parent),
      m_background(QStringLiteral("forgetlab-analysis"),
                   {tr("The database %1 cannot be used: %2"), QStringLiteral("%1"),
                    tr("The analysis failed with an unknown error.")}) {
    qRegisterMetaType<forgetlab::app::AnalysisOutcome>();
    connect(&m_background, &BackgroundJob::progress, this, &AnalysisController::progress);
    connect(&m_background, &BackgroundJob::failed, this, &AnalysisController::failed);
}

AnalysisController::~AnalysisController() = default;

bool AnalysisController::start(const AnalysisJob& job) {
    if (m_background.isBusy()) return false;
    m_job = job;
    m_background.setDatabasePath(job.dbPath);
    m_background.start(
        [this, job](const CancelToken& cancel) { return compute(job, cancel, m_background); },
        [this](const AnalysisOutcome& outcome) { Q_EMIT finished(outcome); });
    AnalysisOutcome announced;
    announced.job = job;
    Q_EMIT started(announced);
    return true;
}

}  // namespace forgetlab::app
