#pragma once
// Engine-internal (includes torch). The low-rank adapter every adaptable projection holds in
// its child module "lora": delta = (alpha / r) A B with A [in, r] (uniform ±1/sqrt(in), as
// peft) and B [r, out] = 0, so an adapter at initialisation adds exact zeros. GPT-2's Conv1D
// ([in, out] weights) and nn.Linear layouts ([out, in]) both use it.
#include <cmath>

#include <torch/torch.h>

namespace forgetlab {

class LoraAdapter {
public:
    void enable(torch::nn::Module& owner, int64_t in, int64_t out,
                const torch::TensorOptions& options, int rank, double alpha) {
        torch::Tensor a, b;
        {
            torch::NoGradGuard noGrad;
            const double bound = 1.0 / std::sqrt(double(in));
            a = torch::empty({in, rank}, options).uniform_(-bound, bound);
            b = torch::zeros({rank, out}, options);
        }
        auto holder = owner.register_module("lora", std::make_shared<torch::nn::Module>());
        m_a = holder->register_parameter("A", a);
        m_b = holder->register_parameter("B", b);
        m_scale = alpha / rank;
    }
    bool enabled() const { return m_a.defined(); }
    // The adapter's contribution to x's projection.
    torch::Tensor apply(const torch::Tensor& x) const {
        return m_scale * x.matmul(m_a).matmul(m_b);
    }
    // scale A B [in, out], detached.
    torch::Tensor delta() const {
        torch::NoGradGuard noGrad;
        return m_scale * m_a.detach().mm(m_b.detach());
    }
    void remove(torch::nn::Module& owner) {
        owner.unregister_module("lora");
        m_a = m_b = torch::Tensor();
        m_scale = 0.0;
    }

private:
    torch::Tensor m_a, m_b;
    double m_scale = 0.0;
};

// With precision bf16 and LoRA, frozen base weights are kept in bfloat16
// (LanguageModel::storeFrozenWeightsInBf16): their product is taken in the weight's dtype and
// returned in x's, so it also works without autocast (on the CPU, in tests).
inline torch::Tensor inWeightDtype(const torch::Tensor& x, const torch::Tensor& weight) {
    return x.scalar_type() == weight.scalar_type() ? x : x.to(weight.scalar_type());
}
inline torch::Tensor inDtypeOf(const torch::Tensor& y, const torch::Tensor& x) {
    return y.scalar_type() == x.scalar_type() ? y : y.to(x.scalar_type());
}
// A tensor as float32 (what exports, merges and checkpoints hold).
inline torch::Tensor asFloat32(const torch::Tensor& t) {
    return t.scalar_type() == torch::kBFloat16 ? t.to(torch::kFloat32) : t;
}

}  // namespace forgetlab
