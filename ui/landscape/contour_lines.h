#pragma once
// Iso-lines of a function sampled on a rectangular grid (marching squares), for the
// contour lines drawn over the loss-landscape heatmaps. Segments are joined into
// polylines so each line can be drawn as one QCPCurve.

#include <QPointF>
#include <QVector>
#include <vector>

namespace forgetlab::ui {

struct ContourLine {
    double level = 0.0;
    QVector<QPointF> points;  // (x, y) in data coordinates; closed lines repeat the first point
};

// values are row-major: values[j * xs.size() + i] is the value at (xs[i], ys[j]).
// Non-finite values leave a hole (no segment touches them).
QVector<ContourLine> contourLines(const std::vector<double>& xs, const std::vector<double>& ys,
                                  const std::vector<double>& values, const QVector<double>& levels);

// count levels strictly between lower and upper, evenly spaced (geometrically when
// logarithmic, which needs lower > 0).
QVector<double> contourLevels(double lower, double upper, int count, bool logarithmic);

}  // namespace forgetlab::ui
