#pragma once
// Learning-rate schedules: constant or cosine decay to zero, optionally after a linear
// warm-up from 0. Plain C++.

#include <cstdint>
#include <string>

namespace forgetlab {

// Learning rate for step (0-based) of totalSteps, given the base rate.
double scheduledLr(const std::string& schedule, int warmupSteps, double baseLr, int64_t step,
                   int64_t totalSteps);

}  // namespace forgetlab
