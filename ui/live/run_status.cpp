#include "ui/live/run_status.h"

#include <QFontMetrics>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <cmath>

namespace forgetlab::ui {

RunStatus::RunStatus(QWidget* parent) : QWidget(parent) {
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 0, 4, 0);
    layout->setSpacing(14);
    m_phase = new QLabel;
    m_phase->setObjectName(QStringLiteral("statusPhase"));
    m_step = new QLabel;
    m_step->setObjectName(QStringLiteral("statusStep"));
    m_speed = new QLabel;
    m_speed->setObjectName(QStringLiteral("statusSpeed"));
    m_eta = new QLabel;
    m_eta->setObjectName(QStringLiteral("statusEta"));
    m_progress = new QProgressBar;
    m_progress->setObjectName(QStringLiteral("statusProgress"));
    m_progress->setFixedWidth(260);
    m_progress->setMaximumHeight(16);
    m_progress->setTextVisible(true);
    // Fixed widths, wide enough for the longest text: the bar does not jitter as the numbers
    // change, and a new number repaints only its label instead of re-laying out the status
    // bar at every live refresh.
    const QFontMetrics metrics = fontMetrics();
    const auto widthOf = [&metrics](const QString& text) {
        return metrics.horizontalAdvance(text) + 12;
    };
    m_step->setFixedWidth(widthOf(tr("step %1 / %2").arg(8888888).arg(8888888)));
    m_speed->setFixedWidth(widthOf(tr("%1 steps/s").arg(88888)));
    m_eta->setFixedWidth(widthOf(tr("ETA %1").arg(tr("%1 h %2 min").arg(888).arg(88))));
    layout->addWidget(m_phase);
    layout->addWidget(m_step);
    layout->addWidget(m_speed);
    layout->addWidget(m_eta);
    layout->addWidget(m_progress);
    layout->addStretch(1);
    setIdle(tr("Ready"));
}

QString RunStatus::formatDuration(double seconds) {
    if (seconds < 0 || !std::isfinite(seconds)) return QStringLiteral("—");
    const qint64 s = static_cast<qint64>(std::ceil(seconds));
    if (s < 60) return tr("%1 s").arg(s);
    if (s < 3600) return tr("%1 min %2 s").arg(s / 60).arg(s % 60);
    return tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
}

void RunStatus::setProgress(const RunProgress& p) {
    m_phase->setText(
        QStringLiteral("<b>%1</b>").arg(p.paused ? tr("paused (%1)").arg(p.phase) : p.phase));
    m_step->setText(p.total > 0 ? tr("step %1 / %2").arg(p.step).arg(p.total)
                                : tr("step %1").arg(p.step));
    m_speed->setText(
        p.stepsPerSecond > 0
            ? tr("%1 steps/s").arg(p.stepsPerSecond, 0, 'f', p.stepsPerSecond < 10 ? 1 : 0)
            : tr("— steps/s"));
    m_eta->setText(tr("ETA %1").arg(p.paused ? QStringLiteral("—") : formatDuration(p.etaSeconds)));
    m_progress->setVisible(true);
    // QProgressBar repaints itself at once on a new value; with updates off for the change it
    // is painted in the same pass as the live plots instead (setUpdatesEnabled(true) asks for
    // that paint).
    m_progress->setUpdatesEnabled(false);
    m_progress->setRange(0,
                         p.total > 0 ? static_cast<int>(std::min<int64_t>(p.total, INT32_MAX)) : 0);
    m_progress->setValue(static_cast<int>(std::min<int64_t>(p.step, INT32_MAX)));
    m_progress->setUpdatesEnabled(true);
    m_step->setVisible(true);
    m_speed->setVisible(true);
    m_eta->setVisible(true);
}

void RunStatus::setIdle(const QString& message) {
    m_phase->setText(message);
    m_step->clear();
    m_step->setVisible(false);
    m_speed->setVisible(false);
    m_eta->setVisible(false);
    m_progress->setVisible(false);
}

void RunStatus::setFinished(const RunSummary& summary) {
    const QString head = tr("Run #%1 %2 — %3 steps in %4")
                             .arg(summary.run_id)
                             .arg(QString::fromStdString(summary.status))
                             .arg(summary.steps)
                             .arg(formatDuration(summary.wall_seconds));
    if (summary.language) {
        // A language model forgets as a rising log-perplexity on the upstream text.
        setIdle(tr("%1, upstream log-perplexity %2 → %3 nats/token (downstream %4)")
                    .arg(head)
                    .arg(summary.upstream_logppl_before, 0, 'f', 3)
                    .arg(summary.upstream_logppl_after, 0, 'f', 3)
                    .arg(summary.downstream_logppl_after, 0, 'f', 3));
    } else {
        setIdle(tr("%1, forgetting %2 pts (upstream %3 → %4)")
                    .arg(head)
                    .arg(summary.forgetting * 100.0, 0, 'f', 1)
                    .arg(summary.upstream_acc_before, 0, 'f', 3)
                    .arg(summary.upstream_acc_after, 0, 'f', 3));
    }
}

QString RunStatus::stepText() const {
    return m_step->text();
}

}  // namespace forgetlab::ui
