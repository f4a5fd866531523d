#pragma once
// Engine-internal (includes torch). The rotary-embedding decoder families: llama, mistral,
// qwen2, olmo, olmo2 (one layer layout, "model.layers.N.self_attn.q_proj" ...) and gpt_neox
// (Pythia: "gpt_neox.layers.N.attention.query_key_value" ...). The module tree spells the
// Hugging Face tensor names, so named_parameters() are the checkpoint's names. Formulas:
// SCIENCE.md section 6; sliding windows and rope scaling: docs/models.md.

#include <string>
#include <vector>

#include <torch/torch.h>

#include "engine/models/internal/language_model.h"
#include "engine/models/internal/lora_adapter.h"

namespace forgetlab {

// nn.Linear's layout (weight [out, in], optional bias) with an optional LoRA adapter held in
// the child "lora" (A [in, r], B [r, out]): y = x Wᵀ + b + (alpha / r) (x A) B.
class LoraLinearImpl : public torch::nn::Module {
public:
    LoraLinearImpl(int64_t in, int64_t out, bool bias);
    torch::Tensor forward(const torch::Tensor& x);
    void enableLora(int rank, double alpha);
    bool hasLora() const { return m_lora.enabled(); }
    torch::Tensor mergedWeight() const;  // W + scale (A B)ᵀ, detached
    void mergeLora();
    // y + the adapter's contribution to x's projection (y unchanged without an adapter).
    torch::Tensor addAdapter(const torch::Tensor& y, const torch::Tensor& x) const {
        return m_lora.enabled() ? y + m_lora.apply(x) : y;
    }

    torch::Tensor weight, bias;

private:
    LoraAdapter m_lora;
};
TORCH_MODULE(LoraLinear);

// The projections of x by several layers with one matrix product over their stacked weights
// (q/k/v, gate/up): one large product runs faster than three small ones on the CPU. Each
// layer's adapter is added to its own part. Same values as calling each layer.
std::vector<torch::Tensor> projectTogether(const torch::Tensor& x,
                                           const std::vector<const LoraLinearImpl*>& layers);

// RMSNorm(x) = x / sqrt(mean(x²) + eps) ⊙ w, computed in float32.
class RmsNormImpl : public torch::nn::Module {
public:
    RmsNormImpl(int64_t dim, double eps);
    torch::Tensor forward(const torch::Tensor& x);
    torch::Tensor weight;

private:
    double m_eps;
};
TORCH_MODULE(RmsNorm);

// One decoder layer of any rotary family (the family decides norms, qkv layout, residuals).
class DecoderLayerImpl : public torch::nn::Module, public CheckpointableBlock {
public:
    explicit DecoderLayerImpl(const LmArchitecture& arch);
    // cos/sin [T, rotary dims] for the positions of x; with a cache, x holds the positions
    // after those cached and its keys/values are appended to the cache's `layer`.
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cos,
                          const torch::Tensor& sin, KvCache* cache = nullptr, size_t layer = 0);
    torch::Tensor runBlock(const torch::Tensor& x, const torch::Tensor& cos,
                           const torch::Tensor& sin) override {
        return forward(x, cos, sin);
    }
    std::vector<torch::Tensor> blockParameters() override { return parameters(); }
    // The adaptable module called `name` (q_proj, query_key_value, ...), or nullptr.
    LoraLinear* linear(const std::string& name);

private:
    torch::Tensor norm(int which, const torch::Tensor& x);  // 0 input, 1 post-attn, 2 post-ff
    torch::Tensor attention(const torch::Tensor& x, const torch::Tensor& cos,
                            const torch::Tensor& sin, KvCache* cache, size_t layer);
    torch::Tensor mlp(const torch::Tensor& x);

    LmArchitecture m_arch;
    bool m_neox;
    // Norms: RMSNorm (llama families), LayerNorm (neox), none (olmo: non-parametric).
    RmsNorm m_rms[3] = {nullptr, nullptr, nullptr};
    torch::nn::LayerNorm m_ln[2] = {nullptr, nullptr};
    RmsNorm m_qNorm{nullptr}, m_kNorm{nullptr};  // olmo2
    LoraLinear m_q{nullptr}, m_k{nullptr}, m_v{nullptr}, m_o{nullptr};
    LoraLinear m_qkv{nullptr}, m_dense{nullptr};  // neox
    LoraLinear m_gate{nullptr}, m_up{nullptr}, m_down{nullptr};
    LoraLinear m_fcIn{nullptr}, m_fcOut{nullptr};  // neox dense_h_to_4h, dense_4h_to_h
};
TORCH_MODULE(DecoderLayer);

class DecoderModel : public LanguageModel {
public:
    // `initialise` false leaves the weights uninitialised (they are about to be loaded).
    DecoderModel(const LmArchitecture& arch, bool initialise = true);

    torch::Tensor forward(const torch::Tensor& input, int head = 0) override;
    torch::Tensor forwardCached(const torch::Tensor& input, KvCache& cache) override;
    const LmArchitecture& architecture() const override { return m_arch; }
    void enableLora(const LoraConfig& lora) override;
    void mergeLora() override;
    NamedTensors hfTensors() override;

    // Rotary cos and sin [T, rotary dims] for positions offset .. offset + T - 1 (float32,
    // computed in float64), with the architecture's rope scaling.
    std::pair<torch::Tensor, torch::Tensor> rotary(int64_t offset, int64_t T,
                                                   torch::Device device) const;

private:
    torch::Tensor run(const torch::Tensor& input, KvCache* cache);
    LmArchitecture m_arch;
    torch::nn::Embedding m_embed{nullptr};
    torch::nn::ModuleList m_layers{nullptr};
    RmsNorm m_finalRms{nullptr};
    torch::nn::LayerNorm m_finalLn{nullptr};
    LoraLinear m_head{nullptr};  // lm_head / embed_out when not tied
};

}  // namespace forgetlab
