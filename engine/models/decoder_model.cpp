#include "engine/models/internal/decoder_model.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <stdexcept>

#include "engine/core/internal/torch_compat.h"

namespace forgetlab {
namespace {

constexpr double kInitStd = 0.02;

bool isNeox(const LmArchitecture& a) {
    return a.family == "gpt_neox";
}

torch::Tensor rotateHalf(const torch::Tensor& x) {
    const int64_t h = x.size(-1) / 2;
    return torch::cat({-x.narrow(-1, h, h), x.narrow(-1, 0, h)}, -1);
}

// rope(x) = x ⊙ cos + rotate_half(x) ⊙ sin on the first cos.size(-1) dims of each head.
torch::Tensor applyRotary(const torch::Tensor& x, const torch::Tensor& cos,
                          const torch::Tensor& sin) {
    const int64_t rd = cos.size(-1), D = x.size(-1);
    if (rd == D) return x * cos + rotateHalf(x) * sin;
    const torch::Tensor rot = x.narrow(-1, 0, rd);
    return torch::cat({rot * cos + rotateHalf(rot) * sin, x.narrow(-1, rd, D - rd)}, -1);
}

// "gelu_new" as LibTorch's fused kernel (see gpt_model.cpp).
torch::Tensor geluTanh(const torch::Tensor& x) {
    return torch::gelu(x, "tanh");
}

torch::Tensor activation(const std::string& name, const torch::Tensor& x) {
    if (name == "silu") return torch::silu(x);
    if (name == "gelu") return torch::gelu(x);
    if (name == "gelu_new") return geluTanh(x);
    if (name == "relu") return torch::relu(x);
    throw std::invalid_argument("activation '" + name + "' is not implemented");
}

// OLMo's LayerNorm without weight or bias (eps 1e-5), in float32.
torch::Tensor plainLayerNorm(const torch::Tensor& x) {
    return torch::layer_norm(x.to(torch::kFloat32), {x.size(-1)}, {}, {}, 1e-5).to(x.dtype());
}

LoraLinear makeLinear(torch::nn::Module& parent, const char* name, int64_t in, int64_t out,
                      bool bias) {
    return parent.register_module(name, LoraLinear(in, out, bias));
}

}  // namespace

// ---------------------------------------------------------------------------------------

LoraLinearImpl::LoraLinearImpl(int64_t in, int64_t out, bool withBias) {
    weight = register_parameter("weight", torch::empty({out, in}));
    if (withBias) bias = register_parameter("bias", torch::empty({out}));
}

torch::Tensor LoraLinearImpl::forward(const torch::Tensor& x) {
    torch::Tensor y;
    if (weight.scalar_type() == x.scalar_type()) {
        y = torch::linear(x, weight, bias);
    } else {
        y = inDtypeOf(torch::linear(inWeightDtype(x, weight), weight), x);
        if (bias.defined()) y = y + bias;
    }
    if (m_lora.enabled()) y = y + m_lora.apply(x);
    return y;
}

void LoraLinearImpl::enableLora(int rank, double alpha) {
    m_lora.enable(*this, weight.size(1), weight.size(0), weight.options(), rank, alpha);
}

torch::Tensor LoraLinearImpl::mergedWeight() const {
    torch::NoGradGuard noGrad;
    const torch::Tensor w = asFloat32(weight.detach());
    return m_lora.enabled() ? w + m_lora.delta().t() : w;
}

void LoraLinearImpl::mergeLora() {
    if (!m_lora.enabled()) return;
    {
        torch::NoGradGuard noGrad;
        weight.set_data(mergedWeight());
    }
    m_lora.remove(*this);
}

std::vector<torch::Tensor> projectTogether(const torch::Tensor& x,
                                           const std::vector<const LoraLinearImpl*>& layers) {
    std::vector<torch::Tensor> weights, biases;
    std::vector<int64_t> sizes;
    for (const auto* l : layers) {
        weights.push_back(l->weight);
        if (l->bias.defined()) biases.push_back(l->bias);
        sizes.push_back(l->weight.size(0));
    }
    const bool sameType = std::all_of(weights.begin(), weights.end(), [&](const torch::Tensor& w) {
        return w.scalar_type() == weights[0].scalar_type();
    });
    std::vector<torch::Tensor> out;
    if (!sameType || (!biases.empty() && biases.size() != weights.size())) {
        for (const auto* l : layers) out.push_back(const_cast<LoraLinearImpl*>(l)->forward(x));
        return out;
    }
    const torch::Tensor w = torch::cat(weights, 0);
    torch::Tensor y = inDtypeOf(torch::linear(inWeightDtype(x, w), w), x);
    if (!biases.empty()) y = y + torch::cat(biases, 0);
    out = y.split_with_sizes(sizes, -1);
    for (size_t i = 0; i < layers.size(); ++i) out[i] = layers[i]->addAdapter(out[i], x);
    return out;
}

RmsNormImpl::RmsNormImpl(int64_t dim, double eps) : m_eps(eps) {
    weight = register_parameter("weight", torch::ones({dim}));
}

torch::Tensor RmsNormImpl::forward(const torch::Tensor& x) {
    const torch::Tensor xf = x.to(torch::kFloat32);
    const torch::Tensor y = xf * torch::rsqrt(xf.pow(2).mean(-1, /*keepdim=*/true) + m_eps);
    return weight * y.to(x.dtype());
}

// ---------------------------------------------------------------------------------------

DecoderLayerImpl::DecoderLayerImpl(const LmArchitecture& a) : m_arch(a), m_neox(isNeox(a)) {
    const int64_t E = a.hidden_size, I = a.intermediate_size;
    const int64_t Q = int64_t(a.num_heads) * a.head_dim, K = int64_t(a.num_kv_heads) * a.head_dim;
    if (m_neox) {
        auto ln = [&](const char* name) {
            return register_module(
                name,
                torch::nn::LayerNorm(
                    torch::nn::LayerNormOptions({E}).eps(a.norm_eps).elementwise_affine(true)));
        };
        m_ln[0] = ln("input_layernorm");
        m_ln[1] = ln("post_attention_layernorm");
        auto attn = register_module("attention", std::make_shared<torch::nn::Module>());
        m_qkv = makeLinear(*attn, "query_key_value", E, 3 * E, a.qkv_bias);
        m_dense = makeLinear(*attn, "dense", E, E, a.o_bias);
        auto mlp = register_module("mlp", std::make_shared<torch::nn::Module>());
        m_fcIn = makeLinear(*mlp, "dense_h_to_4h", E, I, a.mlp_bias);
        m_fcOut = makeLinear(*mlp, "dense_4h_to_h", I, E, a.mlp_bias);
        return;
    }
    if (a.family != "olmo" && a.family != "olmo2")
        m_rms[0] = register_module("input_layernorm", RmsNorm(E, a.norm_eps));
    auto attn = register_module("self_attn", std::make_shared<torch::nn::Module>());
    m_q = makeLinear(*attn, "q_proj", E, Q, a.qkv_bias);
    m_k = makeLinear(*attn, "k_proj", E, K, a.qkv_bias);
    m_v = makeLinear(*attn, "v_proj", E, K, a.qkv_bias);
    m_o = makeLinear(*attn, "o_proj", Q, E, a.o_bias);
    if (a.family == "olmo2") {
        m_qNorm = attn->register_module("q_norm", RmsNorm(Q, a.norm_eps));
        m_kNorm = attn->register_module("k_norm", RmsNorm(K, a.norm_eps));
    }
    if (a.family != "olmo")
        m_rms[1] = register_module("post_attention_layernorm", RmsNorm(E, a.norm_eps));
    if (a.family == "olmo2")
        m_rms[2] = register_module("post_feedforward_layernorm", RmsNorm(E, a.norm_eps));
    auto mlp = register_module("mlp", std::make_shared<torch::nn::Module>());
    m_gate = makeLinear(*mlp, "gate_proj", E, I, a.mlp_bias);
    m_up = makeLinear(*mlp, "up_proj", E, I, a.mlp_bias);
    m_down = makeLinear(*mlp, "down_proj", I, E, a.mlp_bias);
}

LoraLinear* DecoderLayerImpl::linear(const std::string& name) {
    const std::map<std::string, LoraLinear*> all = {
        {"q_proj", &m_q},           {"k_proj", &m_k},
        {"v_proj", &m_v},           {"o_proj", &m_o},
        {"gate_proj", &m_gate},     {"up_proj", &m_up},
        {"down_proj", &m_down},     {"query_key_value", &m_qkv},
        {"dense", &m_dense},        {"dense_h_to_4h", &m_fcIn},
        {"dense_4h_to_h", &m_fcOut}};
    auto it = all.find(name);
    return it != all.end() && !it->second->is_empty() ? it->second : nullptr;
}

torch::Tensor DecoderLayerImpl::norm(int which, const torch::Tensor& x) {
    if (m_neox) return m_ln[which]->forward(x);
    if (m_arch.family == "olmo") return plainLayerNorm(x);
    return m_rms[which]->forward(x);
}

torch::Tensor DecoderLayerImpl::attention(const torch::Tensor& x, const torch::Tensor& cos,
                                          const torch::Tensor& sin, KvCache* cache, size_t layer) {
    const int64_t B = x.size(0), T = x.size(1), H = m_arch.num_heads, Hkv = m_arch.num_kv_heads,
                  D = m_arch.head_dim;
    torch::Tensor q, k, v;
    if (m_neox) {
        // query_key_value's output per token is [heads, 3 · head_dim]: q | k | v per head.
        const torch::Tensor qkv = m_qkv->forward(x).view({B, T, H, 3 * D});
        q = qkv.narrow(-1, 0, D);
        k = qkv.narrow(-1, D, D);
        v = qkv.narrow(-1, 2 * D, D);
    } else {
        const auto qkv = projectTogether(x, {m_q.get(), m_k.get(), m_v.get()});
        q = qkv[0];
        k = qkv[1];
        v = qkv[2];
        if (m_arch.clip_qkv > 0) {
            q = q.clamp(-m_arch.clip_qkv, m_arch.clip_qkv);
            k = k.clamp(-m_arch.clip_qkv, m_arch.clip_qkv);
            v = v.clamp(-m_arch.clip_qkv, m_arch.clip_qkv);
        }
        if (m_arch.family == "olmo2") {
            q = m_qNorm->forward(q);
            k = m_kNorm->forward(k);
        }
        q = q.reshape({B, T, H, D});
        k = k.reshape({B, T, Hkv, D});
        v = v.reshape({B, T, Hkv, D});
    }
    q = applyRotary(q.transpose(1, 2), cos, sin);  // [B, H, T, D]
    k = applyRotary(k.transpose(1, 2), cos, sin);  // [B, Hkv, T, D]
    v = v.transpose(1, 2);
    const int64_t offset = cache ? cache->length : 0;
    if (cache) std::tie(k, v) = cache->append(layer, k, v);
    if (Hkv < H) {
        // Grouped-query attention: key/value head j serves query heads j·r … j·r + r − 1.
        k = k.repeat_interleave(H / Hkv, 1);
        v = v.repeat_interleave(H / Hkv, 1);
    }
    torch::Tensor y = compat::attention(q, k, v, offset, m_arch.sliding_window);
    y = y.transpose(1, 2).reshape({B, T, H * D});
    return m_neox ? m_dense->forward(y) : m_o->forward(y);
}

torch::Tensor DecoderLayerImpl::mlp(const torch::Tensor& x) {
    if (m_neox) return m_fcOut->forward(activation(m_arch.hidden_act, m_fcIn->forward(x)));
    const auto gateUp = projectTogether(x, {m_gate.get(), m_up.get()});
    return m_down->forward(torch::silu(gateUp[0]) * gateUp[1]);
}

torch::Tensor DecoderLayerImpl::forward(const torch::Tensor& x, const torch::Tensor& cos,
                                        const torch::Tensor& sin, KvCache* cache, size_t layer) {
    if (m_neox) {
        const torch::Tensor a = attention(norm(0, x), cos, sin, cache, layer);
        if (m_arch.parallel_residual) return x + a + mlp(norm(1, x));
        const torch::Tensor h = x + a;
        return h + mlp(norm(1, h));
    }
    if (m_arch.family == "olmo2") {
        const torch::Tensor h = x + norm(1, attention(x, cos, sin, cache, layer));
        return h + norm(2, mlp(h));
    }
    const torch::Tensor h = x + attention(norm(0, x), cos, sin, cache, layer);
    return h + mlp(norm(1, h));
}

// ---------------------------------------------------------------------------------------

DecoderModel::DecoderModel(const LmArchitecture& a, bool initialise) : m_arch(a) {
    if (a.family == "gpt2" || !isSupportedFamily(a.family))
        throw std::invalid_argument("DecoderModel builds " + supportedFamilies() +
                                    " except gpt2, not '" + a.family + "'");
    const int64_t E = a.hidden_size, V = a.vocab_size;
    std::shared_ptr<torch::nn::Module> body =
        register_module(isNeox(a) ? "gpt_neox" : "model", std::make_shared<torch::nn::Module>());
    m_embed = body->register_module(
        isNeox(a) ? "embed_in" : "embed_tokens",
        torch::nn::Embedding(torch::nn::EmbeddingOptions(V, E)._weight(torch::empty({V, E}))));
    m_layers = body->register_module("layers", torch::nn::ModuleList());
    for (int i = 0; i < a.num_layers; ++i) m_layers->push_back(DecoderLayer(a));
    if (isNeox(a))
        m_finalLn = body->register_module(
            "final_layer_norm",
            torch::nn::LayerNorm(
                torch::nn::LayerNormOptions({E}).eps(a.norm_eps).elementwise_affine(true)));
    else if (a.family != "olmo")
        m_finalRms = body->register_module("norm", RmsNorm(E, a.norm_eps));
    if (!a.tie_word_embeddings)
        m_head = register_module(isNeox(a) ? "embed_out" : "lm_head", LoraLinear(E, V, false));
    if (!initialise) return;
    torch::NoGradGuard noGrad;
    for (auto& item : named_parameters(true)) {
        const std::string& name = item.key();
        torch::Tensor p = item.value();
        const bool isNorm = name.find("norm") != std::string::npos;
        if (name.size() > 5 && name.compare(name.size() - 5, 5, ".bias") == 0)
            p.zero_();
        else if (isNorm)
            p.fill_(1.0);
        else
            p.normal_(0.0, kInitStd);
    }
}

std::pair<torch::Tensor, torch::Tensor> DecoderModel::rotary(int64_t offset, int64_t T,
                                                             torch::Device device) const {
    const int64_t D = m_arch.head_dim;
    int64_t rd = isNeox(m_arch) ? int64_t(double(D) * m_arch.rotary_pct) : D;
    rd -= rd % 2;
    const auto f64 = torch::TensorOptions().dtype(torch::kFloat64);
    torch::Tensor inv =
        torch::pow(m_arch.rope_theta, -torch::arange(0, rd, 2, f64) / double(rd));  // [rd/2]
    if (m_arch.rope_scaling == "linear") {
        inv = inv / m_arch.rope_factor;
    } else if (m_arch.rope_scaling == "llama3") {
        const double factor = m_arch.rope_factor, low = m_arch.rope_low_freq_factor,
                     high = m_arch.rope_high_freq_factor,
                     orig = double(m_arch.rope_original_max_positions);
        const torch::Tensor wavelen = 2 * M_PI / inv;
        const torch::Tensor smooth = (orig / wavelen - low) / (high - low);
        const torch::Tensor mid = (1 - smooth) * inv / factor + smooth * inv;
        inv = torch::where(wavelen > orig / low, inv / factor,
                           torch::where(wavelen < orig / high, inv, mid));
    }
    const torch::Tensor pos = torch::arange(offset, offset + T, f64);
    const torch::Tensor freqs = torch::outer(pos, inv);
    const torch::Tensor emb = torch::cat({freqs, freqs}, -1);
    return {emb.cos().to(device, torch::kFloat32), emb.sin().to(device, torch::kFloat32)};
}

torch::Tensor DecoderModel::forward(const torch::Tensor& input, int /*head*/) {
    return run(input, nullptr);
}

torch::Tensor DecoderModel::forwardCached(const torch::Tensor& input, KvCache& cache) {
    return run(input, &cache);
}

torch::Tensor DecoderModel::run(const torch::Tensor& input, KvCache* cache) {
    if (input.dim() != 2)
        throw std::invalid_argument(
            "language-model input must be token ids of shape [batch, "
            "tokens], got " +
            c10::str(input.sizes()));
    if (input.scalar_type() != torch::kLong && input.scalar_type() != torch::kInt)
        throw std::invalid_argument(std::string("language-model input must be integer token "
                                                "ids, got ") +
                                    c10::toString(input.scalar_type()));
    const int64_t T = input.size(1), offset = cache ? cache->length : 0;
    if (T == 0) throw std::invalid_argument("the input has no tokens: give at least one");
    if (offset + T > m_arch.max_positions)
        throw std::invalid_argument("input has " + std::to_string(offset + T) +
                                    " tokens but the model's context is " +
                                    std::to_string(m_arch.max_positions) +
                                    ": shorten the prompt or use a model with a longer context");
    compat::AutocastScope autocast(m_autocastBf16);
    torch::Tensor h = m_embed->forward(input);
    auto [cos, sin] = rotary(offset, T, input.device());
    if (cache) {
        cache->keys.resize(m_layers->size());
        cache->values.resize(m_layers->size());
        cache->max_length = m_arch.max_positions;
    }
    const bool checkpoint = !cache && checkpointingActive();
    for (size_t i = 0; i < m_layers->size(); ++i) {
        auto* layer = m_layers->ptr<DecoderLayerImpl>(i).get();
        if (cache)
            h = layer->forward(h, cos, sin, cache, i);
        else if (checkpoint)
            h = checkpointBlock(*layer, h, cos, sin);
        else
            h = layer->forward(h, cos, sin);
    }
    if (cache) cache->length += T;
    if (isNeox(m_arch))
        h = m_finalLn->forward(h);
    else if (m_arch.family == "olmo")
        h = plainLayerNorm(h);
    else
        h = m_finalRms->forward(h);
    torch::Tensor logits =
        m_arch.tie_word_embeddings ? h.matmul(m_embed->weight.t()) : m_head->forward(h);
    return m_autocastBf16 ? logits.to(torch::kFloat32) : logits;
}

void DecoderModel::enableLora(const LoraConfig& lora) {
    if (lora.rank < 0)
        throw std::invalid_argument("LoRA rank is " + std::to_string(lora.rank) +
                                    ": use a positive rank, or 0 for no adapters");
    if (lora.rank == 0) return;
    if (hasLora())
        throw std::invalid_argument("LoRA adapters are already present: merge them first");
    if (!std::isfinite(lora.alpha) || lora.alpha <= 0)
        throw std::invalid_argument("LoRA alpha must be a positive number");
    const std::vector<std::string>& known = loraTargetsOf(m_arch.family);
    const std::vector<std::string>& wanted =
        lora.targets.empty() ? defaultLoraTargets(m_arch.family) : lora.targets;
    std::set<std::string> targets;
    for (const auto& t : wanted) {
        if (std::find(known.begin(), known.end(), t) == known.end()) {
            std::string list;
            for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
            throw std::invalid_argument("LoRA target '" + t + "' is not a module of a " +
                                        m_arch.family + " model: use " + list);
        }
        targets.insert(t);
    }
    for (auto& p : parameters()) p.requires_grad_(false);
    for (size_t i = 0; i < m_layers->size(); ++i)
        for (const auto& t : targets)
            (*m_layers->ptr<DecoderLayerImpl>(i)->linear(t))->enableLora(lora.rank, lora.alpha);
    m_lora = lora;
    m_lora.targets.assign(targets.begin(), targets.end());
    if (autocastBf16()) storeFrozenWeightsInBf16();
}

void DecoderModel::mergeLora() {
    if (!hasLora()) return;
    for (auto& item : named_modules("", false))
        if (auto* l = item.value()->as<LoraLinearImpl>()) l->mergeLora();
    restoreFloat32Weights();
    for (auto& p : parameters()) p.requires_grad_(true);
    m_lora.rank = 0;
}

NamedTensors DecoderModel::hfTensors() {
    std::map<std::string, torch::Tensor> merged;
    for (auto& item : named_modules("", false))
        if (auto* l = item.value()->as<LoraLinearImpl>(); l && l->hasLora())
            merged[item.key() + ".weight"] = l->mergedWeight();
    NamedTensors out;
    for (const auto& item : named_parameters(true)) {
        if (item.key().find(".lora.") != std::string::npos) continue;
        auto it = merged.find(item.key());
        out.emplace_back(item.key(),
                         it != merged.end() ? it->second : asFloat32(item.value().detach()));
    }
    return out;
}

}  // namespace forgetlab
