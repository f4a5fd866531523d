#include "engine/measure/cl_metrics.h"

#include <algorithm>
#include <stdexcept>

namespace forgetlab {

ContinualMetrics continualMetrics(const AccuracyMatrix& r, const std::vector<double>& b) {
    const size_t t = r.size();
    for (const auto& row : r)
        if (row.size() != t) throw std::invalid_argument("the accuracy matrix must be T x T");
    if (!b.empty() && b.size() != t)
        throw std::invalid_argument("the initial accuracies must have one entry per task");
    ContinualMetrics m;
    if (t == 0) return m;
    const auto& last = r[t - 1];
    for (double v : last) m.avg_acc += v;
    m.avg_acc /= double(t);
    if (t == 1) return m;
    for (size_t j = 0; j + 1 < t; ++j) {
        double best = r[0][j];
        for (size_t l = 0; l + 1 < t; ++l) best = std::max(best, r[l][j]);
        m.forgetting += best - last[j];
        m.bwt += last[j] - r[j][j];
    }
    m.forgetting /= double(t - 1);
    m.bwt /= double(t - 1);
    if (!b.empty()) {
        for (size_t j = 1; j < t; ++j) m.fwt += r[j - 1][j] - b[j];
        m.fwt /= double(t - 1);
    }
    return m;
}

}  // namespace forgetlab
