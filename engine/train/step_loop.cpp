#include "engine/train/internal/step_loop.h"

#include <chrono>
#include <cmath>
#include <thread>

#include "engine/core/names.h"
#include "engine/models/internal/gpt_model.h"
#include "engine/optim/internal/optimizers.h"
#include "engine/optim/lr_schedule.h"

namespace forgetlab {

bool waitForGo(RunControl& control, const std::function<void()>& snapshot) {
    while (true) {
        if (control.takeSnapshotRequest() && snapshot) snapshot();
        if (control.stopRequested()) return false;
        if (!control.paused()) return true;
        if (control.takeStepRequest()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

bool applyKnob(const Knob& k, double& baseLr, torch::optim::Optimizer& optimizer,
               StrategySet* strategies) {
    if (k.name == knobs::kLr) {
        if (!(k.value > 0) || !std::isfinite(k.value)) return false;
        baseLr = k.value;
        return true;
    }
    if (k.name == knobs::kRho) return k.value >= 0 && setRho(optimizer, k.value);
    return strategies && strategies->setKnob(k.name, k.value);
}

void clipTrainableGradients(torch::nn::Module& model, double maxNorm) {
    if (maxNorm > 0) torch::nn::utils::clip_grad_norm_(trainableParameters(model), maxNorm);
}

std::shared_ptr<ForgetModel> frozenCopy(ForgetModel& model, const ModelConfig& config,
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

void runSteps(ForgetModel& model, torch::optim::Optimizer& optimizer, StrategySet* strategies,
              const StepPhase& phase,
              const std::function<void(const std::string& kind, int64_t step,
                                       const std::string& json)>& events,
              const std::function<void(const StepDone&)>& afterStep) {
    const OptimizerConfig& oc = *phase.optimizer;
    const Task& task = *phase.task;
    double baseLr = oc.lr;
    const double clip = phase.clip ? oc.grad_clip : 0.0;
    model.train();
    for (int64_t s = 1; s <= phase.steps; ++s) {
        const int64_t reported = phase.first_reported + s - 1;
        if (phase.control) {
            if (!waitForGo(*phase.control, phase.snapshot)) throw EndRun{status::kStopped, ""};
            for (const Knob& k : phase.control->takeKnobs()) {
                const bool applied = applyKnob(k, baseLr, optimizer, strategies);
                nlohmann::json ev = phase.event_context;
                ev["name"] = k.name;
                ev["value"] = k.value;
                ev["applied"] = applied;
                events("knob", reported - 1, ev.dump());  // applies from this step on
            }
        } else if (phase.stop_only && phase.stop_only->stopRequested()) {
            throw EndRun{status::kStopped, ""};
        }
        double lr = baseLr;
        if (phase.schedule) {
            lr = scheduledLr(oc.schedule, oc.warmup_steps, baseLr, s - 1, phase.steps);
            setLearningRate(optimizer, lr);
        }
        const Batch batch = task.train.rows(phase.sampler->next(), task.head);
        // Composed once per step: SAM's two passes see the same mixed batch.
        MixedBatch mixed;
        if (strategies) mixed = strategies->compose(batch);
        auto closure = [&]() {
            zeroGrad(optimizer);
            torch::Tensor loss =
                strategies ? strategies->loss(model, mixed)
                           : taskLoss(model.forward(batch.input, batch.head), batch.target);
            loss.backward();
            clipTrainableGradients(model, clip);
            return loss;
        };
        const double loss = optimizer.step(closure).item<double>();
        if (!std::isfinite(loss)) {
            nlohmann::json ev = phase.event_context;
            ev["step"] = reported;
            ev["loss"] = std::isnan(loss) ? "nan" : "inf";
            events("diverged", reported, ev.dump());
            throw EndRun{status::kDiverged,
                         std::string("loss became ") + (std::isnan(loss) ? "NaN" : "infinite") +
                             " " + (phase.where ? phase.where(reported) : std::string()) +
                             "; try a smaller learning rate"};
        }
        afterStep(StepDone{s, reported, loss, lr});
    }
}

}  // namespace forgetlab
