#pragma once
// Engine-internal (includes torch). Pieces of the training loop shared by the two-phase
// runner and the task-sequence runner.

#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include <cmath>
#include <memory>
#include <vector>

#include <torch/torch.h>

#include "engine/models/internal/gpt_model.h"
#include "engine/models/internal/models.h"
#include "engine/optim/internal/optimizers.h"
#include "engine/core/run_control.h"
#include "engine/train/internal/strategies.h"

namespace forgetlab {

// Thrown inside a phase to end the run early with a given status.
struct EndRun {
    std::string status;
    std::string error;
};

// Blocks while paused (one step passes per step request); runs `snapshot` when one is
// requested. Returns false when a stop was requested.
inline bool waitForGo(RunControl& control, const std::function<void()>& snapshot) {
    while (true) {
        if (control.takeSnapshotRequest() && snapshot) snapshot();
        if (control.stopRequested()) return false;
        if (!control.paused()) return true;
        if (control.takeStepRequest()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

// Applies one live knob between steps: "lr" replaces the base learning rate (the schedule
// still scales it), "rho" goes to SAM/ASAM, the rest to the strategies. Returns whether it
// took effect (it is recorded as an event either way).
inline bool applyKnob(const Knob& k, double& baseLr, torch::optim::Optimizer& optimizer,
                      StrategySet* strategies) {
    if (k.name == "lr") {
        if (!(k.value > 0) || !std::isfinite(k.value)) return false;
        baseLr = k.value;
        return true;
    }
    if (k.name == "rho") return k.value >= 0 && setRho(optimizer, k.value);
    return strategies && strategies->setKnob(k.name, k.value);
}

// A frozen copy of a model's current weights (the LwF teacher), adapters included.
inline std::shared_ptr<ForgetModel> frozenCopy(ForgetModel& model, const ModelConfig& config,
                                               const std::vector<int>& heads) {
    auto copy = buildModel(config, heads);
    if (auto* gpt = dynamic_cast<GptModel*>(&model); gpt && gpt->hasLora())
        static_cast<GptModel&>(*copy).enableLora(gpt->loraConfig());
    torch::NoGradGuard noGrad;
    auto src = model.named_parameters(true), dst = copy->named_parameters(true);
    for (const auto& item : src) dst[item.key()].copy_(item.value());
    for (auto& p : copy->parameters()) p.requires_grad_(false);
    return copy;
}

}  // namespace forgetlab
