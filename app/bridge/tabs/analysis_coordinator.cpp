#include "app/bridge/tabs/analysis_coordinator.h"

#include <QFile>
#include <QFileInfo>
#include <QTimer>
#include <exception>

#include "app/bridge/jobs/analysis_controller.h"
#include "app/bridge/live_buffer.h"
#include "app/bridge/jobs/run_controller.h"
#include "app/bridge/run_database.h"
#include "ui/landscape/analysis_list.h"
#include "ui/landscape/checkpoint_timeline.h"
#include "ui/landscape/hessian_panel.h"
#include "ui/common/job_progress.h"
#include "ui/landscape/landscape_form.h"
#include "ui/landscape/landscape_panel.h"
#include "ui/common/qcp.h"

namespace forgetlab::app {

namespace {

// A paused run writes its snapshot within ~10 ms; a running one after the step (and any
// evaluation) in progress. Far longer than that means something is wrong.
constexpr int kSnapshotTimeoutMs = 120'000;
constexpr int kCostDebounceMs = 250;

QString kindName(const std::string& kind) {
    if (kind == "2d") return QObject::tr("2-D landscape");
    if (kind == "1d") return QObject::tr("1-D landscape");
    return QObject::tr("interpolation line");
}

QString settingsText(const LandscapeRequest& q) {
    const QString range = QString::number(q.range, 'g', 3);
    if (q.kind == "2d")
        return QObject::tr("%1×%1, ±%2, %3 ex., seed %4")
            .arg(q.grid)
            .arg(range)
            .arg(q.subset)
            .arg(q.seed);
    if (q.kind == "1d")
        return QObject::tr("%1 pts, ±%2, %3 ex., seed %4")
            .arg(q.grid)
            .arg(range)
            .arg(q.subset)
            .arg(q.seed);
    return QObject::tr("%1 pts, α −0.5…1.5, %2 ex.").arg(q.grid).arg(q.subset);
}

QString hessianSettings(const HessianRequest& q) {
    QString s = QObject::tr("top %1, %2 probe (%3 ex.)")
                    .arg(q.topk)
                    .arg(QString::fromStdString(q.probe))
                    .arg(q.probe_size);
    if (q.trace_samples > 0) s += QObject::tr(", trace %1").arg(q.trace_samples);
    return s;
}

}  // namespace

AnalysisCoordinator::AnalysisCoordinator(ui::LandscapePanel* panel, RunController* run,
                                         RunDatabase* db, QObject* parent)
    : QObject(parent),
      m_panel(panel),
      m_run(run),
      m_db(db),
      m_jobs(new AnalysisController(this)),
      m_timing(new AnalysisController(this)),
      m_costTimer(new QTimer(this)),
      m_snapshotPoll(new QTimer(this)) {
    m_costTimer->setSingleShot(true);
    m_costTimer->setInterval(kCostDebounceMs);
    m_snapshotPoll->setInterval(20);
    connect(m_costTimer, &QTimer::timeout, this, &AnalysisCoordinator::startTiming);
    connect(m_snapshotPoll, &QTimer::timeout, this, &AnalysisCoordinator::pollSnapshot);

    connect(m_jobs, &AnalysisController::progress, m_panel->job(), &ui::JobProgress::setProgress);
    connect(m_jobs, &AnalysisController::finished, this, &AnalysisCoordinator::onFinished);
    connect(m_jobs, &AnalysisController::failed, this, &AnalysisCoordinator::onFailed);
    connect(m_timing, &AnalysisController::finished, this, [this](const AnalysisOutcome& o) {
        m_passSeconds.insert(QStringLiteral("%1/%2").arg(o.job.runId).arg(o.job.timingSubset),
                             o.secondsPerPass);
        if (m_timingPending) scheduleTiming();
        updateCost();
    });
    connect(m_timing, &AnalysisController::failed, this, [this](const QString&) {
        // Without a timing the cost shows passes only; the job itself reports real errors.
        m_timingPending = false;
        updateCost();
    });

    connect(m_panel->form(), &ui::LandscapeForm::computeRequested, this,
            &AnalysisCoordinator::computeLandscape);
    connect(m_panel->form(), &ui::LandscapeForm::requestChanged, this, [this] {
        updateCost();
        scheduleTiming();
    });
    connect(m_panel->hessian(), &ui::HessianPanel::computeRequested, this,
            &AnalysisCoordinator::computeHessian);
    connect(m_panel->job(), &ui::JobProgress::cancelRequested, this, &AnalysisCoordinator::cancel);
    connect(m_panel->analyses(), &ui::AnalysisList::analysisChosen, this,
            &AnalysisCoordinator::openAnalysis);
    // A pause or resume by the user during a live analysis is theirs to keep.
    connect(m_run, &RunController::pausedChanged, this, [this] {
        if (!m_ownPauseChange && (m_waiting || m_liveJob)) m_resumeAfter = false;
    });
    updateCost();
}

AnalysisCoordinator::~AnalysisCoordinator() = default;

bool AnalysisCoordinator::isBusy() const {
    return m_waiting || m_jobs->isBusy();
}

bool AnalysisCoordinator::isLiveRun() const {
    return m_runId != 0 && m_run->isRunning() && m_run->runId() == m_runId;
}

void AnalysisCoordinator::setRun(qint64 runId, const QString& name, const QString& status) {
    const bool changed = runId != m_runId;
    m_runId = runId;
    m_runName = name;
    if (!runId) {
        m_panel->setRunTitle(tr("<i>Select a run in the run list.</i>"));
    } else {
        m_panel->setRunTitle(tr("<b>Run #%1 %2</b> <span style='color:#757575'>(%3)</span>")
                                 .arg(runId)
                                 .arg(name.toHtmlEscaped(), status));
    }
    if (changed) {
        m_shown.reset();
        m_panel->showPlaceholder(
            runId ? tr("Choose a checkpoint and press Compute landscape (Ctrl+L), or open a "
                       "stored analysis below.")
                  : tr("Select a run in the run list to analyse its checkpoints."));
        m_panel->hessian()->clearResult();
    }
    refresh();
}

void AnalysisCoordinator::refresh() {
    refreshCheckpoints();
    refreshAnalyses();
    updateCost();
    scheduleTiming();
}

void AnalysisCoordinator::onLiveTick() {
    if (!isLiveRun()) return;
    const size_t n = m_run->liveBuffer().checkpoints().size();
    if (n != m_liveCheckpointsSeen) refreshCheckpoints();
}

void AnalysisCoordinator::refreshCheckpoints() {
    QString error;
    m_checkpoints.clear();
    if (m_runId && !m_db->checkpoints(m_runId, m_checkpoints, &error)) Q_EMIT errorReported(error);
    if (isLiveRun()) m_liveCheckpointsSeen = m_run->liveBuffer().checkpoints().size();
    QVector<ui::CheckpointMark> marks;
    for (const CheckpointRow& c : m_checkpoints)
        marks.push_back({c.step, QString::fromStdString(c.tag)});
    m_panel->timeline()->setCheckpoints(marks, isLiveRun());
}

void AnalysisCoordinator::refreshAnalyses() {
    QString error;
    if (!m_runId) {
        m_landscapeRows.clear();
        m_hessianRows.clear();
    } else if (!m_db->analyses(m_runId, m_landscapeRows, m_hessianRows, &error)) {
        Q_EMIT errorReported(error);
    }
    QVector<ui::StoredAnalysis> rows;
    for (const AnalysisRow& a : m_landscapeRows) {
        ui::StoredAnalysis s{QStringLiteral("landscapes"),
                             a.id,
                             QString::fromStdString(a.kind),
                             a.step,
                             QString(),
                             QString::fromStdString(a.created),
                             false};
        try {
            const LandscapeResult r = landscapeFromJson(a.result_json);
            s.settings = settingsText(r.request);
            s.cancelled = r.cancelled;
        } catch (const std::exception&) {
            s.settings = tr("(unreadable)");
        }
        rows << s;
    }
    for (const AnalysisRow& a : m_hessianRows) {
        ui::StoredAnalysis s{
            QStringLiteral("hessians"),        a.id, QStringLiteral("hessian"), a.step, QString(),
            QString::fromStdString(a.created), false};
        try {
            const HessianResult r = hessianFromJson(a.result_json);
            s.settings = hessianSettings(r.request);
            s.cancelled = r.cancelled;
        } catch (const std::exception&) {
            s.settings = tr("(unreadable)");
        }
        rows << s;
    }
    // Newest first across both tables.
    std::stable_sort(rows.begin(), rows.end(),
                     [](const ui::StoredAnalysis& a, const ui::StoredAnalysis& b) {
                         return a.created > b.created;
                     });
    m_panel->analyses()->setAnalyses(rows);
}

// ---- cost estimate ----

void AnalysisCoordinator::scheduleTiming() {
    if (!m_runId || m_checkpoints.empty()) return;
    const int subset = m_panel->form()->request().subset;
    if (m_passSeconds.contains(QStringLiteral("%1/%2").arg(m_runId).arg(subset))) return;
    m_timingPending = true;
    m_costTimer->start();
}

void AnalysisCoordinator::startTiming() {
    if (!m_runId || m_checkpoints.empty()) return;
    // Never time while a job computes: the number would be wrong and the job slower.
    if (m_timing->isBusy() || isBusy()) {
        m_timingPending = true;
        return;
    }
    const int subset = m_panel->form()->request().subset;
    if (m_passSeconds.contains(QStringLiteral("%1/%2").arg(m_runId).arg(subset))) {
        m_timingPending = false;
        return;
    }
    AnalysisJob job;
    job.kind = AnalysisJob::Kind::Timing;
    job.dbPath = m_db->path();
    job.runId = m_runId;
    job.step = -1;  // any checkpoint: every checkpoint of a run has the same architecture
    job.timingSubset = subset;
    job.store = false;
    m_timingPending = false;
    m_timing->start(job);
    updateCost();
}

void AnalysisCoordinator::updateCost() {
    const LandscapeRequest r = m_panel->form()->request();
    if (!validateLandscapeRequest(r).empty()) return;
    const QString key = QStringLiteral("%1/%2").arg(m_runId).arg(r.subset);
    const double seconds = m_passSeconds.value(key, -1.0);
    m_panel->form()->setCost(landscapeEvaluations(r), seconds,
                             m_runId && (m_timing->isBusy() || m_timingPending));
}

// ---- jobs ----

bool AnalysisCoordinator::computeLandscape() {
    AnalysisJob job;
    job.kind = AnalysisJob::Kind::Landscape;
    job.landscape = m_panel->form()->request();
    if (const std::string err = validateLandscapeRequest(job.landscape); !err.empty()) {
        Q_EMIT errorReported(tr("Landscape: %1.").arg(QString::fromStdString(err)));
        return false;
    }
    return startJob(job);
}

bool AnalysisCoordinator::computeHessian() {
    AnalysisJob job;
    job.kind = AnalysisJob::Kind::Hessian;
    job.hessian = m_panel->hessian()->request();
    if (const std::string err = validateHessianRequest(job.hessian); !err.empty()) {
        Q_EMIT errorReported(tr("Hessian: %1.").arg(QString::fromStdString(err)));
        return false;
    }
    return startJob(job);
}

bool AnalysisCoordinator::startJob(AnalysisJob job) {
    if (isBusy()) {
        Q_EMIT errorReported(tr("An analysis is already running; wait for it or cancel it first."));
        return false;
    }
    if (!m_runId) {
        Q_EMIT errorReported(tr("Select the run to analyse in the run list first."));
        return false;
    }
    ui::CheckpointTimeline* timeline = m_panel->timeline();
    if (timeline->isEmpty()) {
        Q_EMIT errorReported(tr("Run #%1 has no stored weights to analyse yet.").arg(m_runId));
        return false;
    }
    job.dbPath = m_db->path();
    job.runId = m_runId;
    if (!(isLiveRun() && timeline->isLiveSelected())) {
        job.step = timeline->currentStep();
        return launch(job);
    }
    // Live run: its weights change every step, so analyse a snapshot of them.
    if (m_run->liveBuffer().phase() != Phase::Downstream) {
        Q_EMIT errorReported(
            tr("The live run is still pre-training; analyse it once "
               "fine-tuning has started (or pick its pre-trained checkpoint)."));
        return false;
    }
    m_pendingJob = job;
    m_resumeAfter = !m_run->isPaused();
    m_ownPauseChange = true;
    m_run->pause();
    m_ownPauseChange = false;
    m_snapshotBase = m_run->liveBuffer().checkpoints().size();
    m_run->requestSnapshot();
    m_waiting = true;
    m_liveJob = true;
    m_waitClock.start();
    m_snapshotPoll->start();
    m_panel->setBusy(true);
    m_panel->job()->start(tr("Pausing run #%1 and taking a snapshot of its weights…").arg(m_runId));
    Q_EMIT statusMessage(tr("Training paused for the analysis"));
    return true;
}

void AnalysisCoordinator::pollSnapshot() {
    if (!m_waiting) return;
    const std::vector<LiveCheckpoint> cps = m_run->liveBuffer().checkpoints();
    for (size_t i = m_snapshotBase; i < cps.size(); ++i) {
        if (cps[i].tag.rfind("snapshot-", 0) != 0 && cps[i].tag != "final") continue;
        m_waiting = false;
        m_snapshotPoll->stop();
        refreshCheckpoints();
        m_pendingJob.step = cps[i].step;
        if (!launch(m_pendingJob)) endLiveAnalysis();
        return;
    }
    if (!m_run->isRunning() || m_waitClock.elapsed() > kSnapshotTimeoutMs) {
        const bool ended = !m_run->isRunning();
        m_waiting = false;
        m_snapshotPoll->stop();
        if (ended) {
            // The run ended first: its final weights are the latest there are.
            refreshCheckpoints();
            m_pendingJob.step = -1;
            if (!launch(m_pendingJob)) endLiveAnalysis();
            return;
        }
        endLiveAnalysis();
        fail(tr("Run #%1 did not write the snapshot it was asked for.").arg(m_runId));
    }
}

void AnalysisCoordinator::endLiveAnalysis() {
    if (!m_liveJob) return;
    m_liveJob = false;
    if (m_resumeAfter && m_run->isRunning() && m_run->isPaused()) {
        m_ownPauseChange = true;
        m_run->resume();
        m_ownPauseChange = false;
        Q_EMIT statusMessage(tr("Training resumed after the analysis"));
    }
    m_resumeAfter = false;
}

bool AnalysisCoordinator::launch(const AnalysisJob& job) {
    if (!m_jobs->start(job)) {
        fail(tr("An analysis is already running."));
        return false;
    }
    m_panel->setBusy(true);
    const QString where = job.step < 0 ? tr("the final checkpoint")
                                       : tr("step %1 (%2)").arg(job.step).arg(tagAt(job.step));
    if (job.kind == AnalysisJob::Kind::Landscape) {
        m_panel->job()->start(tr("Computing the %1 of run #%2 at %3: %4 evaluation passes…")
                                  .arg(kindName(job.landscape.kind))
                                  .arg(job.runId)
                                  .arg(where)
                                  .arg(landscapeEvaluations(job.landscape)));
    } else {
        m_panel->job()->start(
            tr("Computing the Hessian spectrum of run #%1 at %2…").arg(job.runId).arg(where));
    }
    return true;
}

void AnalysisCoordinator::cancel() {
    if (m_waiting) {
        m_waiting = false;
        m_snapshotPoll->stop();
        m_panel->setBusy(false);
        m_panel->job()->finish(ui::JobProgress::State::Cancelled,
                               tr("Cancelled before the snapshot arrived."));
        endLiveAnalysis();
        return;
    }
    m_jobs->cancel();
}

void AnalysisCoordinator::onFinished(const AnalysisOutcome& o) {
    m_last = o;
    m_panel->setBusy(false);
    endLiveAnalysis();
    const bool landscape = o.job.kind == AnalysisJob::Kind::Landscape;
    if (o.cancelled) {
        const qint64 done = landscape ? o.landscape.evaluations : 0;
        m_panel->job()->finish(
            ui::JobProgress::State::Cancelled,
            landscape ? tr("Cancelled after %1 of %2 evaluation passes; nothing stored.")
                            .arg(done)
                            .arg(landscapeEvaluations(o.job.landscape))
                      : tr("Hessian cancelled; nothing stored."));
    } else if (landscape) {
        m_shown = o.landscape;
        m_shownStep = o.step;
        // Only for the run on screen (the user may have picked another run meanwhile).
        if (o.job.runId == m_runId)
            m_panel->showLandscape(o.landscape, caption(o.landscape, o.step));
        m_panel->job()->finish(ui::JobProgress::State::Done,
                               tr("%1 of run #%2 at step %3: %4 passes in %5, stored.")
                                   .arg(kindName(o.landscape.request.kind))
                                   .arg(o.job.runId)
                                   .arg(o.step)
                                   .arg(o.landscape.evaluations)
                                   .arg(ui::formatSeconds(o.landscape.seconds)));
    } else {
        if (o.job.runId == m_runId)
            m_panel->hessian()->setResult(o.hessian, hessianCaption(o.hessian, o.step));
        m_panel->job()->finish(ui::JobProgress::State::Done,
                               tr("Hessian of run #%1 at step %2 in %3, stored.")
                                   .arg(o.job.runId)
                                   .arg(o.step)
                                   .arg(ui::formatSeconds(o.hessian.seconds)));
    }
    if (o.job.runId == m_runId) {
        refreshCheckpoints();
        refreshAnalyses();
        if (o.storedId)
            m_panel->analyses()->selectAnalysis(
                landscape ? QStringLiteral("landscapes") : QStringLiteral("hessians"), o.storedId);
    }
    if (m_timingPending) scheduleTiming();
    Q_EMIT jobFinished(o);
}

void AnalysisCoordinator::onFailed(const QString& message) {
    m_panel->setBusy(false);
    endLiveAnalysis();
    fail(message);
}

void AnalysisCoordinator::fail(const QString& message) {
    m_panel->setBusy(false);
    m_panel->job()->finish(ui::JobProgress::State::Failed, tr("Failed: %1").arg(message));
    Q_EMIT jobFailed(message);
    Q_EMIT errorReported(message);
}

// ---- stored analyses ----

bool AnalysisCoordinator::openAnalysis(const QString& table, qint64 id) {
    const bool landscape = table == QLatin1String("landscapes");
    const std::vector<AnalysisRow>& rows = landscape ? m_landscapeRows : m_hessianRows;
    for (const AnalysisRow& row : rows) {
        if (row.id != id) continue;
        try {
            if (landscape) {
                const LandscapeResult r = landscapeFromJson(row.result_json);
                m_shown = r;
                m_shownStep = row.step;
                m_panel->showLandscape(r, caption(r, row.step));
            } else {
                const HessianResult r = hessianFromJson(row.result_json);
                m_panel->hessian()->setResult(r, hessianCaption(r, row.step));
            }
        } catch (const std::exception& e) {
            Q_EMIT errorReported(tr("Stored analysis #%1 cannot be read: %2")
                                     .arg(id)
                                     .arg(QString::fromStdString(e.what())));
            return false;
        }
        m_panel->analyses()->selectAnalysis(table, id);
        return true;
    }
    Q_EMIT errorReported(tr("No stored analysis #%1 for run #%2.").arg(id).arg(m_runId));
    return false;
}

// ---- export ----

bool AnalysisCoordinator::exportCsv(const QString& path) {
    if (!m_shown) {
        Q_EMIT errorReported(tr("Compute or open a landscape first."));
        return false;
    }
    QFile file(path);
    const std::string csv = landscapeToCsv(*m_shown);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        file.write(csv.data(), qint64(csv.size())) != qint64(csv.size())) {
        Q_EMIT errorReported(
            tr("Cannot write %1 (check the folder exists and is writable).").arg(path));
        return false;
    }
    Q_EMIT statusMessage(tr("Landscape exported to %1").arg(path));
    return true;
}

