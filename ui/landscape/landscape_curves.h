#pragma once
// LandscapeCurves: the 1-D loss-landscape view (a random filter-normalised direction, or
// the straight line from the pre-trained to the fine-tuned weights). Upstream and
// downstream loss on one plot, accuracies optionally on the right axis, and vertical
// markers where the line passes through known weights (a = 0; on the interpolation line
// also a = 1).

#include <QString>
#include <QVector>
#include <QWidget>

#include "engine/analysis/analysis.h"

class QCheckBox;
class QCPAbstractItem;
class QCPGraph;
class QCustomPlot;

namespace forgetlab::ui {

class LandscapeCurves : public QWidget {
    Q_OBJECT
public:
    explicit LandscapeCurves(QWidget* parent = nullptr);

    // Shows a 1-D result (kind "1d" or "interp").
    void setResult(const LandscapeResult& result, const QString& caption);

    void setAccuraciesVisible(bool visible);
    bool accuraciesVisible() const { return m_showAcc; }

    QCustomPlot* plot() const { return m_plot; }
    // x positions of the vertical markers currently drawn.
    QVector<double> markerPositions() const { return m_markerXs; }
    QCPGraph* upLoss() const { return m_upLoss; }
    QCPGraph* downLoss() const { return m_downLoss; }

private:
    void clearMarkers();
    void addMarker(double x, const QString& text);

    QCustomPlot* m_plot;
    QCheckBox* m_accBox;
    QCPGraph* m_upLoss;
    QCPGraph* m_downLoss;
    QCPGraph* m_upAcc;
    QCPGraph* m_downAcc;
    QList<QCPAbstractItem*> m_markers;
    QVector<double> m_markerXs;
    bool m_showAcc = false;
};

}  // namespace forgetlab::ui
