#include "engine/optim/internal/sgd_optimizer.h"

namespace forgetlab {

SgdOptimizer::SgdOptimizer(std::vector<torch::Tensor> params, torch::optim::SGDOptions options)
    : torch::optim::Optimizer({torch::optim::OptimizerParamGroup(std::move(params))},
                              std::make_unique<torch::optim::SGDOptions>(options)) {
    TORCH_CHECK(options.lr() >= 0, "Invalid learning rate: ", options.lr());
    TORCH_CHECK(options.momentum() >= 0, "Invalid momentum value: ", options.momentum());
    TORCH_CHECK(options.weight_decay() >= 0,
                "Invalid weight_decay value: ", options.weight_decay());
    TORCH_CHECK(!options.nesterov() || (options.momentum() > 0 && options.dampening() == 0),
                "Nesterov momentum requires a momentum and zero dampening");
    m_buffers.resize(param_groups_.at(0).params().size());
}

torch::optim::SGDOptions& SgdOptimizer::options() {
    return static_cast<torch::optim::SGDOptions&>(param_groups_.at(0).options());
}

void SgdOptimizer::save(torch::serialize::OutputArchive& archive) const {
    archive.write("momentum_count", c10::IValue(static_cast<int64_t>(m_buffers.size())));
    for (size_t i = 0; i < m_buffers.size(); ++i)
        if (m_buffers[i].defined())
            archive.write("momentum_" + std::to_string(i), m_buffers[i], /*is_buffer=*/true);
}

void SgdOptimizer::load(torch::serialize::InputArchive& archive) {
    c10::IValue count;
    archive.read("momentum_count", count);
    TORCH_CHECK(count.toInt() == static_cast<int64_t>(m_buffers.size()), "the saved SGD state has ",
                count.toInt(), " momentum buffers, this optimizer ", m_buffers.size(),
                " parameters");
    const auto& params = param_groups_.at(0).params();
    for (size_t i = 0; i < m_buffers.size(); ++i) {
        torch::Tensor buf;
        if (archive.try_read("momentum_" + std::to_string(i), buf, /*is_buffer=*/true))
            m_buffers[i] = buf.detach().to(params[i].device()).contiguous();
        else
            m_buffers[i] = torch::Tensor();
    }
}

torch::Tensor SgdOptimizer::step(LossClosure closure) {
    torch::NoGradGuard noGrad;
    torch::Tensor loss;
    if (closure) {
        torch::AutoGradMode enable(true);
        loss = closure();
    }
    const auto& opt = options();
    const double lr = opt.lr(), momentum = opt.momentum(), wd = opt.weight_decay();
    const double dampening = opt.dampening();
    auto& params = param_groups_.at(0).params();
    for (size_t i = 0; i < params.size(); ++i) {
        torch::Tensor& p = params[i];
        if (!p.grad().defined()) continue;
        torch::Tensor d = p.grad();
        if (wd != 0) d = d.add(p, wd);
        if (momentum != 0) {
            torch::Tensor& buf = m_buffers[i];
            if (!buf.defined())
                buf = torch::clone(d).detach();
            else
                buf.mul_(momentum).add_(d, 1 - dampening);
            d = opt.nesterov() ? d.add(buf, momentum) : buf;
        }
        p.add_(d, -lr);
    }
    return loss;
}

}  // namespace forgetlab
