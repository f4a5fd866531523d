#include "app/bridge/jobs/wise_ft_worker.h"

#include <exception>

#include "engine/analysis/run_analysis.h"
#include "engine/store/store.h"

namespace forgetlab::app {

WiseFtWorker::WiseFtWorker(WiseFtJob job, std::shared_ptr<std::atomic<bool>> cancel)
    : m_job(std::move(job)), m_cancel(std::move(cancel)) {}

void WiseFtWorker::run() {
    try {
        Store store(m_job.dbPath.toStdString());
        WiseFtOutcome out;
        out.job = m_job;
        switch (m_job.kind) {
            case WiseFtJob::Kind::Curve: {
                const ModelSource source = modelSourceForRun(store, m_job.runId, m_job.step);
                out.curve = wiseFtCurve(
                    source, m_job.points, m_job.subset,
                    [this](int64_t done, int64_t total) { Q_EMIT progress(done, total); },
                    m_cancel.get());
                out.cancelled = m_cancel->load() && int(out.curve.size()) < m_job.points;
                break;
            }
            case WiseFtJob::Kind::Point: {
                const ModelSource source = modelSourceForRun(store, m_job.runId, m_job.step);
                out.point = wiseFtPoint(source, m_job.alpha, m_job.subset);
                break;
            }
            case WiseFtJob::Kind::Apply:
                out.derivedRunId =
                    wiseFtApply(store, m_job.runId, m_job.alpha, m_job.subset, m_job.step);
                break;
        }
        Q_EMIT finished(out);
    } catch (const StoreError& e) {
        Q_EMIT failed(tr("The database %1 cannot be used: %2")
                          .arg(m_job.dbPath, QString::fromStdString(e.what())));
    } catch (const std::exception& e) {
        Q_EMIT failed(QString::fromStdString(e.what()));
    } catch (...) {
        Q_EMIT failed(tr("Wise-FT failed with an unknown error."));
    }
    Q_EMIT done();
}

}  // namespace forgetlab::app
