#include "engine/train/internal/step_loop.h"

#include <chrono>
#include <cmath>
#include <limits>
#include <thread>

#include "engine/core/names.h"
#include "engine/models/internal/language_model.h"
#include "engine/optim/internal/optimizers.h"
#include "engine/optim/lr_schedule.h"
#include "engine/train/internal/device_placement.h"

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
    if (maxNorm <= 0) return;
    std::vector<torch::Tensor> params = trainableParameters(model);
    if (params.empty() || !params.front().is_cuda()) {
        torch::nn::utils::clip_grad_norm_(params, maxNorm);
        return;
    }
    // On a GPU the same rule without reading the norm back: the factor stays a tensor.
    std::vector<torch::Tensor> norms;
    for (const auto& p : params)
        if (p.grad().defined()) norms.push_back(p.grad().detach().norm(2));
    if (norms.empty()) return;
    const torch::Tensor total = torch::stack(norms).norm(2);
    const torch::Tensor factor = (maxNorm / (total + 1e-6)).clamp_max(1.0);
    for (auto& p : params)
        if (p.grad().defined()) p.grad().detach().mul_(factor);
}

std::shared_ptr<ForgetModel> frozenCopy(ForgetModel& model, const ModelConfig& config,
                                        const std::vector<int>& heads) {
    auto copy = buildModel(config, heads, model.inputShape());
    copy->to(deviceOf(model));
    copy->setAutocastBf16(model.autocastBf16());
    if (auto* lm = dynamic_cast<LanguageModel*>(&model); lm && lm->hasLora())
        static_cast<LanguageModel&>(*copy).enableLora(lm->loraConfig());
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
    double baseLr = phase.base_lr.value_or(oc.lr);
    const double clip = phase.clip ? oc.grad_clip : 0.0;
    model.train();
    // On the CPU each step's loss is read at once. On a GPU reading it would make the host
    // wait for the device every step, so the losses (and penalties) stay on the device and
    // are read back together every kReadEvery steps or kReadSeconds, at a stop and at the
    // end; the divergence check then names the first step that was not finite.
    const bool deferred = phase.defer_reads || deviceOf(model).is_cuda();
    constexpr size_t kReadEvery = 32;
    constexpr double kReadSeconds = 0.25;
    struct Pending {
        int64_t reported;
        torch::Tensor loss, penalty;
        double lr;
    };
    std::vector<Pending> pending;
    auto lastRead = std::chrono::steady_clock::now();
    auto diverged = [&](int64_t reported, double loss) {
        nlohmann::json ev = phase.event_context;
        ev["step"] = reported;
        ev["loss"] = std::isnan(loss) ? "nan" : "inf";
        events("diverged", reported, ev.dump());
        throw EndRun{status::kDiverged, std::string("loss became ") +
                                            (std::isnan(loss) ? "NaN" : "infinite") + " " +
                                            (phase.where ? phase.where(reported) : std::string()) +
                                            "; try a smaller learning rate"};
    };
    auto readPending = [&] {
        if (pending.empty()) return;
        std::vector<torch::Tensor> values;
        for (const Pending& p : pending) {
            values.push_back(p.loss.to(torch::kFloat64));
            values.push_back(p.penalty.defined() ? p.penalty.to(torch::kFloat64)
                                                 : torch::zeros({}, values.back().options()));
        }
        const torch::Tensor host = torch::stack(values).to(torch::kCPU);
        const double* v = host.data_ptr<double>();
        std::vector<Pending> done;
        done.swap(pending);
        lastRead = std::chrono::steady_clock::now();
        for (size_t i = 0; i < done.size(); ++i) {
            const double loss = v[2 * i];
            if (!std::isfinite(loss)) diverged(done[i].reported, loss);
            if (phase.on_losses)
                phase.on_losses(StepLosses{done[i].reported, loss, done[i].lr, v[2 * i + 1],
                                           done[i].penalty.defined()});
        }
    };
    for (int64_t s = phase.start_after + 1; s <= phase.steps; ++s) {
        const int64_t reported = phase.first_reported + s - 1;
        if (phase.control) {
            if (!waitForGo(*phase.control, phase.snapshot)) {
                readPending();
                throw EndRun{status::kStopped, ""};
            }
            for (const Knob& k : phase.control->takeKnobs()) {
                const bool applied = applyKnob(k, baseLr, optimizer, strategies);
                nlohmann::json ev = phase.event_context;
                ev["name"] = k.name;
                ev["value"] = k.value;
                ev["applied"] = applied;
                events("knob", reported - 1, ev.dump());  // applies from this step on
                if (phase.on_knob) phase.on_knob(k, applied);
            }
        } else if (phase.stop_only && phase.stop_only->stopRequested()) {
            readPending();
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
        const torch::Tensor lossTensor = optimizer.step(closure);
        torch::Tensor penalty = strategies ? strategies->lastPenaltyTensor() : torch::Tensor();
        StepDone done{s, reported, std::numeric_limits<double>::quiet_NaN(), lr, false, baseLr};
        if (!deferred) {
            const double loss = lossTensor.item<double>();
            if (!std::isfinite(loss)) diverged(reported, loss);
            done.loss = loss;
            done.loss_known = true;
            if (phase.on_losses)
                phase.on_losses(StepLosses{reported, loss, lr,
                                           penalty.defined() ? penalty.item<double>() : 0.0,
                                           penalty.defined()});
        } else {
            pending.push_back({reported, lossTensor.detach(), penalty, lr});
            const double since =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - lastRead).count();
            if (pending.size() >= kReadEvery || since >= kReadSeconds || s == phase.steps ||
                (phase.read_at && phase.read_at(s)))
                readPending();
        }
        afterStep(done);
    }
    readPending();
}

}  // namespace forgetlab
