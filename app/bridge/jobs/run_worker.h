#pragma once
// RunWorker: lives on a run's QThread and runs one experiment there (runAndRecord, which
// blocks until the run ends). It opens its own Store connection on that thread, and turns
// every exception into failed() because an exception escaping a thread terminates the app.

#include <QObject>
#include <QString>
#include <memory>

#include "app/bridge/metatypes.h"
#include "engine/core/config.h"

namespace forgetlab {
class RunControl;
}

namespace forgetlab::app {

class LiveBuffer;

class RunWorker : public QObject {
    Q_OBJECT
public:
    RunWorker(ExperimentConfig config, QString dbPath, std::shared_ptr<RunControl> control,
              std::shared_ptr<LiveBuffer> live, int torchThreads);

    // Blocking; emits runCreated, then finished or failed, then done.
    void run();

Q_SIGNALS:
    void runCreated(qint64 runId);
    void finished(const forgetlab::RunSummary& summary);
    void failed(const QString& message);
    void done();

private:
    ExperimentConfig m_config;
    QString m_dbPath;
    std::shared_ptr<RunControl> m_control;
    std::shared_ptr<LiveBuffer> m_live;
    int m_torchThreads;
};

}  // namespace forgetlab::app
