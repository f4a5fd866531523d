#pragma once
// Engine-internal (includes torch). Targeted replay's choice: fine-tune a copy of the model
// for a few steps, measure the forgetting of a seeded probe of the tracked upstream
// examples, complete the rest of this task's row from a stored forgetting matrix (kNN over
// its tasks) and keep the replay_buffer examples predicted to be forgotten most.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/core/config.h"
#include "engine/core/run_control.h"
#include "engine/data/internal/tasks.h"
#include "engine/forgetting/forgetting_matrix.h"
#include "engine/models/internal/models.h"
#include "engine/train/internal/step_loop.h"

namespace forgetlab {

struct TargetedReplayChoice {
    std::vector<int64_t> indices;  // upstream training examples to replay, ascending
    std::string event_json;        // the "targeted_replay" event (matrix, probe, means)
};

// `ref` is the stored matrix (null: not loaded), `tracked` the tracked upstream examples and
// `lossBefore` their losses before fine-tuning. The probe stops on a stop request of
// `control`; its events go to `events`. Throws EndRun{failed} when the matrix is missing or
// tracks other examples.
TargetedReplayChoice selectTargetedReplay(
    const ExperimentConfig& cfg, const ForgetMatrix* ref, ForgetModel& model, const Task& up,
    const Task& down, const std::vector<int64_t>& tracked, const std::vector<float>& lossBefore,
    const RunControl* control,
    const std::function<void(const std::string&, int64_t, const std::string&)>& events);

}  // namespace forgetlab
