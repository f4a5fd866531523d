// Using and training the Hugging Face fixture models (tests/fixtures/hf/make_tiny_models.py,
// folder in FORGETLAB_HF_FIXTURES): generation with the KV cache against uncached and
// against a written-out greedy loop, LoRA with each family's default targets folded into
// the export, gradient checkpointing (gradients and Hessian-vector products), frozen weights
// in bfloat16, and the query-blocked causal attention against the plain formula.
#include <torch/torch.h>

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/core/internal/torch_compat.h"
#include "engine/measure/internal/sharpness.h"
#include "engine/models/internal/language_model.h"
#include "engine/models/model_folder.h"
#include "hf_fixture_helpers.h"

using namespace forgetlab;
using namespace forgetlab::test;

namespace {

// Variants with their own architecture (llama-sharded repeats llama-gqa).
std::vector<std::string> distinctVariants() {
    std::vector<std::string> out;
    for (const auto& v : variants())
        if (v != "llama-sharded") out.push_back(v);
    return out;
}

std::vector<torch::Tensor> gradients(const torch::Tensor& loss,
                                     const std::vector<torch::Tensor>& params) {
    auto g = torch::autograd::grad({loss}, params, {}, false, false, true);
    for (size_t i = 0; i < g.size(); ++i)
        if (!g[i].defined()) g[i] = torch::zeros_like(params[i]);
    return g;
}

std::vector<torch::Tensor> trainable(LanguageModel& model) {
    std::vector<torch::Tensor> out;
    for (const auto& p : model.parameters())
        if (p.requires_grad()) out.push_back(p);
    return out;
}

torch::Tensor nextTokenLoss(LanguageModel& model, const torch::Tensor& ids,
                            const torch::Tensor& targets) {
    const int64_t V = model.vocabSize();
    return torch::cross_entropy_loss(model.forward(ids, 0).reshape({-1, V}), targets.reshape({-1}));
}

// The HF names a LoRA target adapts ("self_attn.q_proj" -> "...self_attn.q_proj.weight").
bool adaptedBy(const std::string& name, const std::vector<std::string>& targets) {
    for (const auto& t : targets)
        if (contains(name, "." + t + ".weight")) return true;
    return false;
}

}  // namespace

