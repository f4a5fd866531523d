#pragma once
// Engine-internal (includes torch). What every decoder-only language model offers the
// runner, the analyses and the tools, whatever its family: next-token logits, a KV cache
// and generation, LoRA adapters on named modules, gradient checkpointing, and its tensors
// under the Hugging Face names of its family. GptModel (gpt2) and DecoderModel (llama,
// mistral, qwen2, gpt_neox, olmo, olmo2) implement it.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "engine/models/internal/models.h"
#include "engine/models/internal/safetensors.h"
#include "engine/models/model_folder.h"

namespace forgetlab {

// Low-rank adapters: y = base(x) + (alpha / rank) (x A) B with A [in, rank], B [rank, out].
struct LoraConfig {
    int rank = 0;  // 0 = off
    double alpha = 16;
    // Module names of the family (loraTargetsOf); empty = the family's defaults.
    std::vector<std::string> targets;
};

// Keys and values of every layer seen so far. Each layer's storage is [B, kv_heads,
// capacity, head_dim] with positions 0 .. length - 1 valid; it grows geometrically (up to
// max_length), so appending a token copies that token, not the whole cache.
struct KvCache {
    std::vector<torch::Tensor> keys, values;
    int64_t length = 0;      // positions cached (advanced by the model after every layer ran)
    int64_t max_length = 0;  // the model's context: storage never grows beyond it (0 = no cap)
    void clear() {
        keys.clear();
        values.clear();
        length = 0;
    }
    // Writes k, v [B, kv_heads, T, head_dim] at positions length .. length + T - 1 of
    // `layer` and returns the keys and values of positions 0 .. length + T - 1 (views). With
    // gradients recorded the storage is concatenated instead, so nothing saved for backward
    // is overwritten.
    std::pair<torch::Tensor, torch::Tensor> append(size_t layer, const torch::Tensor& k,
                                                   const torch::Tensor& v);
};

struct GenerationOptions {
    int max_new_tokens = 100;
    double temperature = 0.0;  // 0 = greedy (argmax)
    double top_p = 1.0;        // nucleus sampling: smallest set with probability >= top_p
    uint64_t seed = 1;         // std::mt19937_64, so sampling is deterministic
    bool use_cache = true;     // false: every step runs the whole context again
    int stop_token = -1;       // stop after generating this id (e.g. EOS); -1 = never
    // Only ids below this are generated (the tokenizer's vocabulary, when the embedding has
    // padding rows beyond it, as Qwen2's does); 0 = every row.
    int vocab_limit = 0;
};

class LanguageModel : public ForgetModel {
public:
    int numHeads() const override { return 1; }
    virtual const LmArchitecture& architecture() const = 0;
    int vocabSize() const { return architecture().vocab_size; }
    int contextLength() const { return architecture().max_positions; }

    // Logits [B, T, V] of new tokens `input` [B, T] at positions cache.length ...; appends
    // their keys and values to the cache. An empty cache gives forward(input).
    virtual torch::Tensor forwardCached(const torch::Tensor& input, KvCache& cache) = 0;

    // Adds adapters to the targeted modules of every layer and freezes every base weight.
    // Throws std::invalid_argument for a bad rank, an unknown target (naming the family's
    // targets) or when adapters are already present.
    virtual void enableLora(const LoraConfig& lora) = 0;
    // Folds scale A B into each adapted weight, removes the adapters, unfreezes the base.
    virtual void mergeLora() = 0;
    bool hasLora() const { return m_lora.rank > 0; }
    // With LoRA, the frozen projection weights of every layer in bfloat16 (half their
    // memory; embeddings, norms and the output head stay float32). enableLora does this
    // itself when the model autocasts to bfloat16 (precision bf16 on a CUDA device that has
    // it); mergeLora and restoreFloat32Weights return to float32.
    void storeFrozenWeightsInBf16();
    void restoreFloat32Weights();
    const LoraConfig& loraConfig() const { return m_lora; }
    int64_t trainableParameterCount() const;

    // The family's Hugging Face tensors (no adapter names, adapters folded in), model
    // unchanged. Detached views or copies, on the model's device.
    virtual NamedTensors hfTensors() = 0;

    // Recompute each block's activations in the backward pass instead of keeping them
    // (training only; exact, also under SAM and double backward).
    void setGradientCheckpointing(bool on) { m_checkpointing = on; }
    bool gradientCheckpointing() const { return m_checkpointing; }

    // Continues `prompt` (ids): with the KV cache each new token costs one position; once
    // the context is full every step re-reads the last max_positions tokens, exactly as the
    // uncached path crops, so both give the same tokens. No grad, eval mode restored afterwards.
    // Returns only the new tokens. Throws std::invalid_argument for an empty prompt or an
    // id outside the vocabulary.
    std::vector<int64_t> generate(const std::vector<int64_t>& prompt,
                                  const GenerationOptions& options);
    std::vector<int64_t> generate(const std::vector<int64_t>& prompt, int maxNewTokens,
                                  double temperature, uint64_t seed, int vocabLimit = 0);

protected:
    // Whether forward passes should checkpoint their blocks now (on, training, grad needed).
    bool checkpointingActive() const;
    LoraConfig m_lora{0, 16, {}};
    bool m_checkpointing = false;
};

// A transformer block that activation checkpointing can re-run: its output from its input
// and auxiliary tensors that need no gradient (rotary cos/sin).
class CheckpointableBlock {
public:
    virtual ~CheckpointableBlock() = default;
    virtual torch::Tensor runBlock(const torch::Tensor& x, const torch::Tensor& cos,
                                   const torch::Tensor& sin) = 0;
    virtual std::vector<torch::Tensor> blockParameters() = 0;
};

// block.runBlock(x, cos, sin) without keeping its activations: the forward pass runs without
// grad and the backward pass runs it again. With create_graph (double backward) the
// recomputation is recorded, so Hessian-vector products through it are exact.
torch::Tensor checkpointBlock(CheckpointableBlock& block, const torch::Tensor& x,
                              const torch::Tensor& cos, const torch::Tensor& sin);

// The model of an architecture: GptModel for gpt2, DecoderModel otherwise. `initialise`
// false leaves the weights uninitialised (they are about to be loaded), which is much
// faster for large models; true draws them from torch's global generator (seed it first).
std::shared_ptr<LanguageModel> makeLanguageModel(const LmArchitecture& arch,
                                                 bool initialise = true);

// Loads a folder's weights (model.safetensors, or the sharded index and its shards) into
// the model, memory-mapped, one tensor at a time: F32, F16 and BF16 are converted to the
// parameter's dtype and device while copying, and pages already copied are released, so
// loading never holds two full copies. Tensor names are the family's Hugging Face names;
// known buffers (rotary inv_freq, causal-mask biases) and a tied lm_head are skipped.
// Throws ModelFolderError naming the file and the tensor for a missing, extra or
// mis-shaped tensor (with both shapes) and for an unsupported dtype.
void loadHfWeights(LanguageModel& model, const std::string& dir);

// Writes dir/config.json (the family's layout; `sourceConfigJson`, when not empty, is the
// original config.json whose other keys are kept) and the weights as float32 safetensors
// under the family's names, adapters folded in: one model.safetensors, or shards of at most
// `shardBytes` with model.safetensors.index.json when larger. Atomic per file.
void saveHfModel(LanguageModel& model, const std::string& dir,
                 const std::string& sourceConfigJson = "", int64_t shardBytes = int64_t(2) << 30);

}  // namespace forgetlab
