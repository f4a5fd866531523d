#pragma once
// LandscapeHeatmaps: the 2-D loss-landscape view. The upstream and the downstream loss
// over the same plane (w + a·d1 + b·d2) as two heatmaps side by side, each with its colour
// bar, iso-loss contour lines, the analysed weights marked at (0, 0) and the flatness
// summaries (mean gradient magnitude, mean absolute curvature) of each surface.

#include <QString>
#include <QWidget>

#include "engine/analysis/analysis.h"

class QCheckBox;
class QCPColorMap;
class QCPColorScale;
class QCPAbstractPlottable;
class QCPAbstractItem;
class QCPAxisRect;
class QCPTextElement;
class QCustomPlot;
class QLabel;

namespace forgetlab::ui {

class LandscapeHeatmaps : public QWidget {
    Q_OBJECT
public:
    enum Side { kUpstream = 0, kDownstream = 1, kSideCount = 2 };

    explicit LandscapeHeatmaps(QWidget* parent = nullptr);

    // Shows a 2-D result (kind "2d"); caption names the run, checkpoint and settings.
    void setResult(const LandscapeResult& result, const QString& caption);
    bool hasResult() const { return m_hasResult; }

    // Options (also checkboxes above the plot).
    void setLogScale(bool logarithmic);
    bool logScale() const { return m_log; }
    void setSharedRange(bool shared);
    bool sharedRange() const { return m_shared; }
    void setContoursVisible(bool visible);
    bool contoursVisible() const { return m_contours; }

    QCustomPlot* plot() const { return m_plot; }
    QCPColorMap* colorMap(Side side) const { return m_maps[side]; }
    QCPColorScale* colorScale(Side side) const { return m_scales[side]; }
    int contourCount(Side side) const;
    QString flatnessText(Side side) const;

private:
    void buildPlot();
    void redraw();
    void clearOverlays();

    QCustomPlot* m_plot;
    QCheckBox* m_logBox;
    QCheckBox* m_sharedBox;
    QCheckBox* m_contourBox;
    QLabel* m_flatness[kSideCount];
    QCPAxisRect* m_rects[kSideCount] = {};
    QCPColorMap* m_maps[kSideCount] = {};
    QCPColorScale* m_scales[kSideCount] = {};
    QCPTextElement* m_titles[kSideCount] = {};
    QCPTextElement* m_caption = nullptr;
    QList<QCPAbstractPlottable*> m_contourCurves[kSideCount];
    QList<QCPAbstractItem*> m_items;

    LandscapeResult m_result;
    bool m_hasResult = false;
    bool m_log = false;
    bool m_shared = false;
    bool m_contours = true;
};

}  // namespace forgetlab::ui
