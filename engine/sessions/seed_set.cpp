#include "engine/sessions/seed_set.h"

#include <cmath>

namespace forgetlab {

std::string seedRunName(const std::string& baseName, unsigned seed) {
    return baseName + " seed " + std::to_string(seed);
}

ExperimentConfig seedConfig(const ExperimentConfig& base, unsigned seed) {
    ExperimentConfig config = base;
    config.seed = seed;
    config.name = seedRunName(base.name, seed);
    return config;
}

std::vector<ExperimentConfig> seedSetConfigs(const ExperimentConfig& base, unsigned firstSeed,
                                             int count) {
    std::vector<ExperimentConfig> members;
    if (count == 1) {
        ExperimentConfig only = base;
        only.seed = firstSeed;
        members.push_back(only);
        return members;
    }
    for (int k = 0; k < count; ++k) members.push_back(seedConfig(base, firstSeed + unsigned(k)));
    return members;
}

std::vector<RunSummary> runSeedSet(const ExperimentConfig& base, unsigned firstSeed, int count,
                                   Store& store, RunControl& control, MetricSink* live,
                                   const SessionOptions& options,
                                   const std::function<void(const RunSummary&)>& onRunDone) {
    std::vector<RunSummary> summaries;
    for (const ExperimentConfig& member : seedSetConfigs(base, firstSeed, count)) {
        if (control.stopRequested()) break;
        summaries.push_back(runAndRecord(member, store, control, live, options));
        if (onRunDone) onRunDone(summaries.back());
    }
    return summaries;
}

MeanStd meanAndStd(const std::vector<double>& values) {
    MeanStd out;
    if (values.empty()) return out;
    for (double v : values) out.mean += v;
    out.mean /= double(values.size());
    double ss = 0.0;
    for (double v : values) ss += (v - out.mean) * (v - out.mean);
    out.std = values.size() > 1 ? std::sqrt(ss / double(values.size() - 1)) : 0.0;
    return out;
}

}  // namespace forgetlab
