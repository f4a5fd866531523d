#pragma once
// A seed set: one configuration run once per seed (first, first + 1, ...) to tell a real
// effect from seed noise. The CLI's `run --seeds N` and the GUI's "Run over seeds…" both
// take their members' configs and run names from here, so the same set has the same
// names in the database whichever front end ran it, and both report the same mean ± std
// (the sample standard deviation, n - 1: a handful of seeds is a small sample). Plain C++.
//
// The GUI runs each member through its normal Start path (one live run at a time):
//     const ExperimentConfig c = seedConfig(base, base.seed + unsigned(index));
// and the band of the finished members' curves with meanAndStd per step. The CLI runs
// the whole set with runSeedSet and aggregates the summaries with meanAndStd.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/core/config.h"
#include "engine/core/run_control.h"
#include "engine/core/run_types.h"
#include "engine/sessions/run_session.h"
#include "engine/store/store.h"

namespace forgetlab {

// "<name> seed <seed>".
std::string seedRunName(const std::string& baseName, unsigned seed);

// The member of the set that runs with `seed`: `base` with that seed and seedRunName.
ExperimentConfig seedConfig(const ExperimentConfig& base, unsigned seed);

// The members for seeds firstSeed .. firstSeed + count - 1, in that order. A set of one
// is a plain run and keeps the base name (`run` without --seeds names its run as
// the config does).
std::vector<ExperimentConfig> seedSetConfigs(const ExperimentConfig& base, unsigned firstSeed,
                                             int count);

// Runs the members of seedSetConfigs(base, firstSeed, count) one after another with
// runAndRecord; stops early (before the next member) once control asks to stop.
// `onRunDone` sees each summary as it comes. Returns the summaries of the runs made.
std::vector<RunSummary> runSeedSet(const ExperimentConfig& base, unsigned firstSeed, int count,
                                   Store& store, RunControl& control, MetricSink* live = nullptr,
                                   const SessionOptions& options = {},
                                   const std::function<void(const RunSummary&)>& onRunDone = {});

struct MeanStd {
    double mean = 0.0;
    double std = 0.0;  // sample standard deviation (n - 1); 0 for fewer than two values
};

// Mean and sample standard deviation of the members' values of one quantity; both 0 for
// no values.
MeanStd meanAndStd(const std::vector<double>& values);

}  // namespace forgetlab
