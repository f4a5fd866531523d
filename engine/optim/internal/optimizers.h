#pragma once
// Engine-internal (includes torch). Builds the configured optimizer (SGD, Adam, AdamW,
// each optionally wrapped in SAM or ASAM) and changes its live knobs.

#include <memory>
#include <vector>

#include <torch/torch.h>

#include "engine/core/config.h"

namespace forgetlab {

std::unique_ptr<torch::optim::Optimizer> makeOptimizer(std::vector<torch::Tensor> params,
                                                       const OptimizerConfig& config);

// Sets the learning rate of every parameter group (of the base optimizer under SAM).
void setLearningRate(torch::optim::Optimizer& optimizer, double lr);
// Sets SAM/ASAM rho; returns false if the optimizer does not use SAM.
bool setRho(torch::optim::Optimizer& optimizer, double rho);

// Zeroes every parameter's gradient, as Optimizer::zero_grad does (which is not virtual),
// without detaching each leaf gradient first; used by every training closure.
void zeroGrad(torch::optim::Optimizer& optimizer);

}  // namespace forgetlab
