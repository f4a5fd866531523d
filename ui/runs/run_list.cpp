#include "ui/runs/run_list.h"

#include <QHeaderView>
#include <QMenu>
#include <QPainter>
#include <QPixmap>

#include "engine/core/names.h"

namespace forgetlab::ui {

namespace {

constexpr int kIdRole = Qt::UserRole + 1;
constexpr int kResumableRole = Qt::UserRole + 2;
constexpr int kResumeNoteRole = Qt::UserRole + 3;

QColor statusColor(const QString& word) {
    if (word == QLatin1String(status::kDone)) return QColor(0x2e, 0x7d, 0x32);
    if (word == QLatin1String(status::kRunning)) return QColor(0x15, 0x65, 0xc0);
    if (word == QLatin1String(status::kFailed) || word == QLatin1String(status::kDiverged))
        return QColor(0xc6, 0x28, 0x28);
    return QColor(0x61, 0x61, 0x61);
}

QIcon swatch(const QColor& color) {
    QPixmap pixmap(12, 12);
    pixmap.fill(Qt::transparent);
    if (color.isValid()) {
        QPainter p(&pixmap);
        p.setRenderHint(QPainter::Antialiasing);
        p.setPen(Qt::NoPen);
        p.setBrush(color);
        p.drawRoundedRect(QRectF(1, 1, 10, 10), 2, 2);
    }
    return QIcon(pixmap);
}

}  // namespace

RunList::RunList(QWidget* parent) : QTreeWidget(parent) {
    setObjectName(QStringLiteral("runList"));
    setColumnCount(4);
    setHeaderLabels({tr("Run"), tr("Name"), tr("Status"), tr("Forgetting")});
    headerItem()->setToolTip(kForgettingColumn,
                             tr("Upstream accuracy lost by fine-tuning (before − after)"));
    headerItem()->setToolTip(kIdColumn, tr("Check runs to overlay their curves"));
    setRootIsDecorated(false);
    setUniformRowHeights(true);
    setAlternatingRowColors(true);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setSortingEnabled(false);
    header()->setStretchLastSection(false);
    header()->setSectionResizeMode(kIdColumn, QHeaderView::ResizeToContents);
    header()->setSectionResizeMode(kNameColumn, QHeaderView::Stretch);
    header()->setSectionResizeMode(kStatusColumn, QHeaderView::ResizeToContents);
    header()->setSectionResizeMode(kForgettingColumn, QHeaderView::ResizeToContents);

    connect(this, &QTreeWidget::itemChanged, this, [this](QTreeWidgetItem*, int column) {
        if (!m_filling && column == kIdColumn) Q_EMIT checkedRunsChanged();
    });
    connect(this, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem* item) {
        updateResumeAction();
        if (!m_filling)
            Q_EMIT currentRunChanged(item ? item->data(kIdColumn, kIdRole).toLongLong() : 0);
    });

    m_resume = new QAction(tr("&Resume run"), this);
    m_resume->setObjectName(QStringLiteral("resumeRunAction"));
    connect(m_resume, &QAction::triggered, this, [this] {
        if (const qint64 id = currentRunId(); id && m_resume->isEnabled())
            Q_EMIT resumeRequested(id);
    });
    updateResumeAction();
    setContextMenuPolicy(Qt::CustomContextMenu);
    connect(this, &QWidget::customContextMenuRequested, this, [this](const QPoint& pos) {
        if (QTreeWidgetItem* item = itemAt(pos)) setCurrentItem(item);
        QMenu menu(this);
        menu.setToolTipsVisible(true);
        menu.addAction(m_resume);
        menu.exec(viewport()->mapToGlobal(pos));
    });
}

void RunList::setResumeAllowed(bool allowed) {
    m_resumeAllowed = allowed;
    updateResumeAction();
}

void RunList::updateResumeAction() {
    if (!m_resume) return;
    QTreeWidgetItem* item = currentItem();
    const bool resumable = item && item->data(kIdColumn, kResumableRole).toBool();
    m_resume->setEnabled(resumable && m_resumeAllowed);
    QString tip = tr("Only a run that ended early (interrupted, failed or stopped) can be resumed");
    if (item && !resumable) {
        const QString note = item->data(kIdColumn, kResumeNoteRole).toString();
        if (!note.isEmpty()) tip = note;
    } else if (item && !m_resumeAllowed) {
        tip = tr("Wait for the running experiment to end");
    } else if (item) {
        tip =
            tr("Go on from the last resume point (eval.checkpoint_every); the run's curves "
               "continue");
    }
    m_resume->setToolTip(tip);
    m_resume->setStatusTip(tip);
}

