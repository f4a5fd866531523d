#pragma once
// AnalysisCoordinator: connects the Landscape tab to the engine. It fills the tab for the
// selected run (checkpoint timeline, stored analyses), estimates a landscape's cost with
// a quick timing off the GUI thread, runs landscape and Hessian jobs one at a time on an
// AnalysisController, stores and shows their results, and exports them.
//
// On a run that is still training, "live" means: pause the run (unless the user already
// paused it), ask for a snapshot checkpoint, analyse that checkpoint, then resume, but
// only if the run was not paused by the user before or meanwhile.

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QString>
#include <optional>
#include <vector>

#include "app/bridge/jobs/analysis_job.h"
#include "engine/store/store.h"

class QTimer;

namespace forgetlab::ui {
class LandscapePanel;
}

namespace forgetlab::app {

class AnalysisController;
class RunController;
class RunDatabase;

class AnalysisCoordinator : public QObject {
    Q_OBJECT
public:
    AnalysisCoordinator(ui::LandscapePanel* panel, RunController* run, RunDatabase* db,
                        QObject* parent = nullptr);
    ~AnalysisCoordinator() override;

    // The run the tab works on (0: none). Re-reads its checkpoints and analyses.
    void setRun(qint64 runId, const QString& name, const QString& status);
    qint64 runId() const { return m_runId; }
    // Re-reads checkpoints and stored analyses of the current run.
    void refresh();
    // Called at the live pull rate: picks up checkpoints the live run wrote.
    void onLiveTick();

    // Start a job from the tab's forms; false (and errorReported) when refused.
    bool computeLandscape();
    bool computeHessian();
    void cancel();
    // Reopens a stored analysis of the current run.
    bool openAnalysis(const QString& table, qint64 id);

    bool exportCsv(const QString& path);
    bool exportImage(const QString& path);  // .png or .pdf
    bool hasLandscape() const { return m_shown.has_value(); }

    bool isBusy() const;
    bool isWaitingForSnapshot() const { return m_waiting; }
    AnalysisController* jobs() const { return m_jobs; }
    // The last finished job (cancelled ones included).
    const std::optional<AnalysisOutcome>& lastOutcome() const { return m_last; }

Q_SIGNALS:
    void errorReported(const QString& message);
    void jobFinished(const forgetlab::app::AnalysisOutcome& outcome);
    void jobFailed(const QString& message);
    void statusMessage(const QString& message);

private:
    bool isLiveRun() const;
    bool startJob(AnalysisJob job);
    bool launch(const AnalysisJob& job);
    void pollSnapshot();
    void endLiveAnalysis();
    void onFinished(const AnalysisOutcome& outcome);
    void onFailed(const QString& message);
    void refreshCheckpoints();
    void refreshAnalyses();
    void scheduleTiming();
    void startTiming();
    void updateCost();
    QString caption(const LandscapeResult& r, qint64 step) const;
    QString hessianCaption(const HessianResult& r, qint64 step) const;
    QString tagAt(qint64 step) const;
    void fail(const QString& message);

    ui::LandscapePanel* m_panel;
    RunController* m_run;
    RunDatabase* m_db;
    AnalysisController* m_jobs;
    AnalysisController* m_timing;
    QTimer* m_costTimer;
    QTimer* m_snapshotPoll;

    qint64 m_runId = 0;
    QString m_runName;
    std::vector<CheckpointRow> m_checkpoints;
    std::vector<AnalysisRow> m_landscapeRows, m_hessianRows;
    size_t m_liveCheckpointsSeen = 0;

    // Seconds per evaluation pass by (run, examples); filled by timing jobs.
    QHash<QString, double> m_passSeconds;
    bool m_timingPending = false;

    // A job on a live run waiting for its snapshot.
    AnalysisJob m_pendingJob;
    bool m_waiting = false;
    size_t m_snapshotBase = 0;
    QElapsedTimer m_waitClock;
    bool m_liveJob = false;      // the running job belongs to a live-run analysis
    bool m_resumeAfter = false;  // we paused the run and should resume it
    bool m_ownPauseChange = false;

    std::optional<LandscapeResult> m_shown;
    qint64 m_shownStep = 0;
    std::optional<AnalysisOutcome> m_last;
};

}  // namespace forgetlab::app
