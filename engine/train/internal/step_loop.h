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
#include <optional>
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

// A step's figures as read back from the device.
struct StepLosses {
    int64_t reported = 0;
    double loss = 0.0;
    double lr = 0.0;
    double penalty = 0.0;      // the strategies' penalty (0 without one)
    bool has_penalty = false;  // whether strategies computed a penalty this step
};

// One training phase for runSteps().
struct StepPhase {
    const Task* task = nullptr;  // batches from task->train, on task->head
    BatchSampler* sampler = nullptr;
    int64_t steps = 0;           // local steps 1..steps; the schedule spans them
    int64_t first_reported = 1;  // the step number recorded for local step 1
    // Local steps already done (a resumed run): local steps start_after+1..steps run, and
    // the schedule still spans 1..steps.
    int64_t start_after = 0;
    // The base learning rate to start from (a resumed run's, its lr knobs included);
    // empty: optimizer->lr.
    std::optional<double> base_lr;
    const OptimizerConfig* optimizer = nullptr;  // lr, schedule, warm-up, gradient clipping
    // Live control: waited on before each step (pause, single step, snapshot, stop) and
    // its knobs applied. Null: the phase runs without pausing or knobs, and only a stop
    // request (stop_only) ends it.
    RunControl* control = nullptr;
    const RunControl* stop_only = nullptr;
    std::function<void()> snapshot;  // a snapshot request while waiting (may be empty)
    // Each live knob taken, once applied (or refused), e.g. to keep it for a resume point.
    std::function<void(const Knob&, bool applied)> on_knob;
    // Merged into the "knob" and "diverged" events ({"phase": ...} or {"task": i}).
    nlohmann::json event_context = nlohmann::json::object();
    // Where the run diverged, for the error message ("at fine-tuning step 12").
    std::function<std::string(int64_t reportedStep)> where;
    // Whether the configured schedule sets the learning rate each step (false: the
    // optimizer keeps the rate it was built with).
    bool schedule = true;
    bool clip = true;  // whether optimizer->grad_clip applies
    // Each step's training loss, learning rate and strategy penalty once read back, in step
    // order: right after the step on the CPU, in groups on a GPU (before a stop or a
    // divergence ends the phase). May be empty.
    std::function<void(const StepLosses&)> on_losses;
    // Read losses back in groups, as on a GPU (where it is on by itself); for tests on the
    // CPU.
    bool defer_reads = false;
    // Steps after which the losses must be read at once (on a GPU), e.g. logging points.
    std::function<bool(int64_t local)> read_at;
};

struct StepDone {
    int64_t local = 0;     // 1..steps
    int64_t reported = 0;  // first_reported + local - 1
    // The training loss of this step (SAM: at w, the first pass) when loss_known; on a GPU
    // it is read later and arrives through StepPhase::on_losses.
    double loss = 0.0;
    double lr = 0.0;  // the learning rate it used
    bool loss_known = true;
    double base_lr = 0.0;  // the base learning rate (knobs included) the schedule scaled
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
