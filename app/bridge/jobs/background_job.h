#pragma once
// BackgroundJob: the one way the bridge runs a blocking engine call off the GUI thread.
// Every controller used to hand-roll the same plumbing (a QThread, a worker moved onto
// it, a cancel flag, a catch ladder, "deliver once the thread has ended"), and the copies
// had begun to differ; this is that plumbing written once.
//
// One job at a time (a controller that runs two kinds of job side by side holds two).
// start() runs work(token) on the helper's own QThread. Once that thread has ended, on the
// thread that owns the helper, onResult(result) is called if work returned; if it threw,
// failed(message) is emitted and onError(message) called: every exception is caught here,
// because one escaping a thread terminates the app. isBusy() is already false when the
// outcome arrives, so an outcome handler may start the next job at once.
//
// The destructor cancels the job's token and waits for the thread (cancel → interrupt →
// quit → wait). A controller holding a BackgroundJob as a member declares it after every
// member the job's callbacks use, so it is destroyed (and the thread joined) first.

#include <QObject>
#include <QString>
#include <QThread>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

#include "engine/core/cancel_token.h"

namespace forgetlab::app {

// How the catch ladder words what a job threw, for the user.
struct JobErrorText {
    // A StoreError: %1 the database file (setDatabasePath), %2 the engine's message.
    // Empty: worded like any other exception.
    QString database;
    // Any other std::exception: %1 its message.
    QString failure = QStringLiteral("%1");
    // Anything else thrown.
    QString unknown;
};

class BackgroundJob : public QObject {
    Q_OBJECT
public:
    using ErrorHandler = std::function<void(const QString& message)>;

    // threadName names the QThread (debuggers, `top -H`).
    BackgroundJob(const QString& threadName, JobErrorText text, QObject* parent = nullptr);
    ~BackgroundJob() override;

    // work: Result(const CancelToken&), run on the job thread. onResult: void(Result),
    // onError: void(const QString&), both on this object's thread after the job thread has
    // ended. token: what cancel() sets and work polls (a run passes its RunControl's stop
    // token); a fresh one by default. False, and nothing happens, while a job is running.
    template <class Work, class OnResult>
    bool start(Work work, OnResult onResult, ErrorHandler onError = {},
               CancelToken token = CancelToken()) {
        using Result = std::decay_t<std::invoke_result_t<Work&, const CancelToken&>>;
        // Written on the job thread, read on this one after the thread has been joined.
        auto result = std::make_shared<std::optional<Result>>();
        return launch(
            [work = std::move(work), result](const CancelToken& t) mutable {
                result->emplace(work(t));
            },
            [onResult = std::move(onResult), result]() mutable { onResult(std::move(**result)); },
            std::move(onError), std::move(token));
    }

    bool isBusy() const { return m_busy; }
    // Asks the running job to stop early. Deliberately not a slot: it must take effect
    // while the job thread is busy, without waiting for any event loop.
    void cancel() const { m_token.cancel(); }
    // The last job's token was cancelled (stays true until the next start).
    bool isCancelling() const { return m_token.cancelled(); }
    // Names the database in the message for a StoreError of the next job.
    void setDatabasePath(const QString& path) { m_dbPath = path; }

    // From the job thread: emits progress(), which reaches receivers on their own threads
    // before the job's outcome does.
    void reportProgress(qint64 done, qint64 total) { Q_EMIT progress(done, total); }
    // From the job thread: runs fn on this object's thread, before the job's outcome is
    // delivered; dropped if the helper is gone by then.
    template <class F>
    void post(F fn) {
        QMetaObject::invokeMethod(this, std::move(fn), Qt::QueuedConnection);
    }

Q_SIGNALS:
    void progress(qint64 done, qint64 total);
    void failed(const QString& message);
    // After every job, once its outcome has been delivered.
    void ended();

private:
    bool launch(std::function<void(const CancelToken&)> work, std::function<void()> deliver,
                ErrorHandler onError, CancelToken token);
    void onThreadFinished();

    QThread m_thread;
    JobErrorText m_text;
    QString m_dbPath;
    CancelToken m_token;
    bool m_busy = false;
    std::function<void()> m_deliver;
    ErrorHandler m_onError;
    std::optional<QString> m_error;  // set on the job thread when the work threw
};

}  // namespace forgetlab::app
