#pragma once
// WiseFtController: drives the Wise-FT explorer (ui::WiseFtPanel) for the selected run.
// Jobs run on their own QThreads with a WiseFtWorker each, in two lanes: the curve or an
// Apply (one at a time, the curve cancellable within one point), and single slider
// points (latest request wins: while one is evaluated, only the newest waiting request
// is kept). A finished or stopped run uses its final checkpoint; the live run, when
// paused, a snapshot of its current weights that it is asked to write first.

#include <QObject>
#include <QString>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>

#include "app/bridge/jobs/wise_ft_job.h"

class QThread;
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
    bool isBusy() const { return m_main.thread != nullptr; }

Q_SIGNALS:
    void curveComputed(int points, bool cancelled);
    void pointEvaluated(double alpha);
    void derivedRunCreated(qint64 runId);
    void errorReported(const QString& message);
    void statusMessage(const QString& message);

private:
    struct Lane {
        QThread* thread = nullptr;
        std::shared_ptr<std::atomic<bool>> cancel;
    };
    void refreshUsability();
    // Calls then(step) with the checkpoint step to use (-1: final), once it exists.
    void withCheckpoint(const std::function<void(qint64)>& then);
    void start(Lane& lane, const WiseFtJob& job);
    void onFinished(const WiseFtOutcome& outcome);
    void requestPoint(double alpha, int subset);
    WiseFtJob makeJob(WiseFtJob::Kind kind, qint64 step) const;
    bool isLiveRun() const;

    ui::WiseFtPanel* m_panel;
    RunController* m_runs;
    QString m_dbPath;
    qint64 m_runId = 0;
    QString m_name, m_status;
    Lane m_main, m_point;
    std::optional<WiseFtJob> m_pendingPoint;
    qint64 m_snapshotStep = -1;  // paused live run: the snapshot taken for this pause
    QTimer* m_snapshotWait = nullptr;
};

}  // namespace forgetlab::app
