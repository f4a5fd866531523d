#include "engine/optim/internal/optimizers.h"

#include "engine/core/allocator_tuning.h"
#include "engine/optim/internal/sam_optimizer.h"
#include "engine/optim/internal/sgd_optimizer.h"

namespace forgetlab {

namespace {

std::unique_ptr<torch::optim::Optimizer> makeBase(std::vector<torch::Tensor> params,
                                                  const OptimizerConfig& c) {
    if (c.name == "adam") {
        return std::make_unique<torch::optim::Adam>(params, torch::optim::AdamOptions(c.lr)
                                                                .betas({c.beta1, c.beta2})
                                                                .eps(c.eps)
                                                                .weight_decay(c.weight_decay));
    }
    if (c.name == "adamw") {
        return std::make_unique<torch::optim::AdamW>(params, torch::optim::AdamWOptions(c.lr)
                                                                 .betas({c.beta1, c.beta2})
                                                                 .eps(c.eps)
                                                                 .weight_decay(c.weight_decay));
    }
    TORCH_CHECK(c.name == "sgd", "unknown optimizer '", c.name, "'");
    return std::make_unique<SgdOptimizer>(params, torch::optim::SGDOptions(c.lr)
                                                      .momentum(c.momentum)
                                                      .nesterov(c.nesterov)
                                                      .weight_decay(c.weight_decay));
}

}  // namespace

std::unique_ptr<torch::optim::Optimizer> makeOptimizer(std::vector<torch::Tensor> params,
                                                       const OptimizerConfig& c) {
    tuneAllocatorOnce();
    auto base = makeBase(params, c);
    if (c.sam == "none") return base;
    SamOptions opts(c.rho);
    opts.adaptive(c.sam == "asam").eta(c.asam_eta);
    return std::make_unique<SamOptimizer>(std::move(params), std::move(base), opts);
}

void setLearningRate(torch::optim::Optimizer& optimizer, double lr) {
    torch::optim::Optimizer* target = &optimizer;
    if (auto* sam = dynamic_cast<SamOptimizer*>(&optimizer)) target = &sam->base();
    for (auto& group : target->param_groups()) group.options().set_lr(lr);
}

bool setRho(torch::optim::Optimizer& optimizer, double rho) {
    auto* sam = dynamic_cast<SamOptimizer*>(&optimizer);
    if (!sam) return false;
    sam->samOptions().rho(rho);
    return true;
}

void zeroGrad(torch::optim::Optimizer& optimizer) {
    for (auto& group : optimizer.param_groups())
        for (auto& p : group.params()) {
            torch::Tensor& g = p.mutable_grad();
            if (!g.defined()) continue;
            if (g.grad_fn()) g.detach_();  // only after backward(create_graph=true)
            g.zero_();
        }
}

}  // namespace forgetlab
