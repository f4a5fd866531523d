#pragma once
// Connects stored runs to the analyses: which checkpoint of which run to load.

#include <cstdint>

#include "engine/analysis/analysis.h"
#include "engine/store/store.h"

namespace forgetlab {

// The model source for a run's checkpoint at `step`; step < 0 picks the final checkpoint
// (or, for a run without one, the latest). Fills the pre-trained file for interpolation.
// Throws std::runtime_error listing the available steps when there is none at `step`,
// and StoreError for an unknown run.
ModelSource modelSourceForRun(Store& store, int64_t runId, int64_t step = -1);

// The step of the checkpoint modelSourceForRun picks (same rules).
int64_t checkpointStepForRun(Store& store, int64_t runId, int64_t step = -1);

}  // namespace forgetlab
