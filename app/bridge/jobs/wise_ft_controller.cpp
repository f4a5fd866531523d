#include "app/bridge/jobs/wise_ft_controller.h"

#include <QTimer>

#include "app/bridge/jobs/run_controller.h"
#include "app/bridge/live_buffer.h"
#include "engine/analysis/run_analysis.h"
#include "engine/core/names.h"
#include "engine/store/store.h"
#include "ui/continual/wise_ft_panel.h"

namespace forgetlab::app {

namespace {

constexpr int kSnapshotPollMs = 50;
constexpr int kSnapshotTimeoutMs = 15'000;

JobErrorText errorText() {
    return {WiseFtController::tr("The database %1 cannot be used: %2"), QStringLiteral("%1"),
            WiseFtController::tr("Wise-FT failed with an unknown error.")};
}

// On the job thread, with the thread's own Store connection.
WiseFtOutcome compute(const WiseFtJob& job, const CancelToken& cancel, BackgroundJob& lane) {
    Store store(job.dbPath.toStdString());
    WiseFtOutcome out;
    out.job = job;
    switch (job.kind) {
        case WiseFtJob::Kind::Curve: {
            const ModelSource source = modelSourceForRun(store, job.runId, job.step);
            out.curve = wiseFtCurve(
                source, job.points, job.subset,
                [&lane](int64_t done, int64_t total) { lane.reportProgress(done, total); },
                cancel.flag());
            out.cancelled = cancel.cancelled() && int(out.curve.size()) < job.points;
            break;
        }
        case WiseFtJob::Kind::Point: {
            const ModelSource source = modelSourceForRun(store, job.runId, job.step);
            out.point = wiseFtPoint(source, job.alpha, job.subset);
            break;
        }
        case WiseFtJob::Kind::Apply:
            out.derivedRunId = wiseFtApply(store, job.runId, job.alpha, job.subset, job.step);
            break;
    }
    return out;
}

}  // namespace

WiseFtController::WiseFtController(ui::WiseFtPanel* panel, RunController* runs, QObject* parent)
    : QObject(parent),
      m_panel(panel),
      m_runs(runs),
      m_main(QStringLiteral("forgetlab-wiseft"), errorText()),
      m_point(QStringLiteral("forgetlab-wiseft"), errorText()) {
    // Only the curve reports progress; it belongs on the panel while its run is shown.
    connect(&m_main, &BackgroundJob::progress, this, [this](qint64 done, qint64 total) {
        if (m_mainRunId == m_runId) m_panel->setProgress(done, total);
    });
    // The newest slider request that waited for the point lane goes next.
    connect(&m_point, &BackgroundJob::ended, this, [this] {
        if (!m_pendingPoint) return;
        const WiseFtJob next = *m_pendingPoint;
        m_pendingPoint.reset();
        start(m_point, next);
    });
    connect(m_panel, &ui::WiseFtPanel::computeRequested, this, [this] { computeCurve(); });
    connect(m_panel, &ui::WiseFtPanel::cancelRequested, this, &WiseFtController::cancel);
    connect(m_panel, &ui::WiseFtPanel::applyRequested, this, [this] { applyCurrent(); });
    connect(m_panel, &ui::WiseFtPanel::pointRequested, this, &WiseFtController::requestPoint);
    // Pausing, resuming or ending the live run changes what can be explored.
    connect(m_runs, &RunController::pausedChanged, this, [this] {
        m_snapshotStep = -1;
        refreshUsability();
    });
    connect(m_runs, &RunController::started, this, &WiseFtController::refreshUsability);
    m_snapshotWait = new QTimer(this);
    m_snapshotWait->setInterval(kSnapshotPollMs);
}

WiseFtController::~WiseFtController() = default;

bool WiseFtController::isLiveRun() const {
    return m_runs->isRunning() && m_runId != 0 && m_runId == m_runs->runId();
}

void WiseFtController::setRun(qint64 runId, const QString& name, const QString& status) {
    if (runId != m_runId) m_pendingPoint.reset();
    m_runId = runId;
    m_name = name;
    m_status = status;
    refreshUsability();
}

void WiseFtController::refreshUsability() {
    const QString title = tr("#%1 %2 (%3)").arg(m_runId).arg(m_name, m_status);
    if (!m_runId) {
        m_panel->setRun(0, QString(), false,
                        tr("Select a finished run in the run list (or pause the live run)."));
    } else if (isLiveRun() && !m_runs->isPaused()) {
        m_panel->setRun(m_runId, title, false,
                        tr("This run is training: pause it to explore its current weights, or "
                           "wait until it ends."));
    } else if (!isLiveRun() && m_status == QLatin1String(status::kRunning)) {
        m_panel->setRun(m_runId, title, false, tr("This run is still being written."));
    } else if (m_status == QLatin1String(status::kFailed) ||
               m_status == QLatin1String(status::kDiverged)) {
        m_panel->setRun(m_runId, title, false,
                        tr("This run %1: its weights are not worth interpolating.").arg(m_status));
    } else {
        m_panel->setRun(m_runId, title, true);
    }
}

WiseFtJob WiseFtController::makeJob(WiseFtJob::Kind kind, qint64 step) const {
    WiseFtJob job;
    job.kind = kind;
    job.dbPath = m_dbPath;
    job.runId = m_runId;
    job.step = step;
    job.points = ui::WiseFtPanel::kCurvePoints;
    job.alpha = m_panel->alpha();
    job.subset = m_panel->subset();
    return job;
}

void WiseFtController::withCheckpoint(const std::function<void(qint64)>& then) {
    if (!isLiveRun()) {
        then(-1);
        return;
    }
    if (!m_runs->isPaused()) return;
    if (m_snapshotStep >= 0) {
        then(m_snapshotStep);
        return;
    }
    // Ask the paused run for a snapshot and wait until it is recorded.
    const size_t before = m_runs->liveBuffer().checkpoints().size();
    m_runs->requestSnapshot();
    m_panel->setMessage(tr("Taking a snapshot of the paused run's weights…"));
    m_snapshotWait->disconnect();
    auto waited = std::make_shared<int>(0);
    connect(m_snapshotWait, &QTimer::timeout, this, [this, before, then, waited] {
        const auto checkpoints = m_runs->liveBuffer().checkpoints();
        for (size_t i = before; i < checkpoints.size(); ++i) {
            if (checkpoints[i].tag.rfind("snapshot-", 0) != 0) continue;
            m_snapshotWait->stop();
            m_snapshotStep = checkpoints[i].step;
            then(m_snapshotStep);
            return;
        }
        *waited += kSnapshotPollMs;
        if (*waited > kSnapshotTimeoutMs || !m_runs->isRunning()) {
            m_snapshotWait->stop();
            Q_EMIT errorReported(tr("The paused run did not write a snapshot of its weights."));
        }
    });
    m_snapshotWait->start();
}

void WiseFtController::computeCurve() {
    if (m_main.isBusy() || !m_runId) return;
    const qint64 runId = m_runId;
    withCheckpoint([this, runId](qint64 step) {
        if (runId != m_runId || m_main.isBusy()) return;
        m_panel->setBusy(
            true,
            tr("Computing the Wise-FT curve (%1 points)…").arg(ui::WiseFtPanel::kCurvePoints));
        start(m_main, makeJob(WiseFtJob::Kind::Curve, step));
    });
}

void WiseFtController::applyCurrent() {
    if (m_main.isBusy() || !m_runId) return;
    const qint64 runId = m_runId;
    withCheckpoint([this, runId](qint64 step) {
        if (runId != m_runId || m_main.isBusy()) return;
        m_panel->setBusy(true,
                         tr("Storing w(α = %1) as a new run…").arg(m_panel->alpha(), 0, 'f', 2));
        start(m_main, makeJob(WiseFtJob::Kind::Apply, step));
    });
}

void WiseFtController::cancel() {
    m_main.cancel();
    m_pendingPoint.reset();
}

void WiseFtController::requestPoint(double alpha, int subset) {
    if (!m_runId) return;
    const qint64 runId = m_runId;
    withCheckpoint([this, runId, alpha, subset](qint64 step) {
        if (runId != m_runId) return;
        WiseFtJob job = makeJob(WiseFtJob::Kind::Point, step);
        job.alpha = alpha;
        job.subset = subset;
        if (m_point.isBusy()) {
            m_pendingPoint = job;  // the newest request replaces an older waiting one
        } else {
            start(m_point, job);
        }
    });
}

void WiseFtController::start(BackgroundJob& lane, const WiseFtJob& job) {
    if (&lane == &m_main) m_mainRunId = job.runId;
    lane.setDatabasePath(job.dbPath);
    // The outcome arrives once the thread is gone, so the lane is free again then.
    const auto settle = [this, job] {
        if (job.kind != WiseFtJob::Kind::Point) m_panel->setBusy(false);
    };
    lane.start([job, &lane](const CancelToken& cancel) { return compute(job, cancel, lane); },
               [this, settle](const WiseFtOutcome& outcome) {
                   settle();
                   onFinished(outcome);
               },
               [this, settle](const QString& message) {
                   settle();
                   Q_EMIT errorReported(tr("Wise-FT: %1").arg(message));
               });
}

void WiseFtController::onFinished(const WiseFtOutcome& o) {
    const bool current = o.job.runId == m_runId;
    switch (o.job.kind) {
        case WiseFtJob::Kind::Curve:
            if (current) m_panel->setCurve(o.curve, o.cancelled);
            Q_EMIT curveComputed(int(o.curve.size()), o.cancelled);
            break;
        case WiseFtJob::Kind::Point:
            if (current) m_panel->setPoint(o.point);
            Q_EMIT pointEvaluated(o.point.alpha);
            break;
        case WiseFtJob::Kind::Apply:
            if (current)
                m_panel->setMessage(tr("Stored w(α = %1) as run #%2.")
                                        .arg(o.job.alpha, 0, 'f', 2)
                                        .arg(o.derivedRunId));
            Q_EMIT statusMessage(tr("Wise-FT: run #%1 stored (α = %2 of run #%3)")
                                     .arg(o.derivedRunId)
                                     .arg(o.job.alpha, 0, 'f', 2)
                                     .arg(o.job.runId));
            Q_EMIT derivedRunCreated(o.derivedRunId);
            break;
    }
}

}  // namespace forgetlab::app
