#pragma once
// JobProgress: the state of the one analysis job that may run at a time: what it is,
// a progress bar, Cancel, and how it ended (done, cancelled, failed).

#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;

namespace forgetlab::ui {

class JobProgress : public QWidget {
    Q_OBJECT
public:
    enum class State { Idle, Running, Done, Cancelled, Failed };

    explicit JobProgress(QWidget* parent = nullptr);

    void start(const QString& what);
    void setProgress(qint64 done, qint64 total);
    // The job ended; message says how.
    void finish(State state, const QString& message);
    void setMessage(const QString& message);  // without changing the state

    State state() const { return m_state; }
    bool isRunning() const { return m_state == State::Running; }
    QString message() const;
    QPushButton* cancelButton() const { return m_cancel; }

Q_SIGNALS:
    void cancelRequested();

private:
    QLabel* m_text;
    QProgressBar* m_bar;
    QPushButton* m_cancel;
    State m_state = State::Idle;
};

}  // namespace forgetlab::ui
