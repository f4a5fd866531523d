#include "ui/live/run_actions.h"

#include <QAction>
#include <QHBoxLayout>
#include <QStyle>
#include <QToolButton>
#include <QWidget>

namespace forgetlab::ui {

namespace {

QAction* makeAction(QWidget* window, const QString& text, QStyle::StandardPixmap icon,
                    const QList<QKeySequence>& keys, const QString& help, const char* name) {
    auto* action = new QAction(window->style()->standardIcon(icon), text, window);
    action->setObjectName(QString::fromLatin1(name));
    action->setShortcuts(keys);
    // Window-wide so the keys work whichever panel has focus.
    action->setShortcutContext(Qt::WindowShortcut);
    QStringList keyTexts;
    for (const QKeySequence& k : keys) keyTexts << k.toString(QKeySequence::NativeText);
    action->setToolTip(QStringLiteral("%1 (%2)").arg(help, keyTexts.join(QStringLiteral(", "))));
    action->setStatusTip(help);
    window->addAction(action);
    return action;
}

}  // namespace

RunActions::RunActions(QWidget* window) : QObject(window) {
    m_start =
        makeAction(window, tr("&Start"), QStyle::SP_MediaPlay, {QKeySequence(Qt::CTRL | Qt::Key_R)},
                   tr("Start fine-tuning with this setup"), "startAction");
    m_pause = makeAction(window, tr("&Pause"), QStyle::SP_MediaPause, {QKeySequence(Qt::Key_Space)},
                         tr("Pause or resume the run"), "pauseAction");
    m_step = makeAction(window, tr("S&tep"), QStyle::SP_MediaSkipForward,
                        {QKeySequence(Qt::CTRL | Qt::Key_Period), QKeySequence(Qt::Key_F10)},
                        tr("While paused: do exactly one more step"), "stepAction");
    m_stop = makeAction(
        window, tr("St&op"), QStyle::SP_MediaStop,
        {QKeySequence(Qt::SHIFT | Qt::Key_F5), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R)},
        tr("Stop the run, keeping everything recorded so far"), "stopAction");
    setState(State::Idle, false);
}

void RunActions::setState(State state, bool canStart) {
    m_state = state;
    const bool active = state == State::Running || state == State::Paused;
    m_start->setEnabled(state == State::Idle && canStart);
    m_pause->setEnabled(active);
    m_pause->setText(state == State::Paused ? tr("&Resume") : tr("&Pause"));
    m_pause->setIcon(static_cast<QWidget*>(parent())->style()->standardIcon(
        state == State::Paused ? QStyle::SP_MediaPlay : QStyle::SP_MediaPause));
    m_step->setEnabled(state == State::Paused);
    m_stop->setEnabled(active);
}

QWidget* RunActions::createButtonBar(QWidget* parent) const {
    auto* bar = new QWidget(parent);
    auto* layout = new QHBoxLayout(bar);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    const std::pair<QAction*, const char*> buttons[] = {{m_start, "startButton"},
                                                        {m_pause, "pauseButton"},
                                                        {m_step, "stepButton"},
                                                        {m_stop, "stopButton"}};
    for (const auto& [action, name] : buttons) {
        auto* button = new QToolButton(bar);
        button->setObjectName(QString::fromLatin1(name));
        button->setDefaultAction(action);
        button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
        button->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
        button->setMinimumHeight(30);
        layout->addWidget(button);
    }
    return bar;
}

}  // namespace forgetlab::ui
