#include "app/bridge/jobs/run_worker.h"

#include <exception>

#include "app/bridge/live_buffer.h"
#include "engine/core/run_control.h"
#include "engine/sessions/run_session.h"
#include "engine/store/store.h"

namespace forgetlab::app {

RunWorker::RunWorker(ExperimentConfig config, QString dbPath, std::shared_ptr<RunControl> control,
                     std::shared_ptr<LiveBuffer> live, int torchThreads)
    : m_config(std::move(config)),
      m_dbPath(std::move(dbPath)),
      m_control(std::move(control)),
      m_live(std::move(live)),
      m_torchThreads(torchThreads) {}

void RunWorker::run() {
    try {
        // One connection per thread: this one writes, the GUI's only reads.
        Store store(m_dbPath.toStdString());
        SessionOptions options;
        options.num_threads = m_torchThreads;
        options.on_run_created = [this](int64_t id) { Q_EMIT runCreated(static_cast<qint64>(id)); };
        const RunSummary summary = runAndRecord(m_config, store, *m_control, m_live.get(), options);
        Q_EMIT finished(summary);
    } catch (const StoreError& e) {
        Q_EMIT failed(tr("The database %1 cannot be written: %2")
                          .arg(m_dbPath, QString::fromStdString(e.what())));
    } catch (const std::exception& e) {
        Q_EMIT failed(tr("The run failed: %1").arg(QString::fromStdString(e.what())));
    } catch (...) {
        Q_EMIT failed(tr("The run failed with an unknown error."));
    }
    Q_EMIT done();
}

}  // namespace forgetlab::app
