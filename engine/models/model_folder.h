#pragma once
// The decoder-only language-model families ForgetLab builds, and what a Hugging Face model
// folder holds, read without loading a single weight: its config.json, the headers of its
// safetensors files and which tokenizer files are there. Plain C++ (no torch) for
// configuration checks, the CLI and the GUI. The formulas of every family are in SCIENCE.md
// section 6; what goes beyond them (rope scaling kinds, sliding windows) is in
// docs/models.md.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace forgetlab {

// A model folder or its config.json is unusable. The message names the file (and field or
// tensor) and says how to fix it.
class ModelFolderError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Everything that decides a model's shape and forward pass, for every family.
struct LmArchitecture {
    // gpt2 | llama | mistral | qwen2 | gpt_neox | olmo | olmo2 (config.json's model_type)
    std::string family = "gpt2";
    int vocab_size = 256;         // embedding rows (the tokenizer may use fewer)
    int hidden_size = 128;        // n_embd
    int num_layers = 4;           // n_layer
    int num_heads = 4;            // query heads
    int num_kv_heads = 4;         // key/value heads (grouped-query attention); = num_heads
    int head_dim = 32;            // hidden_size / num_heads unless config.json says otherwise
    int intermediate_size = 512;  // MLP width
    int max_positions = 128;      // n_positions / max_position_embeddings
    double norm_eps = 1e-5;       // layer_norm_epsilon / rms_norm_eps / layer_norm_eps
    // silu (llama families) | gelu (exact, erf) | gelu_new (tanh approximation)
    std::string hidden_act = "gelu_new";
    // Rotary position embeddings (all but gpt2): base, share of each head's dims rotated.
    double rope_theta = 10000.0;
    double rotary_pct = 1.0;
    std::string rope_scaling = "none";  // none | linear | llama3
    double rope_factor = 1.0;
    double rope_low_freq_factor = 1.0;   // llama3
    double rope_high_freq_factor = 4.0;  // llama3
    int rope_original_max_positions = 8192;
    bool qkv_bias = true;  // biases on q, k, v (gpt2, qwen2, gpt_neox; llama attention_bias)
    bool o_bias = true;    // bias on the attention output projection
    bool mlp_bias = true;  // biases in the MLP
    bool tie_word_embeddings = true;           // logits use the token embedding (no lm_head)
    bool parallel_residual = false;            // gpt_neox use_parallel_residual
    double clip_qkv = 0.0;                     // olmo: clamp q, k, v to [-c, c]; 0 = off
    int sliding_window = 0;                    // mistral (and qwen2 use_sliding_window); 0 = off
    int bos_token_id = -1, eos_token_id = -1;  // from config.json; -1 = none
};

// "gpt2, llama, mistral, qwen2, gpt_neox, olmo, olmo2".
std::string supportedFamilies();
bool isSupportedFamily(const std::string& family);

// Reads a Hugging Face config.json of any supported family. An unknown model_type, an
// activation, rope scaling kind or option that is not implemented is refused by name with
// the supported list. Throws ModelFolderError naming the file and field.
LmArchitecture readHfConfig(const std::string& configJsonPath);
// The config.json ForgetLab writes for an architecture (the family's own keys).
std::string hfConfigJson(const LmArchitecture& arch);

// A family's architecture from today's size fields (model.gpt.n_layer, n_head, n_embd,
// context) and a vocabulary size, with the family's conventions for the rest (llama: SwiGLU
// width 8/3 n_embd rounded up to a multiple of 32, no biases; gpt_neox: 4 n_embd, parallel
// residual, rotary_pct 0.25; ...). Throws ModelFolderError for an unknown family.
LmArchitecture architectureFromSizes(const std::string& family, int layers, int heads, int embd,
                                     int context, int vocab);

// Parameters of the model (no adapters), counting tied embeddings once.
int64_t parameterCount(const LmArchitecture& arch);

// The module names LoRA can adapt in a family, e.g. q_proj … down_proj for llama,
// query_key_value, dense, dense_h_to_4h, dense_4h_to_h for gpt_neox, attn.c_attn …
// for gpt2; and the family's defaults (gpt2: attn.c_attn, attn.c_proj; llama families:
// q_proj, v_proj; gpt_neox: query_key_value).
const std::vector<std::string>& loraTargetsOf(const std::string& family);
const std::vector<std::string>& defaultLoraTargets(const std::string& family);
// Weights of every layer's projection matrices (q/k/v/o and the MLP; no biases or norms):
// what precision bf16 with LoRA keeps in bfloat16.
int64_t projectionWeightCount(const LmArchitecture& arch);
// Adapter parameters (A: in x r, B: r x out) on the named modules of every layer.
int64_t loraParameterCount(const LmArchitecture& arch, int rank,
                           const std::vector<std::string>& targets);

// What a folder holds, from config.json, the safetensors headers and the tokenizer files.
struct ModelFolderInfo {
    std::string dir;
    LmArchitecture arch;
    int64_t parameters = 0;    // from the architecture
    int64_t weight_bytes = 0;  // the weights' bytes in the files (known buffers left out)
    std::string dtype;         // "F32", "BF16", "F16" or e.g. "BF16+F32" when mixed
    int shards = 0;            // files holding weights (1 for model.safetensors)
    std::string weights_file;  // model.safetensors or model.safetensors.index.json
    // tokenizer.json | tokenizer.model | vocab.json+merges.txt | none
    std::string tokenizer_kind;
};

// Reads dir/config.json, the weights' headers (model.safetensors or the sharded index and
// every shard it names) and looks for tokenizer files. Throws ModelFolderError for a
// missing config.json or weights, a shard named in the index but absent, or an unsupported
// family or dtype.
ModelFolderInfo inspectModelFolder(const std::string& dir);

// Memory a run needs, in bytes: weights (float32; with precision bf16 on a CUDA device and
// LoRA, the frozen projection weights in bfloat16), gradients and optimizer state of what trains
// (every weight, or only LoRA's adapters), and `available` (the device's free memory, or the
// machine's MemAvailable for the CPU).
struct MemoryEstimate {
    int64_t weights = 0, gradients = 0, optimizer = 0, total = 0, available = 0;
    bool fits = true;
    std::string text;    // "weights 4.4 GB + gradients 4.4 GB + AdamW state 8.8 GB = 17.6 GB"
    std::string advice;  // what to change when it does not fit
};
MemoryEstimate estimateTrainingMemory(const LmArchitecture& arch, int loraRank,
                                      const std::vector<std::string>& loraTargets,
                                      const std::string& optimizer, const std::string& device,
                                      const std::string& precision = "fp32");

// "1.2 GB", "840 MB", "12 KB".
std::string formatBytes(int64_t bytes);

}  // namespace forgetlab
