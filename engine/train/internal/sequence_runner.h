#pragma once
// Engine-internal. Trains a task sequence (config.sequence) one task after another and
// fills the summary's accuracy matrix and continual-learning metrics. Throws EndRun to
// end early (stopped, diverged); other exceptions propagate to Runner::run.

#include "engine/core/config.h"
#include "engine/core/run_control.h"
#include "engine/core/run_types.h"
#include "engine/train/internal/device_placement.h"
#include "engine/train/runner.h"

namespace forgetlab {

// The tasks of a sequence as task configs (task i uses head i when model.head is multi).
std::vector<TaskConfig> sequenceTasks(const SequenceConfig& sequence);

void runSequence(const ExperimentConfig& config, const RunnerOptions& options,
                 const RunDevice& device, MetricSink& sink, RunControl& control,
                 RunSummary& summary);

}  // namespace forgetlab
