#include "ui/landscape/contour_lines.h"

#include <QHash>
#include <algorithm>
#include <cmath>
#include <utility>

namespace forgetlab::ui {

namespace {

// A crossing point is identified by the grid edge it lies on, so the two cells sharing
// an edge produce the same key and their segments can be joined exactly.
using EdgeKey = quint64;

EdgeKey edgeKey(size_t i, size_t j, bool vertical) {
    return (quint64(j) << 33) | (quint64(i) << 1) | (vertical ? 1u : 0u);
}

struct Segment {
    EdgeKey a, b;
};

}  // namespace

QVector<double> contourLevels(double lower, double upper, int count, bool logarithmic) {
    QVector<double> levels;
    if (count < 1 || !(upper > lower) || !std::isfinite(lower) || !std::isfinite(upper))
        return levels;
    if (logarithmic && lower <= 0) return levels;
    for (int k = 1; k <= count; ++k) {
        const double t = double(k) / (count + 1);
        levels << (logarithmic ? lower * std::pow(upper / lower, t) : lower + (upper - lower) * t);
    }
    return levels;
}

QVector<ContourLine> contourLines(const std::vector<double>& xs, const std::vector<double>& ys,
                                  const std::vector<double>& values,
                                  const QVector<double>& levels) {
    QVector<ContourLine> out;
    const size_t nx = xs.size(), ny = ys.size();
    if (nx < 2 || ny < 2 || values.size() != nx * ny) return out;
    auto v = [&](size_t i, size_t j) { return values[j * nx + i]; };

    for (double level : levels) {
        QHash<EdgeKey, QPointF> points;
        QVector<Segment> segments;
        // Crossing on the edge from (i, j) to the next corner along x (vertical = false)
        // or along y (vertical = true), linearly interpolated.
        auto crossing = [&](size_t i, size_t j, bool vertical) {
            const EdgeKey key = edgeKey(i, j, vertical);
            if (!points.contains(key)) {
                const size_t i2 = vertical ? i : i + 1, j2 = vertical ? j + 1 : j;
                const double v1 = v(i, j), v2 = v(i2, j2);
                const double t = v1 == v2 ? 0.5 : (level - v1) / (v2 - v1);
                points.insert(key,
                              QPointF(xs[i] + t * (xs[i2] - xs[i]), ys[j] + t * (ys[j2] - ys[j])));
            }
            return key;
        };
        for (size_t j = 0; j + 1 < ny; ++j) {
            for (size_t i = 0; i + 1 < nx; ++i) {
                const double c[4] = {v(i, j), v(i + 1, j), v(i + 1, j + 1), v(i, j + 1)};
                if (!std::isfinite(c[0]) || !std::isfinite(c[1]) || !std::isfinite(c[2]) ||
                    !std::isfinite(c[3]))
                    continue;
                int code = 0;
                for (int k = 0; k < 4; ++k) code |= (c[k] > level ? 1 : 0) << k;
                if (code == 0 || code == 15) continue;
                // Edges: bottom (i,j)->(i+1,j), right (i+1,j)->(i+1,j+1),
                //        top (i,j+1)->(i+1,j+1), left (i,j)->(i,j+1).
                const EdgeKey bottom = crossing(i, j, false);
                const EdgeKey right = crossing(i + 1, j, true);
                const EdgeKey top = crossing(i, j + 1, false);
                const EdgeKey left = crossing(i, j, true);
                const bool bottomCut = ((code >> 0) ^ (code >> 1)) & 1;
                const bool rightCut = ((code >> 1) ^ (code >> 2)) & 1;
                const bool topCut = ((code >> 2) ^ (code >> 3)) & 1;
                const bool leftCut = ((code >> 3) ^ (code >> 0)) & 1;
                QVector<EdgeKey> cut;
                if (bottomCut) cut << bottom;
                if (rightCut) cut << right;
                if (topCut) cut << top;
                if (leftCut) cut << left;
                if (cut.size() == 2) {
                    segments.push_back({cut[0], cut[1]});
                } else if (cut.size() == 4) {
                    // Saddle: decide by the centre value which corners connect.
                    const double centre = (c[0] + c[1] + c[2] + c[3]) / 4;
                    const bool centreAbove = centre > level;
                    const bool corner0Above = c[0] > level;
                    if (centreAbove == corner0Above) {
                        segments.push_back({bottom, right});
                        segments.push_back({top, left});
                    } else {
                        segments.push_back({bottom, left});
                        segments.push_back({right, top});
                    }
                }
            }
        }
        // Join segments into polylines through shared crossing points.
        QMultiHash<EdgeKey, int> byPoint;
        for (int s = 0; s < segments.size(); ++s) {
            byPoint.insert(segments[s].a, s);
            byPoint.insert(segments[s].b, s);
        }
        QVector<bool> used(segments.size(), false);
        auto nextSegment = [&](EdgeKey at) {
            for (auto it = byPoint.find(at); it != byPoint.end() && it.key() == at; ++it)
                if (!used[it.value()]) return it.value();
            return -1;
        };
        for (int s = 0; s < segments.size(); ++s) {
            if (used[s]) continue;
            used[s] = true;
            QVector<EdgeKey> chain = {segments[s].a, segments[s].b};
            // Grow forwards, then backwards.
            for (int pass = 0; pass < 2; ++pass) {
                while (true) {
                    const EdgeKey end = chain.back();
                    const int n = nextSegment(end);
                    if (n < 0) break;
                    used[n] = true;
                    chain.push_back(segments[n].a == end ? segments[n].b : segments[n].a);
                }
                std::reverse(chain.begin(), chain.end());
            }
            ContourLine line;
            line.level = level;
            line.points.reserve(chain.size());
            for (EdgeKey k : chain) line.points << points.value(k);
            out << line;
        }
    }
    return out;
}

}  // namespace forgetlab::ui