QTreeWidgetItem* RunList::itemFor(qint64 id) const {
    for (int i = 0; i < topLevelItemCount(); ++i) {
        QTreeWidgetItem* item = topLevelItem(i);
        if (item->data(kIdColumn, kIdRole).toLongLong() == id) return item;
    }
    return nullptr;
}

void RunList::setRuns(const QList<RunRow>& runs) {
    const QList<qint64> checked = checkedRunIds();
    const qint64 current = currentRunId();
    m_filling = true;
    clear();
    for (const RunRow& run : runs) {
        auto* item = new QTreeWidgetItem(this);
        item->setData(kIdColumn, kIdRole, run.id);
        item->setData(kIdColumn, kResumableRole, run.resumable);
        item->setData(kIdColumn, kResumeNoteRole, run.resumeNote);
        item->setText(kIdColumn, QStringLiteral("#%1").arg(run.id));
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(kIdColumn, checked.contains(run.id) ? Qt::Checked : Qt::Unchecked);
        item->setText(kNameColumn, run.name);
        item->setText(kStatusColumn, run.status);
        item->setForeground(kStatusColumn, statusColor(run.status));
        if (run.forgetting) {
            item->setText(kForgettingColumn,
                          QStringLiteral("%1 pts").arg(*run.forgetting * 100.0, 0, 'f', 1));
            item->setTextAlignment(kForgettingColumn, Qt::AlignRight | Qt::AlignVCenter);
        }
        QString tip = tr("#%1 %2\ncreated %3").arg(run.id).arg(run.name, run.created);
        if (!run.details.isEmpty()) tip += QLatin1Char('\n') + run.details;
        for (int c = 0; c < columnCount(); ++c) item->setToolTip(c, tip);
        if (run.id == current) setCurrentItem(item);
    }
    m_filling = false;
    updateResumeAction();
    // Checked runs that disappeared (deleted, other database) change the overlay.
    if (checkedRunIds() != checked) Q_EMIT checkedRunsChanged();
    if (currentRunId() != current) Q_EMIT currentRunChanged(currentRunId());
}

QList<qint64> RunList::runIds() const {
    QList<qint64> ids;
    for (int i = 0; i < topLevelItemCount(); ++i)
        ids << topLevelItem(i)->data(kIdColumn, kIdRole).toLongLong();
    return ids;
}

QList<qint64> RunList::checkedRunIds() const {
    QList<qint64> ids;
    for (int i = 0; i < topLevelItemCount(); ++i) {
        QTreeWidgetItem* item = topLevelItem(i);
        if (item->checkState(kIdColumn) == Qt::Checked)
            ids << item->data(kIdColumn, kIdRole).toLongLong();
    }
    return ids;
}

void RunList::setChecked(qint64 id, bool checked) {
    if (QTreeWidgetItem* item = itemFor(id))
        item->setCheckState(kIdColumn, checked ? Qt::Checked : Qt::Unchecked);
}

qint64 RunList::currentRunId() const {
    QTreeWidgetItem* item = currentItem();
    return item ? item->data(kIdColumn, kIdRole).toLongLong() : 0;
}

qint64 RunList::targetRunId() const {
    if (const qint64 id = currentRunId()) return id;
    const QList<qint64> checked = checkedRunIds();
    return checked.size() == 1 ? checked.first() : 0;
}

void RunList::selectRun(qint64 id) {
    if (QTreeWidgetItem* item = itemFor(id)) {
        setCurrentItem(item);
        scrollToItem(item);
    }
}

QString RunList::runStatus(qint64 id) const {
    QTreeWidgetItem* item = itemFor(id);
    return item ? item->text(kStatusColumn) : QString();
}

void RunList::setRunColors(const QHash<qint64, QColor>& colors) {
    const bool filling = m_filling;
    m_filling = true;  // icons are not a check change
    for (int i = 0; i < topLevelItemCount(); ++i) {
        QTreeWidgetItem* item = topLevelItem(i);
        item->setIcon(kIdColumn, swatch(colors.value(item->data(kIdColumn, kIdRole).toLongLong())));
    }
    m_filling = filling;
}

}  // namespace forgetlab::ui
