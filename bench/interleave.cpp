#include "bench/interleave.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <thread>

#include "bench/other_load.h"

namespace forgetlab::bench {

namespace {

// Doubles the block until it lasts a quarter of the target, then scales it to the target.
// The doubling runs are the warm-up (allocator caches, lazily created optimizer state).
int64_t calibrate(const Workload& w, double blockSeconds) {
    int64_t units = 1;
    double secs = w.timed(units);
    while (secs < blockSeconds / 4 && units < (int64_t(1) << 40)) {
        units *= 2;
        secs = w.timed(units);
    }
    const double perUnit = secs / static_cast<double>(units);
    return std::max<int64_t>(1, static_cast<int64_t>(std::llround(blockSeconds / perUnit)));
}

}  // namespace

InterleaveResult measureInterleaved(const std::vector<Workload>& workloads,
                                    const InterleaveOptions& options) {
    const double start = nowSeconds();
    const size_t n = workloads.size();
    OtherLoad load;
    for (pid_t child : options.children) load.watch(child);
    std::vector<int64_t> units(n);
    for (size_t w = 0; w < n; ++w) units[w] = calibrate(workloads[w], options.blockSeconds);

    InterleaveResult kept, all;
    kept.rates.resize(n);
    all.rates.resize(n);
    double otherSum = 0;
    int total = 0;
    for (int r = 0; static_cast<int>(kept.rates[0].size()) < options.rounds; ++r) {
        load.restart();
        std::vector<double> round(n);
        for (size_t i = 0; i < n; ++i) {
            const size_t w = (static_cast<size_t>(r) + i) % n;
            std::this_thread::sleep_for(std::chrono::duration<double>(options.settleSeconds));
            workloads[w].timed(1);  // re-warms caches the other workload evicted
            const double secs = workloads[w].timed(units[w]);
            if (!(secs > 0)) throw std::runtime_error(workloads[w].name + ": no time measured");
            round[w] = static_cast<double>(units[w]) / secs;
        }
        const double other = load.coresSinceRestart();
        otherSum += other;
        ++total;
        const bool disturbed = other > options.maxOtherCores;
        std::fprintf(stderr, "round %d:", r);
        for (size_t w = 0; w < n; ++w) {
            std::fprintf(stderr, " %s %.4g/s", workloads[w].name.c_str(), round[w]);
            all.rates[w].push_back(round[w]);
            if (!disturbed) kept.rates[w].push_back(round[w]);
        }
        std::fprintf(stderr, "; others used %.2f cores%s\n", other, disturbed ? ": dropped" : "");
        if (disturbed) ++kept.dropped;
        if (r + 1 >= 3 && nowSeconds() - start > options.maxSeconds) break;
    }
    InterleaveResult& result = kept.rates[0].size() >= 3 ? kept : all;
    result.busy = kept.rates[0].size() < 3;
    result.dropped = kept.dropped;
    result.otherCores = total > 0 ? otherSum / total : 0;
    return result;
}

double median(std::vector<double> values) {
    if (values.empty()) return std::nan("");
    std::sort(values.begin(), values.end());
    const size_t m = values.size() / 2;
    return values.size() % 2 ? values[m] : 0.5 * (values[m - 1] + values[m]);
}

std::vector<double> perRoundRatios(const std::vector<double>& a, const std::vector<double>& b) {
    std::vector<double> out;
    for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) out.push_back(a[i] / b[i]);
    return out;
}

double nowSeconds() {
    using Clock = std::chrono::steady_clock;
    return std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
}

}  // namespace forgetlab::bench
