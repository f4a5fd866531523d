#pragma once
// Engine-internal (includes torch). The one training step loop: every runner (the two-phase
// runner's pre-training and fine-tuning, each task of a sequence, the targeted-replay probe
// that forgetting sweeps and targeted replay run) trains through runSteps(), so waiting for
// Go, live knobs, the learning-rate schedule, the composed loss, SAM's closure, clipping and
// the divergence check are written once. What differs between runners is passed in: the
// reported step numbers, what their events say, and a hook after each step (metrics,
// evaluations, checkpoints).

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "engine/core/config.h"
#include "engine/core/run_control.h"
#include "engine/data/internal/tasks.h"
#include "engine/models/internal/models.h"
#include "engine/train/internal/strategies.h"

namespace forgetlab {

// Thrown inside a phase to end the run early with a given status.
struct EndRun {
    std::string status;
    std::string error;
};

// Blocks while paused (one step passes per step request); runs `snapshot` when one is
// requested. Returns false when a stop was requested.
bool waitForGo(RunControl& control, const std::function<void()>& snapshot);

// Applies one live knob between steps: knobs::kLr replaces the base learning rate (the
// schedule still scales it), knobs::kRho goes to SAM/ASAM, the rest to the strategies.
// Returns whether it took effect (it is recorded as an event either way).
bool applyKnob(const Knob& k, double& baseLr, torch::optim::Optimizer& optimizer,
               StrategySet* strategies);

// Clips the gradients of the parameters that train (LoRA: the adapters only; frozen
// parameters' gradients are left untouched) to a total 2-norm of maxNorm; 0 = no clipping.
void clipTrainableGradients(torch::nn::Module& model, double maxNorm);

// A frozen copy of a model's current weights (the LwF teacher, the targeted-replay probe),
// adapters included.
std::shared_ptr<ForgetModel> frozenCopy(ForgetModel& model, const ModelConfig& config,
                                        const std::vector<int>& heads);

// One training phase for runSteps().
struct StepPhase {
    const Task* task = nullptr;  // batches from task->train, on task->head
    BatchSampler* sampler = nullptr;
    int64_t steps = 0;                           // local steps 1..steps; the schedule spans them
    int64_t first_reported = 1;                  // the step number recorded for local step 1
    const OptimizerConfig* optimizer = nullptr;  // lr, schedule, warm-up, gradient clipping
    // Live control: waited on before each step (pause, single step, snapshot, stop) and
    // its knobs applied. Null: the phase runs without pausing or knobs, and only a stop
    // request (stop_only) ends it.
    RunControl* control = nullptr;
    const RunControl* stop_only = nullptr;
    std::function<void()> snapshot;  // a snapshot request while waiting (may be empty)
    // Merged into the "knob" and "diverged" events ({"phase": ...} or {"task": i}).
    nlohmann::json event_context = nlohmann::json::object();
    // Where the run diverged, for the error message ("at fine-tuning step 12").
    std::function<std::string(int64_t reportedStep)> where;
    // Whether the configured schedule sets the learning rate each step (false: the
    // optimizer keeps the rate it was built with).
    bool schedule = true;
    bool clip = true;  // whether optimizer->grad_clip applies
};

struct StepDone {
    int64_t local = 0;     // 1..steps
    int64_t reported = 0;  // first_reported + local - 1
    double loss = 0.0;     // the training loss of this step (SAM: at w, the first pass)
    double lr = 0.0;       // the learning rate it used
};

// Trains `phase.steps` steps of `model` with `optimizer` (and `strategies` composing the
// batch and adding their penalties when not null). Calls afterStep after every step; events
// go to `events` (kind, reported step, JSON). Throws EndRun{stopped} on a stop request and
// EndRun{diverged} when the loss is not finite (after recording a "diverged" event).
void runSteps(ForgetModel& model, torch::optim::Optimizer& optimizer, StrategySet* strategies,
              const StepPhase& phase,
              const std::function<void(const std::string& kind, int64_t step,
                                       const std::string& json)>& events,
              const std::function<void(const StepDone&)>& afterStep);

}  // namespace forgetlab
