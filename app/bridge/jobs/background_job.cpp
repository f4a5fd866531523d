#include "app/bridge/jobs/background_job.h"

#include <exception>

#include "engine/store/store.h"

namespace forgetlab::app {

namespace {

// The one catch ladder: what work threw, as a message for the user (nothing if it did not).
std::optional<QString> runGuarded(const std::function<void()>& work, const JobErrorText& text,
                                  const QString& dbPath) {
    try {
        work();
        return std::nullopt;
    } catch (const StoreError& e) {
        const QString what = QString::fromStdString(e.what());
        return text.database.isEmpty() ? text.failure.arg(what) : text.database.arg(dbPath, what);
    } catch (const std::exception& e) {
        return text.failure.arg(QString::fromStdString(e.what()));
    } catch (...) {
        return text.unknown;
    }
}

}  // namespace

BackgroundJob::BackgroundJob(const QString& threadName, JobErrorText text, QObject* parent)
    : QObject(parent), m_text(std::move(text)) {
    m_thread.setObjectName(threadName);
    // Queued: finished is emitted on the job thread, just before that thread ends.
    connect(&m_thread, &QThread::finished, this, &BackgroundJob::onThreadFinished);
}

BackgroundJob::~BackgroundJob() {
    m_token.cancel();
    m_thread.requestInterruption();
    m_thread.quit();
    m_thread.wait();
}

bool BackgroundJob::launch(std::function<void(const CancelToken&)> work,
                           std::function<void()> deliver, ErrorHandler onError, CancelToken token) {
    if (m_busy) return false;
    m_busy = true;
    m_token = std::move(token);
    m_deliver = std::move(deliver);
    m_onError = std::move(onError);
    m_error.reset();

    // The worker lives on the job thread only to run work there; it goes with the thread.
    auto* worker = new QObject;
    worker->moveToThread(&m_thread);
    const JobErrorText text = m_text;
    const QString dbPath = m_dbPath;
    connect(&m_thread, &QThread::started, worker,
            [this, work = std::move(work), token = m_token, text, dbPath] {
                m_error = runGuarded([&] { work(token); }, text, dbPath);
                m_thread.quit();
            });
    connect(&m_thread, &QThread::finished, worker, &QObject::deleteLater);
    m_thread.start();
    return true;
}

void BackgroundJob::onThreadFinished() {
    if (!m_busy) return;
    m_thread.wait();  // finished is emitted before the thread has quite ended
    m_busy = false;
    // Taken out first: a handler may start the next job, which sets new ones.
    auto deliver = std::exchange(m_deliver, {});
    auto onError = std::exchange(m_onError, {});
    if (m_error) {
        const QString message = *m_error;
        Q_EMIT failed(message);
        if (onError) onError(message);
    } else if (deliver) {
        deliver();
    }
    Q_EMIT ended();
}

}  // namespace forgetlab::app
