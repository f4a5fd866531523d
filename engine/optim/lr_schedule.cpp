#include "engine/optim/lr_schedule.h"

#include <algorithm>
#include <cmath>

namespace forgetlab {

double scheduledLr(const std::string& schedule, int warmupSteps, double baseLr, int64_t step,
                   int64_t totalSteps) {
    if (warmupSteps > 0 && step < warmupSteps)
        return baseLr * static_cast<double>(step + 1) / static_cast<double>(warmupSteps);
    if (schedule == "cosine") {
        const double span = static_cast<double>(std::max<int64_t>(1, totalSteps - warmupSteps));
        const double t = std::clamp(static_cast<double>(step - warmupSteps) / span, 0.0, 1.0);
        return baseLr * 0.5 * (1.0 + std::cos(M_PI * t));
    }
    return baseLr;
}

}  // namespace forgetlab
