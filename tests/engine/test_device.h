#pragma once
// The device the device-sensitive engine tests run on: FORGETLAB_TEST_DEVICE ("cuda" on a
// GPU machine, bench/gpu/check.sh), else the CPU. On the CPU series compare bit for bit; on
// a GPU within kGpuRelativeTolerance (docs/gpu.md says which operations are not
// bit-reproducible there).

#include <cmath>
#include <cstdlib>
#include <string>

namespace forgetlab::test {

inline std::string testDevice() {
    const char* d = std::getenv("FORGETLAB_TEST_DEVICE");
    return d && *d ? std::string(d) : std::string("cpu");
}

inline bool testOnCpu() {
    return testDevice() == "cpu";
}

constexpr double kGpuRelativeTolerance = 1e-4;

// Equal on the CPU; within the GPU tolerance elsewhere.
inline bool sameValue(double a, double b) {
    if (testOnCpu()) return a == b || (std::isnan(a) && std::isnan(b));
    return std::abs(a - b) <= kGpuRelativeTolerance * std::max({1.0, std::abs(a), std::abs(b)});
}

}  // namespace forgetlab::test
