#pragma once
// RunActions: the Start / Pause-Resume / Step / Stop commands as QActions (shared by the
// Run menu and the buttons under the setup panel) with their shortcuts, enabled according
// to the run's state.

#include <QObject>

class QAction;
class QWidget;

namespace forgetlab::ui {

class RunActions : public QObject {
    Q_OBJECT
public:
    enum class State { Idle, Running, Paused, Stopping };

    explicit RunActions(QWidget* window);

    QAction* start() const { return m_start; }
    QAction* pauseResume() const { return m_pause; }
    QAction* step() const { return m_step; }
    QAction* stop() const { return m_stop; }

    // canStart: the configuration is valid and a database is open.
    void setState(State state, bool canStart);
    State state() const { return m_state; }

    // Buttons bound to the actions, named startButton, pauseButton, stepButton, stopButton.
    QWidget* createButtonBar(QWidget* parent) const;

private:
    QAction* m_start;
    QAction* m_pause;
    QAction* m_step;
    QAction* m_stop;
    State m_state = State::Idle;
};

}  // namespace forgetlab::ui
