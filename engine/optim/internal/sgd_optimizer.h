#pragma once
// Engine-internal (includes torch). SGD with momentum, Nesterov and weight decay, the same
// update as torch::optim::SGD (bit for bit):
//   d = g + wd * w;  buf = d (first step) or momentum * buf + d;
//   d = nesterov ? d + momentum * buf : buf;  w -= lr * d
// It exists for speed on small models, where LibTorch's SGD spends its time outside the
// arithmetic: it looks each parameter's state up by a string made from the tensor's
// address on every step. Here the momentum buffers sit in a vector beside the parameters.
// zero_grad is not virtual in LibTorch; zeroGrad() in optimizers.h is the fast equivalent.

#include <vector>

#include <torch/torch.h>

namespace forgetlab {

class SgdOptimizer : public torch::optim::Optimizer {
public:
    SgdOptimizer(std::vector<torch::Tensor> params, torch::optim::SGDOptions options);
    torch::Tensor step(LossClosure closure = nullptr) override;

    torch::optim::SGDOptions& options();
    // The momentum buffers, for resuming a run (the options come from its config).
    void save(torch::serialize::OutputArchive& archive) const override;
    void load(torch::serialize::InputArchive& archive) override;
    // Momentum buffer of parameter i (undefined before the first step).
    const torch::Tensor& momentumBuffer(size_t i) const { return m_buffers.at(i); }

private:
    std::vector<torch::Tensor> m_buffers;
};

}  // namespace forgetlab
