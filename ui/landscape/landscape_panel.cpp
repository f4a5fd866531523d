#include "ui/landscape/landscape_panel.h"

#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include "ui/landscape/analysis_list.h"
#include "ui/landscape/checkpoint_timeline.h"
#include "ui/landscape/hessian_panel.h"
#include "ui/common/job_progress.h"
#include "ui/landscape/landscape_curves.h"
#include "ui/landscape/landscape_form.h"
#include "ui/landscape/landscape_heatmaps.h"

namespace forgetlab::ui {

namespace {

QGroupBox* group(const QString& title, QWidget* content) {
    auto* box = new QGroupBox(title);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(6, 4, 6, 6);
    layout->addWidget(content);
    return box;
}

}  // namespace

LandscapePanel::LandscapePanel(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("landscapePanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 4, 6, 4);
    layout->setSpacing(4);

    auto* head = new QHBoxLayout;
    m_runTitle = new QLabel(tr("<i>Select a run in the run list.</i>"));
    m_runTitle->setObjectName(QStringLiteral("landscapeRunTitle"));
    m_export = new QToolButton;
    m_export->setObjectName(QStringLiteral("landscapeExportButton"));
    m_export->setText(tr("Export"));
    m_export->setPopupMode(QToolButton::InstantPopup);
    m_export->setMenu(new QMenu(m_export));
    m_export->setEnabled(false);
    head->addWidget(m_runTitle, 1);
    head->addWidget(m_export);
    layout->addLayout(head);

    m_timeline = new CheckpointTimeline;
    layout->addWidget(m_timeline);
    m_form = new LandscapeForm;
    layout->addWidget(m_form);
    m_job = new JobProgress;
    layout->addWidget(m_job);

    m_views = new QStackedWidget;
    m_placeholder = new QLabel;
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setWordWrap(true);
    m_placeholder->setStyleSheet(QStringLiteral("QLabel { color: #757575; }"));
    m_curves = new LandscapeCurves;
    m_heatmaps = new LandscapeHeatmaps;
    m_views->addWidget(m_placeholder);
    m_views->addWidget(m_curves);
    m_views->addWidget(m_heatmaps);
    showPlaceholder(
        tr("Choose a checkpoint and press Compute landscape (Ctrl+L), or open a "
           "stored analysis below."));

    m_analyses = new AnalysisList;
    m_hessian = new HessianPanel;
    auto* bottom = new QSplitter(Qt::Horizontal);
    bottom->addWidget(group(tr("Stored analyses of this run"), m_analyses));
    bottom->addWidget(group(tr("Hessian spectrum (Ctrl+H)"), m_hessian));
    bottom->setStretchFactor(0, 1);
    bottom->setStretchFactor(1, 1);

    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(m_views);
    split->addWidget(bottom);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    split->setCollapsible(0, false);
    split->setSizes({560, 220});
    layout->addWidget(split, 1);
}

void LandscapePanel::setRunTitle(const QString& html) {
    m_runTitle->setText(html);
}

void LandscapePanel::showLandscape(const LandscapeResult& result, const QString& caption) {
    if (result.request.kind == "2d") {
        m_heatmaps->setResult(result, caption);
        m_views->setCurrentWidget(m_heatmaps);
    } else {
        m_curves->setResult(result, caption);
        m_views->setCurrentWidget(m_curves);
    }
    m_export->setEnabled(true);
}

void LandscapePanel::showPlaceholder(const QString& text) {
    m_placeholder->setText(text);
    m_views->setCurrentWidget(m_placeholder);
    m_export->setEnabled(false);
}

bool LandscapePanel::isShowingHeatmaps() const {
    return m_views->currentWidget() == m_heatmaps;
}

bool LandscapePanel::isShowingCurves() const {
    return m_views->currentWidget() == m_curves;
}

QCustomPlot* LandscapePanel::currentPlot() const {
    if (isShowingHeatmaps()) return m_heatmaps->plot();
    if (isShowingCurves()) return m_curves->plot();
    return nullptr;
}

void LandscapePanel::setBusy(bool busy) {
    m_form->computeButton()->setEnabled(!busy);
    m_hessian->computeButton()->setEnabled(!busy);
}

void LandscapePanel::setExportActions(const QList<QAction*>& actions) {
    m_export->menu()->clear();
    m_export->menu()->addActions(actions);
}

}  // namespace forgetlab::ui
