#include "app/bridge/jobs/wise_ft_controller.h"

#include <QThread>
#include <QTimer>

#include "app/bridge/live_buffer.h"
#include "app/bridge/jobs/run_controller.h"
#include "app/bridge/jobs/wise_ft_worker.h"
#include "ui/continual/wise_ft_panel.h"

namespace forgetlab::app {

namespace {
constexpr int kSnapshotPollMs = 50;
constexpr int kSnapshotTimeoutMs = 15'000;
}  // namespace

WiseFtController::WiseFtController(ui::WiseFtPanel* panel, RunController* runs, QObject* parent)
    : QObject(parent), m_panel(panel), m_runs(runs) {
    qRegisterMetaType<forgetlab::app::WiseFtOutcome>();
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

WiseFtController::~WiseFtController() {
    for (Lane* lane : {&m_main, &m_point}) {
        if (!lane->thread) continue;
        lane->cancel->store(true);
        lane->thread->quit();
        lane->thread->wait();
        delete lane->thread;
    }
}

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
    } else if (!isLiveRun() && m_status == QLatin1String("running")) {
        m_panel->setRun(m_runId, title, false, tr("This run is still being written."));
    } else if (m_status == QLatin1String("failed") || m_status == QLatin1String("diverged")) {
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
    if (m_main.thread || !m_runId) return;
    const qint64 runId = m_runId;
    withCheckpoint([this, runId](qint64 step) {
        if (runId != m_runId || m_main.thread) return;
        m_panel->setBusy(
            true,
            tr("Computing the Wise-FT curve (%1 points)…").arg(ui::WiseFtPanel::kCurvePoints));
        start(m_main, makeJob(WiseFtJob::Kind::Curve, step));
    });
}

void WiseFtController::applyCurrent() {
    if (m_main.thread || !m_runId) return;
    const qint64 runId = m_runId;
    withCheckpoint([this, runId](qint64 step) {
        if (runId != m_runId || m_main.thread) return;
        m_panel->setBusy(true,
                         tr("Storing w(α = %1) as a new run…").arg(m_panel->alpha(), 0, 'f', 2));
        start(m_main, makeJob(WiseFtJob::Kind::Apply, step));
    });
}

void WiseFtController::cancel() {
    if (m_main.cancel) m_main.cancel->store(true);
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
        if (m_point.thread) {
            m_pendingPoint = job;  // the newest request replaces an older waiting one
        } else {
            start(m_point, job);
        }
    });
}

void WiseFtController::start(Lane& lane, const WiseFtJob& job) {
    lane.cancel = std::make_shared<std::atomic<bool>>(false);
    lane.thread = new QThread;
    lane.thread->setObjectName(QStringLiteral("forgetlab-wiseft"));
    auto* worker = new WiseFtWorker(job, lane.cancel);
    worker->moveToThread(lane.thread);
    Lane* lanePtr = &lane;
    auto outcome = std::make_shared<std::optional<WiseFtOutcome>>();
    auto error = std::make_shared<QString>();
    connect(lane.thread, &QThread::started, worker, &WiseFtWorker::run);
    connect(worker, &WiseFtWorker::done, lane.thread, &QThread::quit);
    connect(lane.thread, &QThread::finished, worker, &QObject::deleteLater);
    connect(worker, &WiseFtWorker::progress, this, [this, job](qint64 done, qint64 total) {
        if (job.runId == m_runId) m_panel->setProgress(done, total);
    });
    connect(worker, &WiseFtWorker::finished, this,
            [outcome](const WiseFtOutcome& o) { *outcome = o; });
    connect(worker, &WiseFtWorker::failed, this, [error](const QString& m) { *error = m; });
    // Results are delivered once the thread is gone, so the lane is free again then.
    connect(lane.thread, &QThread::finished, this, [this, lanePtr, outcome, error, job] {
        lanePtr->thread->wait();
        lanePtr->thread->deleteLater();
        lanePtr->thread = nullptr;
        if (job.kind != WiseFtJob::Kind::Point) m_panel->setBusy(false);
        if (outcome->has_value()) {
            onFinished(**outcome);
        } else {
            Q_EMIT errorReported(tr("Wise-FT: %1").arg(*error));
        }
        if (lanePtr == &m_point && m_pendingPoint) {
            const WiseFtJob next = *m_pendingPoint;
            m_pendingPoint.reset();
            start(m_point, next);
        }
    });
    lane.thread->start();
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
