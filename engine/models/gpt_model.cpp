#include "engine/models/internal/gpt_model.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "engine/core/internal/torch_compat.h"

namespace forgetlab {
namespace {

const std::vector<std::string> kLoraTargets = {"attn.c_attn", "attn.c_proj", "mlp.c_fc",
                                               "mlp.c_proj"};

// GPT-2's "gelu_new", 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), as LibTorch's fused
// kernel: the same values as the formula written out (to the last bit in float64), every
// derivative order through gelu_backward / its double backward, and one pass over the
// activations instead of eight (GPT training tokens/s +10% on the CPU).
torch::Tensor geluTanh(const torch::Tensor& x) {
    return torch::gelu(x, "tanh");
}

std::string describe(const GptConfig& c) {
    return "n_layer " + std::to_string(c.n_layer) + ", n_head " + std::to_string(c.n_head) +
           ", n_embd " + std::to_string(c.n_embd) + ", vocab_size " + std::to_string(c.vocab_size) +
           ", n_positions " + std::to_string(c.n_positions);
}

void validate(const GptConfig& c) {
    auto positive = [](int v, const char* field) {
        if (v <= 0)
            throw std::invalid_argument(std::string("GPT config: ") + field + " is " +
                                        std::to_string(v) + ": it must be positive");
    };
    positive(c.vocab_size, "vocab_size");
    positive(c.n_layer, "n_layer");
    positive(c.n_head, "n_head");
    positive(c.n_embd, "n_embd");
    positive(c.n_positions, "n_positions");
    if (c.n_embd % c.n_head != 0)
        throw std::invalid_argument("GPT config: n_embd " + std::to_string(c.n_embd) +
                                    " is not divisible by n_head " + std::to_string(c.n_head) +
                                    ": choose n_embd as a multiple of n_head");
    if (!(c.layer_norm_eps > 0))
        throw std::invalid_argument("GPT config: layer_norm_eps must be positive");
}

torch::nn::LayerNorm makeLayerNorm(const GptConfig& c) {
    return torch::nn::LayerNorm(
        torch::nn::LayerNormOptions({c.n_embd}).eps(c.layer_norm_eps).elementwise_affine(true));
}

}  // namespace

int64_t gptParameterCount(const GptConfig& c) {
    const int64_t e = c.n_embd;
    const int64_t block = 2 * 2 * e            // ln_1, ln_2
                          + e * 3 * e + 3 * e  // attn.c_attn
                          + e * e + e          // attn.c_proj
                          + e * 4 * e + 4 * e  // mlp.c_fc
                          + 4 * e * e + e;     // mlp.c_proj
    return int64_t(c.vocab_size) * e + int64_t(c.n_positions) * e + c.n_layer * block + 2 * e;
}

// ---------------------------------------------------------------------------------------

GptConv1DImpl::GptConv1DImpl(int64_t in, int64_t out) {
    weight = register_parameter("weight", torch::empty({in, out}));
    bias = register_parameter("bias", torch::zeros({out}));
    torch::nn::init::normal_(weight, 0.0, 0.02);
}

torch::Tensor GptConv1DImpl::forward(const torch::Tensor& x) {
    // The base path is the same with or without an adapter, so a zero-initialised B adds
    // exact zeros and LoRA at initialisation reproduces the base model bit for bit.
    torch::Tensor y = inDtypeOf(inWeightDtype(x, weight).matmul(weight), x) + bias;
    if (m_lora.enabled()) y = y + m_lora.apply(x);
    return y;
}

void GptConv1DImpl::enableLora(int rank, double alpha) {
    m_lora.enable(*this, weight.size(0), weight.size(1), weight.options(), rank, alpha);
}

torch::Tensor GptConv1DImpl::mergedWeight() const {
    torch::NoGradGuard noGrad;
    const torch::Tensor w = asFloat32(weight.detach());
    return m_lora.enabled() ? w + m_lora.delta() : w;
}

void GptConv1DImpl::mergeLora() {
    if (!m_lora.enabled()) return;
    {
        torch::NoGradGuard noGrad;
        weight.set_data(mergedWeight());
    }
    m_lora.remove(*this);
}

// ---------------------------------------------------------------------------------------

GptBlockImpl::GptBlockImpl(const GptConfig& c)
    : m_nHead(c.n_head), m_eps(c.layer_norm_eps), m_exactGelu(c.activation == "gelu") {
    const int64_t e = c.n_embd;
    const int64_t inner = c.n_inner > 0 ? c.n_inner : 4 * e;
    // Registration order gives the Hugging Face order of named_parameters().
    m_ln1 = register_module("ln_1", makeLayerNorm(c));
    auto attn = register_module("attn", std::make_shared<torch::nn::Module>());
    m_cAttn = attn->register_module("c_attn", GptConv1D(e, 3 * e));
    m_attnProj = attn->register_module("c_proj", GptConv1D(e, e));
    m_ln2 = register_module("ln_2", makeLayerNorm(c));
    auto mlp = register_module("mlp", std::make_shared<torch::nn::Module>());
    m_cFc = mlp->register_module("c_fc", GptConv1D(e, inner));
    m_mlpProj = mlp->register_module("c_proj", GptConv1D(inner, e));
    // GPT-2 scales the init of projections into the residual stream by 1/sqrt(2 n_layer).
    const double residualStd = 0.02 / std::sqrt(2.0 * c.n_layer);
    torch::nn::init::normal_(m_attnProj->weight, 0.0, residualStd);
    torch::nn::init::normal_(m_mlpProj->weight, 0.0, residualStd);
}

GptConv1D GptBlockImpl::conv(const std::string& target) const {
    if (target == "attn.c_attn") return m_cAttn;
    if (target == "attn.c_proj") return m_attnProj;
    if (target == "mlp.c_fc") return m_cFc;
    if (target == "mlp.c_proj") return m_mlpProj;
    throw std::invalid_argument("unknown GPT-2 projection '" + target + "'");
}

torch::Tensor GptBlockImpl::attention(const torch::Tensor& x, KvCache* cache, size_t layer) {
    const int64_t B = x.size(0), T = x.size(1), C = x.size(2), D = C / m_nHead;
    auto qkv = m_cAttn->forward(x).split(C, /*dim=*/2);
    auto heads = [&](const torch::Tensor& t) {
        return t.reshape({B, T, m_nHead, D}).transpose(1, 2);  // [B, H, T, D]
    };
    torch::Tensor q = heads(qkv[0]), k = heads(qkv[1]), v = heads(qkv[2]);
    const int64_t offset = cache ? cache->length : 0;
    if (cache) std::tie(k, v) = cache->append(layer, k, v);
    // The fused kernel where LibTorch has one, plain ops while a Hessian-vector product
    // needs double backward (engine/core/internal/torch_compat.h).
    torch::Tensor y = compat::attention(q, k, v, offset).transpose(1, 2).reshape({B, T, C});
    return m_attnProj->forward(y);
}

torch::Tensor GptBlockImpl::forward(const torch::Tensor& x, KvCache* cache, size_t layer) {
    torch::Tensor h = x + attention(m_ln1->forward(x), cache, layer);
    torch::Tensor a = m_cFc->forward(m_ln2->forward(h));
    return h + m_mlpProj->forward(m_exactGelu ? torch::gelu(a) : geluTanh(a));
}

// ---------------------------------------------------------------------------------------

GptModel::GptModel(const GptConfig& config, const LoraConfig& lora) : m_config(config) {
    validate(config);
    m_arch = architectureFromSizes("gpt2", config.n_layer, config.n_head, config.n_embd,
                                   config.n_positions, config.vocab_size);
    m_arch.norm_eps = config.layer_norm_eps;
    if (config.n_inner > 0) m_arch.intermediate_size = config.n_inner;
    m_arch.hidden_act = config.activation;
    m_wte = register_module("wte", torch::nn::Embedding(config.vocab_size, config.n_embd));
    m_wpe = register_module("wpe", torch::nn::Embedding(config.n_positions, config.n_embd));
    torch::nn::init::normal_(m_wte->weight, 0.0, 0.02);
    torch::nn::init::normal_(m_wpe->weight, 0.0, 0.02);
    m_blocks = register_module("h", torch::nn::ModuleList());
    for (int i = 0; i < config.n_layer; ++i) m_blocks->push_back(GptBlock(config));
    m_lnF = register_module("ln_f", makeLayerNorm(config));
    m_lora.rank = 0;
    if (lora.rank != 0) enableLora(lora);
}

torch::Tensor GptModel::forward(const torch::Tensor& input, int /*head*/) {
    return run(input, nullptr);
}

torch::Tensor GptModel::forwardCached(const torch::Tensor& input, KvCache& cache) {
    return run(input, &cache);
}

torch::Tensor GptModel::run(const torch::Tensor& input, KvCache* cache) {
    if (input.dim() != 2)
        throw std::invalid_argument("GPT input must be token ids of shape [batch, tokens], got " +
                                    c10::str(input.sizes()));
    if (input.scalar_type() != torch::kLong && input.scalar_type() != torch::kInt)
        throw std::invalid_argument(std::string("GPT input must be integer token ids, got ") +
                                    c10::toString(input.scalar_type()));
    const int64_t T = input.size(1);
    const int64_t offset = cache ? cache->length : 0;
    if (T == 0) throw std::invalid_argument("GPT input has no tokens: give at least one");
    if (offset + T > m_config.n_positions)
        throw std::invalid_argument("input has " + std::to_string(offset + T) +
                                    " tokens but the model's context (n_positions) is " +
                                    std::to_string(m_config.n_positions) +
                                    ": shorten the prompt or use a model with a longer context");
    compat::AutocastScope autocast(m_autocastBf16);
    torch::Tensor pos = torch::arange(
        offset, offset + T, torch::TensorOptions().dtype(torch::kLong).device(input.device()));
    torch::Tensor h = m_wte->forward(input) + m_wpe->forward(pos);
    if (cache) {
        cache->keys.resize(m_blocks->size());
        cache->values.resize(m_blocks->size());
        cache->max_length = m_config.n_positions;
    }
    const bool checkpoint = !cache && checkpointingActive();
    for (size_t i = 0; i < m_blocks->size(); ++i) {
        auto* block = m_blocks->ptr<GptBlockImpl>(i).get();
        if (cache)
            h = block->forward(h, cache, i);
        else if (checkpoint)
            h = checkpointBlock(*block, h, {}, {});
        else
            h = block->forward(h);
    }
    if (cache) cache->length += T;
    h = m_lnF->forward(h);
    torch::Tensor logits = h.matmul(m_wte->weight.t());  // tied output head
    return m_autocastBf16 ? logits.to(torch::kFloat32) : logits;
}

void GptModel::enableLora(const LoraConfig& lora) {
    if (lora.rank < 0)
        throw std::invalid_argument("LoRA rank is " + std::to_string(lora.rank) +
                                    ": use a positive rank, or 0 for no adapters");
    if (lora.rank == 0) return;
    if (hasLora())
        throw std::invalid_argument("LoRA adapters are already present: merge them first");
    if (!std::isfinite(lora.alpha) || lora.alpha <= 0)
        throw std::invalid_argument("LoRA alpha must be a positive number");
    const std::vector<std::string>& wanted =
        lora.targets.empty() ? defaultLoraTargets("gpt2") : lora.targets;
    std::set<std::string> targets;
    for (const auto& t : wanted) {
        if (std::find(kLoraTargets.begin(), kLoraTargets.end(), t) == kLoraTargets.end())
            throw std::invalid_argument("LoRA target '" + t +
                                        "' is not a GPT-2 projection: use attn.c_attn, "
                                        "attn.c_proj, mlp.c_fc or mlp.c_proj");
        targets.insert(t);
    }
    for (auto& p : parameters()) p.requires_grad_(false);
    for (size_t i = 0; i < m_blocks->size(); ++i)
        for (const auto& t : targets)
            m_blocks->ptr<GptBlockImpl>(i)->conv(t)->enableLora(lora.rank, lora.alpha);
    m_lora = lora;
    m_lora.targets.assign(targets.begin(), targets.end());
    if (autocastBf16()) storeFrozenWeightsInBf16();
}

void GptModel::mergeLora() {
    if (!hasLora()) return;
    for (size_t i = 0; i < m_blocks->size(); ++i)
        for (const auto& t : kLoraTargets) m_blocks->ptr<GptBlockImpl>(i)->conv(t)->mergeLora();
    restoreFloat32Weights();
    for (auto& p : parameters()) p.requires_grad_(true);
    m_lora.rank = 0;
}

std::vector<torch::Tensor> GptModel::trainableParameters() const {
    std::vector<torch::Tensor> out;
    for (const auto& p : parameters())
        if (p.requires_grad()) out.push_back(p);
    return out;
}

NamedTensors GptModel::hfTensors() {
    std::map<std::string, torch::Tensor> merged;
    for (size_t i = 0; i < m_blocks->size(); ++i)
        for (const auto& t : kLoraTargets) {
            auto conv = m_blocks->ptr<GptBlockImpl>(i)->conv(t);
            if (conv->hasLora())
                merged["h." + std::to_string(i) + "." + t + ".weight"] = conv->mergedWeight();
        }
    NamedTensors out;
    for (const auto& item : named_parameters(true)) {
        if (item.key().find(".lora.") != std::string::npos) continue;
        auto it = merged.find(item.key());
        out.emplace_back(item.key(),
                         it != merged.end() ? it->second : asFloat32(item.value().detach()));
    }
    return out;
}

// ---------------------------------------------------------------------------------------

GptConfig readGpt2Config(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error(path + ": cannot open (a GPT-2 config.json is needed)");
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(in);
    } catch (const std::exception&) {
        throw std::runtime_error(path + ": not valid JSON");
    }
    if (!j.is_object()) throw std::runtime_error(path + ": not a JSON object");
    auto intField = [&](const char* field, const char* fallback) -> int {
        const char* name = field;
        if (!j.contains(field) && fallback && j.contains(fallback)) name = fallback;
        if (!j.contains(name))
            throw std::runtime_error(path + ": missing field '" + field +
                                     "' (a GPT-2 config.json needs n_layer, n_head, n_embd, "
                                     "vocab_size and n_positions)");
        const auto& v = j[name];
        if (!v.is_number_integer() || v.get<int64_t>() <= 0 || v.get<int64_t>() > (1 << 30))
            throw std::runtime_error(path + ": field '" + name + "' is " + v.dump() +
                                     ": it must be a positive integer");
        return v.get<int>();
    };
    GptConfig c;
    c.n_layer = intField("n_layer", nullptr);
    c.n_head = intField("n_head", nullptr);
    c.n_embd = intField("n_embd", nullptr);
    c.vocab_size = intField("vocab_size", nullptr);
    c.n_positions = intField("n_positions", "n_ctx");
    if (j.contains("layer_norm_epsilon")) {
        const auto& v = j["layer_norm_epsilon"];
        if (!v.is_number() || !(v.get<double>() > 0))
            throw std::runtime_error(path + ": field 'layer_norm_epsilon' is " + v.dump() +
                                     ": it must be a positive number");
        c.layer_norm_eps = v.get<double>();
    }
    if (c.n_embd % c.n_head != 0)
        throw std::runtime_error(path + ": field 'n_embd' (" + std::to_string(c.n_embd) +
                                 ") is not divisible by field 'n_head' (" +
                                 std::to_string(c.n_head) + ")");
    return c;
}

