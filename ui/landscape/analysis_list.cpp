#include "ui/landscape/analysis_list.h"

#include <QDateTime>
#include <QHeaderView>

namespace forgetlab::ui {

namespace {
constexpr int kIndexRole = Qt::UserRole + 1;
}

AnalysisList::AnalysisList(QWidget* parent) : QTreeWidget(parent) {
    setObjectName(QStringLiteral("analysisList"));
    setColumnCount(4);
    setHeaderLabels({tr("Kind"), tr("Step"), tr("Settings"), tr("Created")});
    setRootIsDecorated(false);
    setUniformRowHeights(true);
    setAlternatingRowColors(true);
    setSelectionMode(QAbstractItemView::SingleSelection);
    header()->setStretchLastSection(false);
    header()->setSectionResizeMode(kKindColumn, QHeaderView::ResizeToContents);
    header()->setSectionResizeMode(kStepColumn, QHeaderView::ResizeToContents);
    header()->setSectionResizeMode(kSettingsColumn, QHeaderView::Stretch);
    header()->setSectionResizeMode(kCreatedColumn, QHeaderView::ResizeToContents);
    setToolTip(tr("Stored analyses of this run: click one to show it again"));
    auto chosen = [this](QTreeWidgetItem* item) {
        if (!item) return;
        const int i = item->data(kKindColumn, kIndexRole).toInt();
        if (i >= 0 && i < m_rows.size()) Q_EMIT analysisChosen(m_rows[i].table, m_rows[i].id);
    };
    connect(this, &QTreeWidget::itemClicked, this, chosen);
    connect(this, &QTreeWidget::itemActivated, this, chosen);
}

QString AnalysisList::kindText(const QString& kind) {
    if (kind == QLatin1String("2d")) return tr("2-D plane");
    if (kind == QLatin1String("1d")) return tr("1-D direction");
    if (kind == QLatin1String("interp")) return tr("interpolation");
    if (kind == QLatin1String("hessian")) return tr("Hessian");
    return kind;
}

void AnalysisList::setAnalyses(const QVector<StoredAnalysis>& rows) {
    m_rows = rows;
    clear();
    for (int i = 0; i < rows.size(); ++i) {
        const StoredAnalysis& a = rows[i];
        auto* item = new QTreeWidgetItem(this);
        item->setData(kKindColumn, kIndexRole, i);
        item->setText(kKindColumn, kindText(a.kind));
        item->setText(kStepColumn, QString::number(a.step));
        item->setTextAlignment(kStepColumn, Qt::AlignRight | Qt::AlignVCenter);
        item->setText(kSettingsColumn, a.cancelled ? a.settings + tr(" (cancelled)") : a.settings);
        const QDateTime when = QDateTime::fromString(a.created, Qt::ISODate);
        item->setText(kCreatedColumn, when.isValid() ? when.toLocalTime().toString(
                                                           QStringLiteral("yyyy-MM-dd HH:mm"))
                                                     : a.created);
        item->setToolTip(kSettingsColumn, a.settings);
    }
}

StoredAnalysis AnalysisList::analysisAt(int row) const {
    return row >= 0 && row < m_rows.size() ? m_rows[row] : StoredAnalysis{};
}

void AnalysisList::selectAnalysis(const QString& table, qint64 id) {
    for (int i = 0; i < topLevelItemCount(); ++i) {
        const int k = topLevelItem(i)->data(kKindColumn, kIndexRole).toInt();
        if (m_rows[k].table == table && m_rows[k].id == id) {
            setCurrentItem(topLevelItem(i));
            return;
        }
    }
}

}  // namespace forgetlab::ui
