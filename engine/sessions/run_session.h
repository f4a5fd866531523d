#pragma once
// runAndRecord: the one way both front ends run an experiment: creates the run row in the
// store, streams metrics into it (batched) and into an optional live sink, writes
// checkpoints beside the database, and records the final status and summary.

#include <functional>

#include "engine/core/config.h"
#include "engine/core/run_control.h"
#include "engine/core/run_types.h"
#include "engine/store/store.h"
#include "engine/train/runner.h"

namespace forgetlab {

struct SessionOptions {
    int num_threads = 0;  // torch intra-op threads, 0 = default
    int flush_interval_ms = 250;
    // Called once the run row exists (before training starts), with its id.
    std::function<void(int64_t)> on_run_created;
};

// Blocking; never throws for training failures (they become status failed/diverged).
// Throws StoreError if the database cannot be written at all.
RunSummary runAndRecord(const ExperimentConfig& config, Store& store, RunControl& control,
                        MetricSink* live = nullptr, const SessionOptions& options = {});

// Runs `config` into the existing run row `runId` (the store's sink plus `live`) and
// finishes the row with the summary; the part runAndRecord and resumeAndRecord share. A
// non-empty `setupError` fails the run without training. Never throws for training failures;
// a database that stops accepting writes fails the run with the reason.
RunSummary recordIntoRun(Store& store, int64_t runId, const ExperimentConfig& config,
                         const RunnerOptions& runner, RunControl& control, MetricSink* live,
                         int flushIntervalMs, const std::string& setupError = "");

}  // namespace forgetlab
