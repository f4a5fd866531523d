#pragma once
// EngineStep: the training step of the engine's Runner (engine/train/runner.cpp, trainPhase),
// rebuilt from the engine's own classes (MlpModel, makeOptimizer, taskLoss) on one fixed
// batch, so that benchmarks time exactly what a run does per step and nothing else.
// bench/reference/torch_reference.py builds the same model, batch and step in Python.

#include <cstdint>
#include <memory>
#include <vector>

#include <torch/torch.h>

#include "engine/core/config.h"
#include "engine/models/internal/models.h"

namespace forgetlab::bench {

struct StepSpec {
    std::vector<int64_t> sizes = {784, 256, 256, 10};  // inputs, hidden widths..., classes
    int64_t batch = 64;
    OptimizerConfig optimizer;  // defaults: SGD, lr 0.05, momentum 0.9, no SAM
    uint64_t seed = 0;
};

// Model-FLOPs of one training step: forward and backward matmuls, 6 * batch * sum(in*out).
double trainStepFlops(const StepSpec& spec);

// The fixed batch, drawn from torch's global generator (seed it first). Random normal
// inputs; targets random classes, or for 2-D points with 2 classes the XOR of the signs.
void makeBatch(const StepSpec& spec, torch::Tensor& input, torch::Tensor& target);

class EngineStep {
public:
    // Seeds torch, then builds the model (same init order as the Python reference) and the
    // batch.
    explicit EngineStep(const StepSpec& spec);

    // One step as the Runner does it: closure {zero_grad; loss; backward}, optimizer
    // step(closure), loss.item(). Returns the loss.
    double step();
    // Runs `steps` steps; returns the seconds they took.
    double run(int64_t steps);

private:
    std::shared_ptr<MlpModel> m_model;
    std::unique_ptr<torch::optim::Optimizer> m_optimizer;
    torch::Tensor m_input;
    torch::Tensor m_target;
    int m_head = 0;
};

}  // namespace forgetlab::bench
