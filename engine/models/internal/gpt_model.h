#pragma once
// Engine-internal (includes torch). A decoder-only transformer with the GPT-2 architecture
// and Hugging Face GPT-2 parameter names, optional LoRA adapters, sampling, and GPT-2
// checkpoint I/O (safetensors + config.json), so the runner can train language models and
// real GPT-2-family checkpoints can be fine-tuned and exported.

#include <cstdint>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "engine/models/internal/language_model.h"
#include "engine/models/internal/lora_adapter.h"

namespace forgetlab {

// Sizes of the transformer. The defaults give 842,496 parameters (wte 32,768 + wpe 16,384 +
// 4 blocks x 198,272 + ln_f 256): see gptParameterCount().
struct GptConfig {
    int vocab_size = 256;  // byte-level
    int n_layer = 4;
    int n_head = 4;
    int n_embd = 128;       // must be divisible by n_head
    int n_positions = 128;  // context length
    double layer_norm_eps = 1e-5;
    int n_inner = 0;                      // MLP width; 0 = 4 n_embd
    std::string activation = "gelu_new";  // gelu_new (tanh) | gelu (erf)
};

// Parameter count of a model with these sizes (no LoRA).
int64_t gptParameterCount(const GptConfig& config);

// Hugging Face GPT-2 Conv1D: weight [in, out], y = x W + b, plus an optional LoRA adapter
// held in the child module "lora" (parameters "A" [in, r] and "B" [r, out]) so that merging
// can remove it again.
class GptConv1DImpl : public torch::nn::Module {
public:
    GptConv1DImpl(int64_t in, int64_t out);
    torch::Tensor forward(const torch::Tensor& x);

    void enableLora(int rank, double alpha);
    bool hasLora() const { return m_lora.enabled(); }
    // W + scale A B (W itself when there is no adapter); detached.
    torch::Tensor mergedWeight() const;
    void mergeLora();

    torch::Tensor weight, bias;

private:
    LoraAdapter m_lora;
};
TORCH_MODULE(GptConv1D);

// One pre-LayerNorm block: h + attn(ln_1(h)), then h + mlp(ln_2(h)).
class GptBlockImpl : public torch::nn::Module, public CheckpointableBlock {
public:
    GptBlockImpl(const GptConfig& config);
    // With a cache, x holds new positions after those cached (appended to `layer`).
    torch::Tensor forward(const torch::Tensor& x, KvCache* cache = nullptr, size_t layer = 0);
    GptConv1D conv(const std::string& target) const;  // "attn.c_attn", ...
    torch::Tensor runBlock(const torch::Tensor& x, const torch::Tensor&,
                           const torch::Tensor&) override {
        return forward(x);
    }
    std::vector<torch::Tensor> blockParameters() override { return parameters(); }

private:
    torch::Tensor attention(const torch::Tensor& x, KvCache* cache, size_t layer);
    int64_t m_nHead;
    double m_eps;
    bool m_exactGelu;
    torch::nn::LayerNorm m_ln1{nullptr}, m_ln2{nullptr};
    GptConv1D m_cAttn{nullptr}, m_attnProj{nullptr}, m_cFc{nullptr}, m_mlpProj{nullptr};
};
TORCH_MODULE(GptBlock);

// GPT-2: token + position embeddings, n_layer blocks, ln_f, logits = h wte^T (tied).
// Parameter names are the Hugging Face ones (wte.weight, h.0.attn.c_attn.weight, ...);
// LoRA adds h.{i}.<target>.lora.A / .lora.B. Attention is plain matmul/softmax/masked_fill
// so double backward (Hessian tools, SAM) works through it. Initialised from torch's global
// generator (GPT-2 init): seed it first.
class GptModel : public LanguageModel {
public:
    explicit GptModel(const GptConfig& config, const LoraConfig& lora = {0, 16, {}});

    // input int64 [B, T] token ids with T <= n_positions; head is ignored. Logits [B, T, V].
    torch::Tensor forward(const torch::Tensor& input, int head = 0) override;
    torch::Tensor forwardCached(const torch::Tensor& input, KvCache& cache) override;
    const GptConfig& config() const { return m_config; }
    const LmArchitecture& architecture() const override { return m_arch; }
    // BOS / EOS ids a config.json gave (kept for export).
    void setTokenIds(int bos, int eos) {
        m_arch.bos_token_id = bos;
        m_arch.eos_token_id = eos;
    }

    // Adds adapters to the targeted projections (empty targets: attn.c_attn, attn.c_proj)
    // and freezes every base weight. Throws std::invalid_argument for a bad rank or target,
    // or when adapters are already present.
    void enableLora(const LoraConfig& lora) override;
    // Folds scale A B into each targeted weight, removes the adapters and makes the base
    // weights trainable again. No-op without adapters.
    void mergeLora() override;
    std::vector<torch::Tensor> trainableParameters() const;
    // The Hugging Face tensors (no LoRA names) with any adapters folded in; the model itself
    // is left unchanged. Detached views or copies.
    NamedTensors hfTensors() override;
    NamedTensors gpt2Tensors() { return hfTensors(); }

private:
    torch::Tensor run(const torch::Tensor& input, KvCache* cache);
    GptConfig m_config;
    LmArchitecture m_arch;
    torch::nn::Embedding m_wte{nullptr}, m_wpe{nullptr};
    torch::nn::ModuleList m_blocks{nullptr};
    torch::nn::LayerNorm m_lnF{nullptr};
};

// Reads n_layer, n_head, n_embd, vocab_size, n_positions (and layer_norm_epsilon if present)
// from a Hugging Face GPT-2 config.json. Throws std::runtime_error naming the file and field.
GptConfig readGpt2Config(const std::string& configJsonPath);

// Loads Hugging Face GPT-2 weights (names with or without "transformer."; lm_head.weight and
// the attn.bias / attn.masked_bias buffers are ignored; F16/BF16/F64 converted to the
// model's dtype). LoRA adapters, if any, are left as they are. Throws SafetensorsError
// naming the tensor and the shapes for a mismatch, and for missing or unexpected tensors.
void loadGpt2Safetensors(GptModel& model, const std::string& path);

// Writes dir/model.safetensors (Hugging Face names, LoRA folded in, model unchanged) and
// dir/config.json ("model_type": "gpt2"). Creates dir if needed.
void saveGpt2(GptModel& model, const std::string& dir);

}  // namespace forgetlab
