#pragma once
// WiseFtController: drives the Wise-FT explorer (ui::WiseFtPanel) for the selected run.
// Jobs run on two BackgroundJob lanes, each with its own thread and Store connection: the
// curve or an Apply (one at a time, the curve cancellable within one point), and single
// slider points (latest request wins: while one is evaluated, only the newest waiting request
// is kept). A finished or stopped run uses its final checkpoint; the live run, when
// paused, a snapshot of its current weights that it is asked to write first.

#include <QObject>
#include <QString>
#include <functional>
#include <optional>

#include "app/bridge/jobs/background_job.h"
#include "app/bridge/jobs/wise_ft_job.h"

class QTimer;

namespace forgetlab::ui {
class WiseFtPanel;
}

namespace forgetlab::app {

class RunController;

class WiseFtController : public QObject {
    Q_OBJECT
public:
    WiseFtController(ui::WiseFtPanel* panel, RunController* runs, QObject* parent = nullptr);
    // Cancels and waits for running jobs (the curve stops within one point).
    ~WiseFtController() override;

    void setDatabasePath(const QString& path) { m_dbPath = path; }
    // The run selected in the run list (0: none) and its stored status.
    void setRun(qint64 runId, const QString& name, const QString& status);

    void computeCurve();
    void cancel();
    void applyCurrent();
    bool isBusy() const { return m_main.isBusy(); }

Q_SIGNALS:
    void curveComputed(int points, bool cancelled);
    void pointEvaluated(double alpha);
    void derivedRunCreated(qint64 runId);
    void errorReported(const QString& message);
    void statusMessage(const QString& message);

private:
    void refreshUsability();
    // Calls then(step) with the checkpoint step to use (-1: final), once it exists.
    void withCheckpoint(const std::function<void(qint64)>& then);
    void start(BackgroundJob& lane, const WiseFtJob& job);
    void onFinished(const WiseFtOutcome& outcome);
    void requestPoint(double alpha, int subset);
    WiseFtJob makeJob(WiseFtJob::Kind kind, qint64 step) const;
    bool isLiveRun() const;

    ui::WiseFtPanel* m_panel;
    RunController* m_runs;
    QString m_dbPath;
    qint64 m_runId = 0;
    QString m_name, m_status;
    std::optional<WiseFtJob> m_pendingPoint;
    qint64 m_snapshotStep = -1;  // paused live run: the snapshot taken for this pause
    QTimer* m_snapshotWait = nullptr;
    qint64 m_mainRunId = 0;  // the run of the main lane's job
    // Last: joined before the members their callbacks use go.
    BackgroundJob m_main, m_point;
};

}  // namespace forgetlab::app
