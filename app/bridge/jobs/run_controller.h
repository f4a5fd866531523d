#pragma once
// RunController: starts experiments on a background thread and steers them from the GUI.
// The run (runAndRecord, with the job thread's own Store connection) is a BackgroundJob;
// pause/resume/step/stop and live knobs go through the run's RunControl (atomics and a
// small queue read by the runner between steps), so no call here ever waits for
// training. finished()/failed() are emitted after the thread has ended, so isRunning() is
// already false then.

#include <QObject>
#include <QString>
#include <functional>
#include <memory>

#include "app/bridge/jobs/background_job.h"
#include "app/bridge/metatypes.h"
#include "engine/core/config.h"

namespace forgetlab {
class RunControl;
class Store;
struct SessionOptions;
}  // namespace forgetlab

namespace forgetlab::app {

class LiveBuffer;

class RunController : public QObject {
    Q_OBJECT
public:
    explicit RunController(QObject* parent = nullptr);
    // Stops a running job and waits for its thread (the runner stops within one step).
    ~RunController() override;

    // False (and nothing happens) while another run is going.
    bool start(const ExperimentConfig& config, const QString& dbPath);
    // Resumes stored run `runId` from its last resume point (resumeAndRecord) as a live run,
    // steered like one that was started; the live buffer gets the steps after the point.
    bool resumeRun(qint64 runId, const QString& dbPath);
    bool isRunning() const { return m_job.isBusy(); }
    bool isPaused() const { return m_paused; }
    bool isStopping() const { return m_stopping; }
    qint64 runId() const { return m_runId; }  // 0 until runCreated

    void pause();
    void resume();
    void step();
    void stop();
    // name: "lr" or "rho"; applied before the next step and recorded as an event.
    void setKnob(const QString& name, double value);
    // The runner writes a "snapshot-STEP" checkpoint of the live weights before its next
    // step (also while paused); it arrives in liveBuffer().checkpoints().
    void requestSnapshot();

    // The live buffer of the current (or last) run; the GUI pulls from it.
    LiveBuffer& liveBuffer() { return *m_live; }

    // Torch intra-op threads for runs; default leaves one core for the GUI.
    void setTorchThreads(int threads) { m_torchThreads = threads; }

Q_SIGNALS:
    void started();
    void runCreated(qint64 runId);
    void pausedChanged(bool paused);
    void finished(const forgetlab::RunSummary& summary);
    void failed(const QString& message);

private:
    using Session = std::function<RunSummary(Store& store, RunControl& control, LiveBuffer* live,
                                             const SessionOptions& options)>;
    // Runs `session` on the job thread with its own Store connection to dbPath.
    bool launch(Session session, const QString& dbPath);
    // The run ended, one way or the other: the steering state goes back to idle.
    void settle();

    std::shared_ptr<RunControl> m_control;
    std::shared_ptr<LiveBuffer> m_live;
    int m_torchThreads;
    qint64 m_runId = 0;
    bool m_paused = false;
    bool m_stopping = false;
    BackgroundJob m_job;  // last: joined before the members its callbacks use go
};

}  // namespace forgetlab::app