void loadGpt2Safetensors(GptModel& model, const std::string& path) {
    const NamedTensors file = loadSafetensors(path);
    std::map<std::string, torch::Tensor> byName;
    auto endsWith = [](const std::string& s, const std::string& suffix) {
        return s.size() >= suffix.size() &&
               s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    for (const auto& [raw, t] : file) {
        std::string name = raw;
        if (name.rfind("transformer.", 0) == 0) name = name.substr(12);
        // Tied head and the causal-mask buffers of older transformers versions.
        if (name == "lm_head.weight" || endsWith(name, ".attn.bias") ||
            endsWith(name, ".attn.masked_bias"))
            continue;
        byName[name] = t;
    }
    const GptConfig& c = model.config();
    const std::string sizes = "(" + describe(c) + ")";
    std::vector<std::pair<torch::Tensor, torch::Tensor>> copies;
    for (const auto& item : model.named_parameters(true)) {
        const std::string& name = item.key();
        if (name.find(".lora.") != std::string::npos) continue;
        auto it = byName.find(name);
        if (it == byName.end())
            throw SafetensorsError(path + ": tensor '" + name + "' is missing, but a GPT-2 model " +
                                   sizes +
                                   " needs it: the file is incomplete or not a GPT-2 checkpoint");
        const torch::Tensor& t = it->second;
        if (t.sizes() != item.value().sizes())
            throw SafetensorsError(name + " is " + c10::str(t.sizes()) + " in " + path +
                                   " but config.json implies " + c10::str(item.value().sizes()) +
                                   " " + sizes +
                                   ": the weights and config.json are from different models");
        if (!t.is_floating_point())
            throw SafetensorsError(path + ": tensor '" + name + "' has dtype " +
                                   c10::toString(t.scalar_type()) +
                                   ": GPT-2 weights must be F32, F16, BF16 or F64");
        copies.emplace_back(item.value(), t);
        byName.erase(it);
    }
    if (!byName.empty())
        throw SafetensorsError(path + ": tensor '" + byName.begin()->first +
                               "' is not part of a GPT-2 model " + sizes +
                               ": the weights and config.json are from different models");
    torch::NoGradGuard noGrad;
    for (auto& [target, source] : copies) target.copy_(source);  // converts dtype and device
}

void saveGpt2(GptModel& model, const std::string& dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw std::runtime_error(dir + ": cannot create directory: " + ec.message());
    NamedTensors tensors = model.gpt2Tensors();
    for (auto& [name, t] : tensors) t = t.to(torch::kCPU).contiguous();
    saveSafetensors((fs::path(dir) / "model.safetensors").string(), tensors, {{"format", "pt"}});

    const GptConfig& c = model.config();
    nlohmann::json j = {{"model_type", "gpt2"},
                        {"architectures", {"GPT2LMHeadModel"}},
                        {"n_layer", c.n_layer},
                        {"n_head", c.n_head},
                        {"n_embd", c.n_embd},
                        {"vocab_size", c.vocab_size},
                        {"n_positions", c.n_positions},
                        {"n_ctx", c.n_positions},
                        {"layer_norm_epsilon", c.layer_norm_eps},
                        {"activation_function", "gelu_new"},
                        {"tie_word_embeddings", true}};
    const std::string path = (fs::path(dir) / "config.json").string();
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        if (!out) throw std::runtime_error(path + ": cannot open for writing");
        out << j.dump(2) << "\n";
        out.flush();
        if (!out) throw std::runtime_error(path + ": write failed (disk full?)");
    }
    fs::rename(tmp, path, ec);
    if (ec) throw std::runtime_error(path + ": cannot rename temporary file: " + ec.message());
}

}  // namespace forgetlab
