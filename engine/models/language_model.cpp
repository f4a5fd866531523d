#include "engine/models/internal/language_model.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>

#include <torch/csrc/autograd/custom_function.h>

#include "engine/models/internal/decoder_model.h"
#include "engine/models/internal/gpt_model.h"

namespace forgetlab {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Activation checkpointing as an autograd function: forward without grad (nothing kept but
// the input), backward runs the block again with grad and differentiates that. Under
// create_graph the recomputation starts from the saved input itself (not a detached copy),
// so the gradients it returns stay connected to the earlier layers and to the weights, and a
// second backward pass (Hessian-vector products) goes through them exactly.
struct CheckpointFunction : public torch::autograd::Function<CheckpointFunction> {
    static torch::Tensor forward(AutogradContext* ctx, torch::Tensor x, at::TensorList params,
                                 torch::Tensor cos, torch::Tensor sin, int64_t block) {
        auto* b = reinterpret_cast<CheckpointableBlock*>(block);
        std::vector<torch::Tensor> saved = {x, cos, sin};
        saved.insert(saved.end(), params.begin(), params.end());
        ctx->save_for_backward(saved);
        ctx->saved_data["block"] = block;
        return b->runBlock(x, cos, sin);
    }

    static variable_list backward(AutogradContext* ctx, variable_list gradOut) {
        auto* b = reinterpret_cast<CheckpointableBlock*>(ctx->saved_data["block"].toInt());
        const variable_list saved = ctx->get_saved_variables();
        const bool createGraph = torch::GradMode::is_enabled();
        torch::Tensor x = saved[0];
        torch::Tensor xr = createGraph ? x : x.detach().requires_grad_(x.requires_grad());
        const std::vector<torch::Tensor> params(saved.begin() + 3, saved.end());
        torch::Tensor out;
        {
            torch::AutoGradMode enable(true);
            out = b->runBlock(xr, saved[1], saved[2]);
        }
        // Differentiate with respect to what needs a gradient; the rest get none.
        std::vector<torch::Tensor> inputs;
        std::vector<int> where;  // index into the result for each input
        if (xr.requires_grad()) inputs.push_back(xr), where.push_back(0);
        for (size_t i = 0; i < params.size(); ++i)
            if (params[i].requires_grad()) inputs.push_back(params[i]), where.push_back(int(i) + 1);
        variable_list result(params.size() + 4);  // x, params..., cos, sin, block
        if (inputs.empty() || !out.requires_grad()) return result;
        const variable_list grads = torch::autograd::grad({out}, inputs, {gradOut[0]},
                                                          /*retain_graph=*/createGraph,
                                                          /*create_graph=*/createGraph,
                                                          /*allow_unused=*/true);
        for (size_t i = 0; i < grads.size(); ++i) result[size_t(where[i])] = grads[i];
        return result;
    }
};

}  // namespace

void LanguageModel::storeFrozenWeightsInBf16() {
    torch::NoGradGuard noGrad;
    for (const auto& item : named_modules("", false)) {
        const std::string& name = item.key();
        // A tied output head shares the embedding, which stays float32.
        if (name.find("layers.") == std::string::npos && name.find("h.") != 0) continue;
        torch::Tensor* w = nullptr;
        if (auto* l = item.value()->as<LoraLinearImpl>()) w = &l->weight;
        if (auto* c = item.value()->as<GptConv1DImpl>()) w = &c->weight;
        if (w && !w->requires_grad() && w->scalar_type() == torch::kFloat32)
            w->set_data(w->detach().to(torch::kBFloat16));
    }
}

void LanguageModel::restoreFloat32Weights() {
    torch::NoGradGuard noGrad;
    for (auto& p : parameters())
        if (p.scalar_type() == torch::kBFloat16) p.set_data(p.detach().to(torch::kFloat32));
}

std::pair<torch::Tensor, torch::Tensor> KvCache::append(size_t layer, const torch::Tensor& k,
                                                        const torch::Tensor& v) {
    if (keys.size() <= layer) {
        keys.resize(layer + 1);
        values.resize(layer + 1);
    }
    torch::Tensor& ks = keys[layer];
    torch::Tensor& vs = values[layer];
    const int64_t T = k.size(2), needed = length + T;
    if (torch::GradMode::is_enabled() && (k.requires_grad() || v.requires_grad())) {
        ks = length > 0 ? torch::cat({ks.narrow(2, 0, length), k}, 2) : k;
        vs = length > 0 ? torch::cat({vs.narrow(2, 0, length), v}, 2) : v;
        return {ks, vs};
    }
    const bool fits = ks.defined() && ks.size(2) >= needed && ks.size(0) == k.size(0) &&
                      ks.size(1) == k.size(1) && ks.size(3) == k.size(3) &&
                      ks.scalar_type() == k.scalar_type() && ks.device() == k.device();
    if (!fits) {
        int64_t capacity = std::max<int64_t>({needed, 64, ks.defined() ? 2 * ks.size(2) : 0});
        if (max_length > 0) capacity = std::max(needed, std::min(capacity, max_length));
        auto grown = [&](const torch::Tensor& old, const torch::Tensor& like) {
            torch::Tensor s =
                torch::empty({like.size(0), like.size(1), capacity, like.size(3)}, like.options());
            if (length > 0) s.narrow(2, 0, length).copy_(old.narrow(2, 0, length));
            return s;
        };
        ks = grown(ks, k);
        vs = grown(vs, v);
    }
    ks.narrow(2, length, T).copy_(k);
    vs.narrow(2, length, T).copy_(v);
    return {ks.narrow(2, 0, needed), vs.narrow(2, 0, needed)};
}

torch::Tensor checkpointBlock(CheckpointableBlock& block, const torch::Tensor& x,
                              const torch::Tensor& cos, const torch::Tensor& sin) {
    const std::vector<torch::Tensor> params = block.blockParameters();
    // Undefined rotary tensors (gpt2) are passed as empty ones so they can be saved.
    const torch::Tensor c = cos.defined() ? cos : torch::empty({0}, x.options());
    const torch::Tensor s = sin.defined() ? sin : torch::empty({0}, x.options());
    return CheckpointFunction::apply(x, at::TensorList(params), c, s,
                                     reinterpret_cast<int64_t>(&block));
}

int64_t LanguageModel::trainableParameterCount() const {
    int64_t n = 0;
    for (const auto& p : parameters())
        if (p.requires_grad()) n += p.numel();
    return n;
}

bool LanguageModel::checkpointingActive() const {
    return m_checkpointing && is_training() && torch::GradMode::is_enabled();
}

std::vector<int64_t> LanguageModel::generate(const std::vector<int64_t>& prompt, int maxNewTokens,
                                             double temperature, uint64_t seed, int vocabLimit) {
    GenerationOptions o;
    o.vocab_limit = vocabLimit;
    o.max_new_tokens = maxNewTokens;
    o.temperature = temperature;
    o.seed = seed;
    return generate(prompt, o);
}

std::vector<int64_t> LanguageModel::generate(const std::vector<int64_t>& prompt,
                                             const GenerationOptions& o) {
    const int vocab = vocabSize();
    if (prompt.empty()) throw std::invalid_argument("the prompt is empty: give at least one token");
    if (o.max_new_tokens < 0) throw std::invalid_argument("maxNewTokens must not be negative");
    if (!(o.temperature >= 0) || !std::isfinite(o.temperature))
        throw std::invalid_argument("temperature must be 0 (greedy) or positive");
    if (!(o.top_p > 0 && o.top_p <= 1))
        throw std::invalid_argument("top_p must be in (0, 1] (1 = no nucleus cut)");
    for (size_t i = 0; i < prompt.size(); ++i)
        if (prompt[i] < 0 || prompt[i] >= vocab)
            throw std::invalid_argument("prompt token " + std::to_string(i) + " is " +
                                        std::to_string(prompt[i]) +
                                        ", outside the vocabulary [0, " + std::to_string(vocab) +
                                        "): encode the prompt with the model's tokenizer");

    struct ModeGuard {
        LanguageModel* m;
        bool training;
        ~ModeGuard() { m->train(training); }
    } guard{this, is_training()};
    eval();
    torch::NoGradGuard noGrad;
    torch::Device device = torch::kCPU;
    for (const auto& p : parameters()) {
        device = p.device();
        break;
    }
    const size_t ctx = size_t(contextLength());
    std::mt19937_64 rng(o.seed);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    std::vector<int64_t> tokens = prompt, out;
    KvCache cache;
    auto window = [&](size_t from) {
        std::vector<int64_t> ids(tokens.begin() + std::ptrdiff_t(from), tokens.end());
        return torch::tensor(ids, torch::kLong).to(device).unsqueeze(0);
    };
    for (int n = 0; n < o.max_new_tokens; ++n) {
        const size_t start = tokens.size() > ctx ? tokens.size() - ctx : 0;
        torch::Tensor logits;
        if (!o.use_cache) {
            logits = forward(window(start), 0)[0][-1];
        } else if (cache.length > 0 && size_t(cache.length) + 1 <= ctx) {
            logits = forwardCached(window(tokens.size() - 1), cache)[0][-1];
        } else {
            cache.clear();  // first step, or the context is full: read the window again
            logits = forwardCached(window(start), cache)[0][-1];
        }
        logits = logits.to(torch::kCPU, torch::kFloat64);
        if (o.vocab_limit > 0 && o.vocab_limit < logits.size(0))
            logits = logits.narrow(0, 0, o.vocab_limit);
        int64_t next = 0;
        if (o.temperature == 0) {
            next = logits.argmax().item<int64_t>();
        } else {
            torch::Tensor probs = torch::softmax(logits / o.temperature, 0).contiguous();
            const double* p = probs.data_ptr<double>();
            const int64_t V = probs.numel();
            std::vector<char> keep(size_t(V), 1);
            if (o.top_p < 1.0) {
                // The smallest set of most likely tokens whose probability reaches top_p.
                std::vector<int64_t> order(static_cast<size_t>(V));
                std::iota(order.begin(), order.end(), 0);
                std::stable_sort(order.begin(), order.end(),
                                 [&](int64_t a, int64_t b) { return p[a] > p[b]; });
                std::fill(keep.begin(), keep.end(), 0);
                double mass = 0;
                for (int64_t id : order) {
                    keep[size_t(id)] = 1;
                    mass += p[id];
                    if (mass >= o.top_p) break;
                }
            }
            double total = 0.0;
            for (int64_t i = 0; i < V; ++i)
                if (keep[size_t(i)]) total += p[i];
            const double u = uniform(rng) * total;
            double cum = 0.0;
            next = -1;
            for (int64_t i = 0; i < V; ++i) {
                if (!keep[size_t(i)]) continue;
                cum += p[i];
                next = i;
                if (u < cum) break;
            }
        }
        tokens.push_back(next);
        out.push_back(next);
        if (o.stop_token >= 0 && next == o.stop_token) break;
    }
    return out;
}

std::shared_ptr<LanguageModel> makeLanguageModel(const LmArchitecture& arch, bool initialise) {
    if (arch.family == "gpt2") {
        GptConfig g;
        g.vocab_size = arch.vocab_size;
        g.n_layer = arch.num_layers;
        g.n_head = arch.num_heads;
        g.n_embd = arch.hidden_size;
        g.n_positions = arch.max_positions;
        g.layer_norm_eps = arch.norm_eps;
        g.n_inner = arch.intermediate_size;
        g.activation = arch.hidden_act;
        auto model = std::make_shared<GptModel>(g);
        model->setTokenIds(arch.bos_token_id, arch.eos_token_id);
        return model;
    }
    return std::make_shared<DecoderModel>(arch, initialise);
}

}  // namespace forgetlab
