#pragma once
// LandscapePanel: the "Landscape" tab: flatness on demand for the selected run. Top: the
// run and its checkpoint timeline, the landscape job form with its cost, the running
// job's progress and Cancel. Middle: the result (1-D curves or 2-D heatmaps). Bottom: the
// run's stored analyses and the Hessian panel. It only shows and asks; the application
// computes (on its own thread) and answers through the show* calls.

#include <QList>
#include <QString>
#include <QWidget>

#include "engine/analysis/analysis.h"

class QAction;
class QCustomPlot;
class QLabel;
class QStackedWidget;
class QToolButton;

namespace forgetlab::ui {

class AnalysisList;
class CheckpointTimeline;
class HessianPanel;
class JobProgress;
class LandscapeCurves;
class LandscapeForm;
class LandscapeHeatmaps;

class LandscapePanel : public QWidget {
    Q_OBJECT
public:
    explicit LandscapePanel(QWidget* parent = nullptr);

    void setRunTitle(const QString& html);
    void showLandscape(const LandscapeResult& result, const QString& caption);
    void showPlaceholder(const QString& text);
    bool isShowingHeatmaps() const;
    bool isShowingCurves() const;
    // The plot on screen (for PNG/PDF export), nullptr while the placeholder shows.
    QCustomPlot* currentPlot() const;
    // While a job runs, both Compute buttons are disabled.
    void setBusy(bool busy);
    // Actions offered by the Export button beside the result.
    void setExportActions(const QList<QAction*>& actions);

    CheckpointTimeline* timeline() const { return m_timeline; }
    LandscapeForm* form() const { return m_form; }
    JobProgress* job() const { return m_job; }
    LandscapeCurves* curves() const { return m_curves; }
    LandscapeHeatmaps* heatmaps() const { return m_heatmaps; }
    HessianPanel* hessian() const { return m_hessian; }
    AnalysisList* analyses() const { return m_analyses; }

private:
    QLabel* m_runTitle;
    CheckpointTimeline* m_timeline;
    LandscapeForm* m_form;
    JobProgress* m_job;
    QStackedWidget* m_views;
    QLabel* m_placeholder;
    LandscapeCurves* m_curves;
    LandscapeHeatmaps* m_heatmaps;
    HessianPanel* m_hessian;
    AnalysisList* m_analyses;
    QToolButton* m_export;
};

}  // namespace forgetlab::ui
