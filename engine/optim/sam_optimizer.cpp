#include "engine/optim/internal/sam_optimizer.h"

namespace forgetlab {

SamOptimizer::SamOptimizer(std::vector<torch::Tensor> params,
                           std::unique_ptr<torch::optim::Optimizer> base, SamOptions options)
    : torch::optim::Optimizer({torch::optim::OptimizerParamGroup(std::move(params))},
                              std::make_unique<SamOptions>(options)),
      m_base(std::move(base)) {
    TORCH_CHECK(m_base, "SAM needs a base optimizer");
    TORCH_CHECK(options.rho() >= 0, "Invalid SAM rho: ", options.rho());
    TORCH_CHECK(options.eta() >= 0, "Invalid ASAM eta: ", options.eta());
}

SamOptions& SamOptimizer::samOptions() {
    return static_cast<SamOptions&>(param_groups_.at(0).options());
}

std::vector<torch::Tensor> SamOptimizer::perturbation() {
    torch::NoGradGuard noGrad;
    const SamOptions& opt = samOptions();
    const auto& params = param_groups_.at(0).params();
    // Scale per tensor: T for ASAM (weights only), 1 otherwise.
    std::vector<torch::Tensor> scaled;  // T g
    std::vector<torch::Tensor> tsq;     // T^2 g
    std::vector<torch::Tensor> sqNorms;
    for (const auto& p : params) {
        if (!p.grad().defined()) {
            scaled.emplace_back();
            tsq.emplace_back();
            continue;
        }
        const torch::Tensor& g = p.grad();
        if (opt.adaptive() && p.dim() >= 2) {
            torch::Tensor t = p.abs() + opt.eta();
            scaled.push_back(t * g);
            tsq.push_back(t * t * g);
        } else {
            scaled.push_back(g);
            tsq.push_back(g);
        }
        sqNorms.push_back(scaled.back().pow(2).sum().to(torch::kFloat64));
    }
    // One reduction and one read-back for the global norm, not one per tensor.
    const double sq = sqNorms.empty() ? 0.0 : torch::stack(sqNorms).sum().item<double>();
    const double scale = opt.rho() / (std::sqrt(sq) + 1e-12);
    std::vector<torch::Tensor> e;
    for (const auto& t : tsq) e.push_back(t.defined() ? t * scale : torch::Tensor());
    return e;
}

torch::Tensor SamOptimizer::step(LossClosure closure) {
    TORCH_CHECK(closure, "SAM needs a closure that recomputes loss and gradients");
    torch::Tensor loss;
    {
        torch::AutoGradMode enable(true);
        loss = closure();  // g at w
    }
    auto& params = param_groups_.at(0).params();
    // The same e as perturbation(), applied in place: no per-step temporaries beyond the
    // norms, and the weights saved into buffers that live as long as the optimizer.
    std::vector<bool> perturbed(params.size(), false);
    {
        torch::NoGradGuard noGrad;
        const SamOptions& opt = samOptions();
        if (m_saved.size() != params.size()) m_saved.assign(params.size(), torch::Tensor());
        std::vector<torch::Tensor> scale(params.size());  // ASAM's T per weight tensor
        std::vector<torch::Tensor> norms;
        norms.reserve(params.size());
        for (size_t i = 0; i < params.size(); ++i) {
            const torch::Tensor& g = params[i].grad();
            if (!g.defined()) continue;
            if (opt.adaptive() && params[i].dim() >= 2) {
                scale[i] = params[i].abs().add_(opt.eta());
                norms.push_back((scale[i] * g).norm());
            } else {
                norms.push_back(g.norm());
            }
        }
        // On a GPU the factor stays on the device (reading it back would make every step
        // wait for the device); on the CPU it is read, as it always was.
        const bool onDevice = !norms.empty() && norms.front().is_cuda();
        double factor = 0.0;
        torch::Tensor deviceFactor;
        if (onDevice) {
            const torch::Tensor sq = torch::stack(norms).to(torch::kFloat64).pow(2).sum();
            deviceFactor = (opt.rho() / (sq.sqrt() + 1e-12)).to(norms.front().scalar_type());
        } else {
            const double sq =
                norms.empty() ? 0.0
                              : torch::stack(norms).to(torch::kFloat64).pow(2).sum().item<double>();
            factor = opt.rho() / (std::sqrt(sq) + 1e-12);
        }
        for (size_t i = 0; i < params.size(); ++i) {
            torch::Tensor& p = params[i];
            const torch::Tensor& g = p.grad();
            if (!g.defined()) continue;
            if (!m_saved[i].defined() || !m_saved[i].sizes().equals(p.sizes()))
                m_saved[i] = p.detach().clone();
            else
                m_saved[i].copy_(p);
            if (onDevice) {
                torch::Tensor step = scale[i].defined() ? scale[i].mul_(scale[i]).mul_(g) : g * 1;
                p.add_(step.mul_(deviceFactor));  // the same e, the factor a tensor
            } else if (scale[i].defined()) {
                p.addcmul_(scale[i].mul_(scale[i]), g, factor);  // w += rho T^2 g / ||T g||
            } else {
                p.add_(g, factor);  // w += rho g / ||g||
            }
            perturbed[i] = true;
        }
    }
    {
        torch::AutoGradMode enable(true);
        closure();  // g' at w + e, same batch
    }
    {
        torch::NoGradGuard noGrad;
        for (size_t i = 0; i < params.size(); ++i)
            if (perturbed[i]) params[i].copy_(m_saved[i]);  // bit-exact restore
    }
    m_base->step();
    return loss;
}

}  // namespace forgetlab
