#pragma once
// Engine-internal (includes torch). Sharpness-aware minimization as a LibTorch optimizer
// that wraps any base optimizer (SCIENCE.md section 1):
//   SAM:  e = rho * g / (||g|| + 1e-12)
//   ASAM: e = rho * T^2 g / (||T g|| + 1e-12), T = |w| + eta for weight tensors (dim >= 2),
//         T = 1 for biases and other 1-D parameters.
// step(closure): closure computes the loss and gradients (it must zero them first);
// g = grad at w, w <- w + e, g' = grad at w + e on the same batch, w restored bit-exactly,
// then the base optimizer steps with g'. Returns the loss of the first pass.

#include <memory>
#include <vector>

#include <torch/torch.h>

namespace forgetlab {

struct SamOptions : public torch::optim::OptimizerCloneableOptions<SamOptions> {
    explicit SamOptions(double rho = 0.05) : rho_(rho) {}
    TORCH_ARG(double, rho);
    TORCH_ARG(bool, adaptive) = false;  // ASAM
    TORCH_ARG(double, eta) = 0.01;      // ASAM
    // The base optimizer owns the learning rate; these forward to it only via SamOptimizer.
    double get_lr() const override { return 0.0; }
    void set_lr(const double) override {}
};

class SamOptimizer : public torch::optim::Optimizer {
public:
    SamOptimizer(std::vector<torch::Tensor> params, std::unique_ptr<torch::optim::Optimizer> base,
                 SamOptions options);
    torch::Tensor step(LossClosure closure) override;

    torch::optim::Optimizer& base() { return *m_base; }
    // The base optimizer's state (SAM itself keeps only per-step scratch; rho is a knob).
    void save(torch::serialize::OutputArchive& archive) const override { m_base->save(archive); }
    void load(torch::serialize::InputArchive& archive) override { m_base->load(archive); }
    SamOptions& samOptions();
    // Perturbation for the current gradients (exposed for tests and the sharpness metric).
    std::vector<torch::Tensor> perturbation();

private:
    std::unique_ptr<torch::optim::Optimizer> m_base;
    // Weights saved before the perturbation, one buffer per parameter, reused every step
    // (a vector, not LibTorch's string-keyed state map: this is on the hot path).
    std::vector<torch::Tensor> m_saved;
};

}  // namespace forgetlab
