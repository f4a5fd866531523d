#pragma once
// Plot styling shared by ForgetLab's plots: a palette whose neighbours are easy to tell
// apart (runs overlaid in one plot get consecutive colours), and the common look of a
// QCustomPlot (title, axis labels, legend, interactions).

#include <QColor>
#include <QString>

class QCustomPlot;
class QCPColorGradient;
class QCPColorMap;
class QCPColorScale;

namespace forgetlab::ui {

// Distinct colours for overlaid runs (Okabe-Ito-like, readable on white).
QColor runColor(int index);

// Title on top, a legend strip under it, labelled axes, drag/zoom enabled.
void stylePlot(QCustomPlot* plot, const QString& title, const QString& xLabel,
               const QString& yLabel);

// Perceptually uniform dark-blue -> yellow gradient (viridis) for loss heatmaps: low
// loss dark, high loss bright, readable in greyscale print too.
QCPColorGradient lossGradient();

// The look of a matrix heatmap: no zoom/drag, no legend, row 0 on top, no grid, no sub
// ticks, short outward ticks.
void styleMatrixPlot(QCustomPlot* plot);

// A colour scale for `map` to the right of the plot's axis rect (in the layout's last row),
// with the gradient and an axis label, its top and bottom aligned with the axis rect.
QCPColorScale* addColorScale(QCustomPlot* plot, QCPColorMap* map, const QCPColorGradient& gradient,
                             const QString& label);

}  // namespace forgetlab::ui
