#pragma once
// WiseFtWorker: lives on a Wise-FT job's QThread and runs that one job there (wiseFtCurve,
// wiseFtPoint or wiseFtApply, which block). It opens its own Store connection on that
// thread and turns every exception into failed(), because an exception escaping a thread
// terminates the app.

#include <QObject>
#include <atomic>
#include <memory>

#include "app/bridge/jobs/wise_ft_job.h"

namespace forgetlab::app {

class WiseFtWorker : public QObject {
    Q_OBJECT
public:
    WiseFtWorker(WiseFtJob job, std::shared_ptr<std::atomic<bool>> cancel);

    // Blocking; emits progress, then finished or failed, then done.
    void run();

Q_SIGNALS:
    void progress(qint64 done, qint64 total);
    void finished(const forgetlab::app::WiseFtOutcome& outcome);
    void failed(const QString& message);
    void done();

private:
    WiseFtJob m_job;
    std::shared_ptr<std::atomic<bool>> m_cancel;
};

}  // namespace forgetlab::app
