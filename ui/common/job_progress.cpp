#include "ui/common/job_progress.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QStyle>
#include <algorithm>

namespace forgetlab::ui {

JobProgress::JobProgress(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("jobProgress"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_text = new QLabel(tr("No analysis running."));
    m_text->setObjectName(QStringLiteral("jobStatus"));
    m_bar = new QProgressBar;
    m_bar->setObjectName(QStringLiteral("jobProgressBar"));
    m_bar->setRange(0, 1);
    m_bar->setValue(0);
    m_bar->setMaximumWidth(260);
    m_bar->setFormat(QStringLiteral("%v / %m"));
    m_cancel = new QPushButton(style()->standardIcon(QStyle::SP_DialogCancelButton), tr("Cancel"));
    m_cancel->setObjectName(QStringLiteral("cancelJobButton"));
    m_cancel->setToolTip(tr("Stop the analysis after the evaluation in progress"));
    m_cancel->setEnabled(false);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_bar);
    layout->addWidget(m_cancel);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        m_cancel->setEnabled(false);
        m_text->setText(m_text->text() + tr(" — cancelling…"));
        Q_EMIT cancelRequested();
    });
}

void JobProgress::start(const QString& what) {
    m_state = State::Running;
    m_text->setText(what);
    m_text->setStyleSheet(QString());
    m_bar->setRange(0, 0);  // busy until the first progress report
    m_cancel->setEnabled(true);
}

void JobProgress::setProgress(qint64 done, qint64 total) {
    if (total <= 0) return;
    m_bar->setRange(0, int(total));
    m_bar->setValue(int(std::min(done, total)));
}

void JobProgress::finish(State state, const QString& message) {
    m_state = state;
    m_cancel->setEnabled(false);
    if (m_bar->maximum() == 0) m_bar->setRange(0, 1);
    if (state == State::Done) m_bar->setValue(m_bar->maximum());
    m_text->setText(message);
    m_text->setStyleSheet(state == State::Failed      ? QStringLiteral("color: #c62828;")
                          : state == State::Cancelled ? QStringLiteral("color: #8d6e00;")
                                                      : QString());
}

void JobProgress::setMessage(const QString& message) {
    m_text->setText(message);
}

QString JobProgress::message() const {
    return m_text->text();
}

}  // namespace forgetlab::ui