bool AnalysisCoordinator::exportImage(const QString& path) {
    QCustomPlot* plot = m_panel->currentPlot();
    if (!plot) {
        Q_EMIT errorReported(tr("Compute or open a landscape first."));
        return false;
    }
    // A tab that was never shown has no useful size: fall back to a readable one.
    const int w = plot->width() >= 400 ? plot->width() : 1200;
    const int h = plot->height() >= 250 ? plot->height() : 560;
    const bool pdf =
        QFileInfo(path).suffix().compare(QLatin1String("pdf"), Qt::CaseInsensitive) == 0;
    const bool ok = pdf ? plot->savePdf(path, w, h) : plot->savePng(path, w, h, 2.0);
    if (!ok) {
        Q_EMIT errorReported(
            tr("Cannot write %1 (check the folder exists and is writable).").arg(path));
        return false;
    }
    Q_EMIT statusMessage(tr("Landscape exported to %1").arg(path));
    return true;
}

// ---- captions ----

QString AnalysisCoordinator::tagAt(qint64 step) const {
    QString tag;
    for (const CheckpointRow& c : m_checkpoints)
        if (c.step == step && (tag.isEmpty() || c.tag == "final"))
            tag = QString::fromStdString(c.tag);
    return tag.isEmpty() ? tr("checkpoint") : ui::CheckpointTimeline::describeTag(tag);
}

QString AnalysisCoordinator::caption(const LandscapeResult& r, qint64 step) const {
    return tr("%1 · run #%2 %3 · step %4, %5 · %6")
        .arg(kindName(r.request.kind))
        .arg(m_runId)
        .arg(m_runName)
        .arg(step)
        .arg(tagAt(step))
        .arg(settingsText(r.request));
}

QString AnalysisCoordinator::hessianCaption(const HessianResult& r, qint64 step) const {
    return tr("Step %1 (%2): %3, %4")
        .arg(step)
        .arg(tagAt(step))
        .arg(hessianSettings(r.request))
        .arg(ui::formatSeconds(r.seconds));
}

}  // namespace forgetlab::app