class TestHfTraining : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { requireHfFixtures(); }

    void cachedGenerationEqualsUncached() {
        const std::string failures = eachVariant(distinctVariants(), [](const std::string& v) {
            auto model = load(folder(v));
            const int P = model->contextLength();
            const auto ref = reference(v);
            const int64_t* ids = ref.first.data_ptr<int64_t>();
            const std::vector<int64_t> prompt(ids, ids + 9);
            std::vector<int64_t> longPrompt;  // longer than the context
            for (int i = 0; i < P + 5; ++i) longPrompt.push_back((i * 37 + 11) % 300);
            struct Case {
                const std::vector<int64_t>* prompt;
                double temperature, top_p;
                uint64_t seed;
            };
            const Case cases[] = {{&prompt, 0.0, 1.0, 1},
                                  {&prompt, 1.0, 1.0, 5},
                                  {&prompt, 0.8, 0.9, 6},
                                  {&longPrompt, 1.0, 1.0, 7}};
            for (const Case& c : cases) {
                GenerationOptions o;
                o.max_new_tokens = P + 10;  // runs past the context length
                o.temperature = c.temperature;
                o.top_p = c.top_p;
                o.seed = c.seed;
                o.use_cache = true;
                const auto cached = model->generate(*c.prompt, o);
                o.use_cache = false;
                const auto uncached = model->generate(*c.prompt, o);
                size_t k = 0;
                while (k < cached.size() && k < uncached.size() && cached[k] == uncached[k]) ++k;
                CHECK(cached.size() == size_t(P + 10) && cached == uncached,
                      "temperature " + fmt(c.temperature) + ", seed " + std::to_string(c.seed) +
                          ": cached and uncached differ from token " + std::to_string(k));
                for (auto t : cached) CHECK(t >= 0 && t < model->vocabSize(), "bad id");
            }
            GenerationOptions o;
            o.max_new_tokens = 30;
            o.temperature = 1.0;
            o.seed = 5;
            const auto a = model->generate(prompt, o);
            o.seed = 6;
            CHECK(model->generate(prompt, o) != a, "the seed is ignored");
            return std::string();
        });
        QVERIFY2(failures.empty(), failures.c_str());
    }

    void greedyGenerationIsTheArgmaxOfTheLastContext() {
        // Written out: each new token is the argmax of forward() over the last
        // contextLength() tokens, also after the context is full.
        const std::string failures = eachVariant(
            {"gpt2", "mistral-window", "neox-sequential", "olmo2"}, [](const std::string& v) {
                auto model = load(folder(v));
                const int P = model->contextLength();
                std::vector<int64_t> tokens = {5, 280, 17, 299, 0, 42, 133};
                const auto prompt = tokens;
                for (int n = 0; n < P + 6; ++n) {
                    const size_t start = tokens.size() > size_t(P) ? tokens.size() - P : 0;
                    std::vector<int64_t> ctx(tokens.begin() + std::ptrdiff_t(start), tokens.end());
                    tokens.push_back(
                        logits(*model, torch::tensor(ctx, torch::kLong).unsqueeze(0))[0][-1]
                            .argmax()
                            .item<int64_t>());
                }
                GenerationOptions o;
                o.max_new_tokens = P + 6;
                const auto got = model->generate(prompt, o);
                CHECK(got == std::vector<int64_t>(tokens.begin() + 7, tokens.end()),
                      "greedy generation differs from the written-out loop");
                const std::set<int64_t> distinct(got.begin(), got.end());
                CHECK(distinct.size() > 1, "degenerate: one token repeated");
                return std::string();
            });
        QVERIFY2(failures.empty(), failures.c_str());
    }

    void loraWithDefaultTargetsFoldsIntoTheExport() {
        QTemporaryDir tmp;
        torch::manual_seed(21);
        const std::string failures = eachVariant(distinctVariants(), [&](const std::string& v) {
            auto model = load(folder(v));
            const LmArchitecture arch = model->architecture();
            const auto ref = reference(v);
            const torch::Tensor& ids = ref.first;
            const torch::Tensor base = logits(*model, ids);
            const auto baseTensors = asMap(model->hfTensors());
            std::map<std::string, torch::Tensor> baseParams;
            for (const auto& p : model->named_parameters()) baseParams[p.key()] = p.value().clone();

            LoraConfig lora;
            lora.rank = 4;
            lora.alpha = 8;
            lora.targets = {};  // the family's defaults
            model->enableLora(lora);
            CHECK(model->hasLora(), "no adapters");
            const auto& targets = defaultLoraTargets(arch.family);
            CHECK(model->trainableParameterCount() == loraParameterCount(arch, 4, targets),
                  "trainable " + std::to_string(model->trainableParameterCount()));
            CHECK(relErr(logits(*model, ids), base) < 1e-6, "adapters do not start at zero");

            // A few SGD steps on next-token targets.
            model->train();
            const torch::Tensor x = torch::randint(0, arch.vocab_size, {2, 10}, torch::kLong);
            const torch::Tensor y = torch::randint(0, arch.vocab_size, {2, 10}, torch::kLong);
            torch::optim::SGD sgd(trainable(*model), torch::optim::SGDOptions(0.05));
            for (int step = 0; step < 3; ++step) {
                sgd.zero_grad();
                nextTokenLoss(*model, x, y).backward();
                sgd.step();
            }
            model->eval();
            int adapters = 0;
            for (const auto& p : model->named_parameters()) {
                const auto it = baseParams.find(p.key());
                if (it != baseParams.end()) {  // a base weight: frozen, unchanged
                    CHECK(!p.value().requires_grad(), p.key() + " trains");
                    CHECK(torch::equal(p.value(), it->second), p.key() + " changed");
                } else {  // an adapter: trained
                    CHECK(p.value().requires_grad(), p.key() + " frozen");
                    CHECK(p.value().abs().max().item<double>() > 0, p.key() + " is zero");
                    ++adapters;
                }
            }
            CHECK(adapters == 2 * int(targets.size()) * arch.num_layers,
                  std::to_string(adapters) + " adapter tensors");
            const torch::Tensor adapted = logits(*model, ids);
            CHECK(relErr(adapted, base) > 1e-3, "the adapters learned nothing");

            // hfTensors folds the adapters into exactly the targeted weights.
            const auto folded = asMap(model->hfTensors());
            CHECK(folded.size() == baseTensors.size(), "hfTensors count");
            int changed = 0;
            for (const auto& [name, t] : baseTensors) {
                CHECK(folded.count(name), name + " missing");
                CHECK(folded.at(name).sizes() == t.sizes(), name);
                if (adaptedBy(name, targets)) {
                    CHECK(!torch::equal(folded.at(name), t), name + " not folded");
                    ++changed;
                } else {
                    CHECK(torch::equal(folded.at(name), t), name + " changed");
                }
            }
            CHECK(changed == int(targets.size()) * arch.num_layers, "folded weights");

            // The folded export computes the adapted model.
            const std::string out = tmp.path().toStdString() + "/" + v;
            saveHfModel(*model, out);
            CHECK(model->hasLora(), "export changed the model");
            auto exported = load(out);
            const double err = relErr(logits(*exported, ids), adapted);
            CHECK(err < kTolerance, "folded export " + fmt(err));
            model->mergeLora();
            CHECK(!model->hasLora(), "merge left adapters");
            CHECK(model->trainableParameterCount() == parameterCount(arch),
                  "trainable after merge");
            CHECK(relErr(logits(*model, ids), adapted) < kTolerance, "merged");
            return std::string();
        });
        QVERIFY2(failures.empty(), failures.c_str());

        auto model = load(folder("llama-gqa"));
        LoraConfig bad;
        bad.rank = 2;
        bad.targets = {"attn.c_attn"};
        std::string e;
        try {
            model->enableLora(bad);
        } catch (const std::invalid_argument& ex) {
            e = ex.what();
        }
        QVERIFY2(contains(e, "attn.c_attn") && contains(e, "q_proj"), e.c_str());
    }

    void gradientCheckpointingIsExact() {
        torch::manual_seed(22);
        std::vector<std::string> cases = distinctVariants();
        for (const std::string v : {"gpt2", "llama-gqa", "neox-parallel"})
            cases.push_back(v + "+lora");
        const std::string failures = eachVariant(cases, [](const std::string& c) {
            const bool withLora = contains(c, "+lora");
            const std::string v = withLora ? c.substr(0, c.size() - 5) : c;
            auto model = load(folder(v));
            if (withLora) {
                model->enableLora(LoraConfig{4, 8, {}});
                torch::NoGradGuard noGrad;  // non-zero B, so the adapters have curvature
                for (auto& p : model->named_parameters())
                    if (p.value().requires_grad()) p.value().normal_(0, 0.1);
            }
            model->train();
            const int64_t V = model->vocabSize();
            const torch::Tensor x = torch::randint(0, V, {2, 12}, torch::kLong);
            const torch::Tensor y = torch::randint(0, V, {2, 12}, torch::kLong);
            const auto params = trainable(*model);
            std::vector<torch::Tensor> direction;
            for (const auto& p : params) direction.push_back(torch::randn_like(p));
            LossFn loss = [&] { return nextTokenLoss(*model, x, y); };

            model->setGradientCheckpointing(false);
            const torch::Tensor l0 = loss();
            const auto g0 = gradients(l0, params);
            const auto h0 = hessianVectorProduct(params, loss, direction);
            model->setGradientCheckpointing(true);
            CHECK(model->gradientCheckpointing(), "not on");
            const torch::Tensor l1 = loss();
            const auto g1 = gradients(l1, params);
            const auto h1 = hessianVectorProduct(params, loss, direction);
            model->setGradientCheckpointing(false);

            const double dl =
                std::abs(l1.item<double>() - l0.item<double>()) / std::abs(l0.item<double>());
            const double dg = relErr(g1, g0), dh = relErr(h1, h0);
            double hNorm = 0;
            for (const auto& h : h0) hNorm += h.pow(2).sum().item<double>();
            qInfo("%-20s checkpointing vs not: loss %.1e, gradients %.1e, Hv %.1e", c.c_str(), dl,
                  dg, dh);
            CHECK(dl <= 1e-6, "loss " + fmt(dl));
            CHECK(dg <= 1e-6, "gradients " + fmt(dg));
            CHECK(hNorm > 1e-6, "Hv is zero");
            // The double-backward graph through the recomputed blocks sums in another order:
            // float32 rounding only (measured <= 9e-7), where a lost second-order path is O(1).
            CHECK(dh <= 1e-5, "Hessian-vector product " + fmt(dh));
            return std::string();
        });
        QVERIFY2(failures.empty(), failures.c_str());
    }

    // Precision bf16 with LoRA keeps the frozen projections in bfloat16: half their bytes,
    // logits within bfloat16 rounding, adapters still train in float32, and merging or
    // exporting gives float32 again.
    void frozenWeightsInBf16() {
        torch::manual_seed(23);
        const std::string failures = eachVariant(distinctVariants(), [](const std::string& v) {
            auto model = load(folder(v));
            const LmArchitecture arch = model->architecture();
            const torch::Tensor ids = reference(v).first;
            model->enableLora(LoraConfig{4, 8, {}});
            {
                torch::NoGradGuard noGrad;  // non-zero B, so the adapters change the logits
                for (auto& p : model->parameters())
                    if (p.requires_grad()) p.normal_(0, 0.05);
            }
            const torch::Tensor before = logits(*model, ids);
            auto bytes = [&](torch::ScalarType type) {
                int64_t n = 0;
                for (const auto& p : model->parameters())
                    if (p.scalar_type() == type) n += p.numel();
                return n;
            };
            model->storeFrozenWeightsInBf16();
            CHECK(bytes(torch::kBFloat16) == projectionWeightCount(arch),
                  "bf16 weights " + std::to_string(bytes(torch::kBFloat16)) + " of " +
                      std::to_string(projectionWeightCount(arch)));
            for (const auto& p : model->named_parameters())
                if (p.value().requires_grad())
                    CHECK(p.value().scalar_type() == torch::kFloat32, p.key() + " not float32");
            const double err = relErr(logits(*model, ids), before);
            CHECK(err < 3e-2, "bf16 logits " + fmt(err));
            CHECK(err > 0, "nothing was rounded");

            model->train();
            const torch::Tensor x = torch::randint(0, arch.vocab_size, {2, 8}, torch::kLong);
            const torch::Tensor y = torch::randint(0, arch.vocab_size, {2, 8}, torch::kLong);
            nextTokenLoss(*model, x, y).backward();
            for (const auto& p : trainable(*model))
                CHECK(p.grad().defined() && torch::isfinite(p.grad()).all().item<bool>() &&
                          p.grad().abs().max().item<double>() > 0,
                      "an adapter has no gradient");
            model->eval();
            for (const auto& [name, t] : model->hfTensors())
                CHECK(t.scalar_type() == torch::kFloat32,
                      name + " exported as " + std::string(c10::toString(t.scalar_type())));
            model->mergeLora();
            CHECK(bytes(torch::kBFloat16) == 0, "bf16 weights left after merging");
            return std::string();
        });
        QVERIFY2(failures.empty(), failures.c_str());
        // The estimate counts those weights at two bytes (on a CUDA device, where bf16 runs).
        const LmArchitecture arch = load(folder("llama-gqa"))->architecture();
        const MemoryEstimate fp32 = estimateTrainingMemory(arch, 4, {}, "adamw", "cuda", "fp32");
        const MemoryEstimate bf16 = estimateTrainingMemory(arch, 4, {}, "adamw", "cuda", "bf16");
        QCOMPARE(fp32.weights - bf16.weights, 2 * projectionWeightCount(arch));
        QCOMPARE(bf16.gradients, fp32.gradients);
        QCOMPARE(estimateTrainingMemory(arch, 4, {}, "adamw", "cpu", "bf16").weights, fp32.weights);
    }

    // Long sequences take the query-blocked path (fewer multiply-adds); it must be the
    // plain formula softmax(q k^T / sqrt(D) + causal mask) v, with the same first and
    // second derivatives.
    void blockedCausalAttentionIsTheFormula() {
        torch::manual_seed(24);
        for (int64_t T : {7, 64, 128, 200, 256, 513}) {
            auto opts = torch::TensorOptions().dtype(torch::kFloat64).requires_grad(true);
            torch::Tensor q = torch::randn({2, 3, T, 8}, opts),
                          k = torch::randn({2, 3, T, 8}, opts),
                          v = torch::randn({2, 3, T, 8}, opts);
            const torch::Tensor mask = torch::ones({T, T}, torch::kBool).triu(1);
            const torch::Tensor want =
                torch::softmax((q.matmul(k.transpose(-2, -1)) / std::sqrt(8.0))
                                   .masked_fill(mask, -std::numeric_limits<double>::infinity()),
                               -1)
                    .matmul(v);
            const torch::Tensor got = compat::mathCausalAttention(q, k, v);
            QVERIFY2(relErr(got, want) < 1e-12, ("T " + std::to_string(T)).c_str());
            const torch::Tensor w = torch::randn_like(want);
            auto g1 = torch::autograd::grad({(got * w).sum()}, {q, k, v}, {}, true, true);
            auto g0 = torch::autograd::grad({(want * w).sum()}, {q, k, v}, {}, true, true);
            QVERIFY(relErr(std::vector<torch::Tensor>(g1.begin(), g1.end()),
                           std::vector<torch::Tensor>(g0.begin(), g0.end())) < 1e-12);
            // Second derivatives: d/dq of <grad_k, u>.
            const torch::Tensor u = torch::randn_like(k);
            auto h1 = torch::autograd::grad({(g1[1] * u).sum()}, {q});
            auto h0 = torch::autograd::grad({(g0[1] * u).sum()}, {q});
            QVERIFY(relErr(h1[0], h0[0]) < 1e-12);
        }
    }
};

QTEST_APPLESS_MAIN(TestHfTraining)
#include "test_hf_training.moc"
