// GPT-2 model: Hugging Face names, causality, checkpoint I/O against an independent forward
// pass, LoRA, Hessian-vector products through attention, generation.
#include <torch/torch.h>

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <string>

#include "engine/models/internal/gpt_model.h"
#include "engine/models/internal/safetensors.h"
#include "engine/measure/internal/sharpness.h"

using namespace forgetlab;

namespace {

GptConfig tinyConfig() {
    GptConfig c;
    c.vocab_size = 11;
    c.n_layer = 2;
    c.n_head = 2;
    c.n_embd = 8;
    c.n_positions = 16;
    return c;
}

std::vector<std::string> hfNames(int layers) {
    std::vector<std::string> names = {"wte.weight", "wpe.weight"};
    for (int i = 0; i < layers; ++i) {
        const std::string p = "h." + std::to_string(i) + ".";
        for (const char* s :
             {"ln_1.weight", "ln_1.bias", "attn.c_attn.weight", "attn.c_attn.bias",
              "attn.c_proj.weight", "attn.c_proj.bias", "ln_2.weight", "ln_2.bias",
              "mlp.c_fc.weight", "mlp.c_fc.bias", "mlp.c_proj.weight", "mlp.c_proj.bias"})
            names.push_back(p + s);
    }
    names.push_back("ln_f.weight");
    names.push_back("ln_f.bias");
    return names;
}

// Known random weights in the Hugging Face layout (Conv1D weights [in, out]).
std::map<std::string, torch::Tensor> knownWeights(const GptConfig& c) {
    const int64_t e = c.n_embd;
    std::map<std::string, torch::Tensor> w;
    w["wte.weight"] = 0.5 * torch::randn({c.vocab_size, e});
    w["wpe.weight"] = 0.3 * torch::randn({c.n_positions, e});
    auto ln = [&](const std::string& p) {
        w[p + ".weight"] = 1.0 + 0.2 * torch::randn({e});
        w[p + ".bias"] = 0.1 * torch::randn({e});
    };
    auto conv = [&](const std::string& p, int64_t in, int64_t out) {
        w[p + ".weight"] = torch::randn({in, out}) / std::sqrt(double(in));
        w[p + ".bias"] = 0.1 * torch::randn({out});
    };
    for (int i = 0; i < c.n_layer; ++i) {
        const std::string p = "h." + std::to_string(i) + ".";
        ln(p + "ln_1");
        conv(p + "attn.c_attn", e, 3 * e);
        conv(p + "attn.c_proj", e, e);
        ln(p + "ln_2");
        conv(p + "mlp.c_fc", e, 4 * e);
        conv(p + "mlp.c_proj", 4 * e, e);
    }
    ln("ln_f");
    return w;
}

void writeText(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::trunc);
    out << text;
}

std::string configJson(const GptConfig& c, const std::string& skip = "") {
    std::string s = "{\"model_type\": \"gpt2\"";
    auto add = [&](const std::string& k, int v) {
        if (k != skip) s += ", \"" + k + "\": " + std::to_string(v);
    };
    add("n_layer", c.n_layer);
    add("n_head", c.n_head);
    add("n_embd", c.n_embd);
    add("vocab_size", c.vocab_size);
    add("n_positions", c.n_positions);
    return s + ", \"layer_norm_epsilon\": 1e-05}";
}

// As Hugging Face writes it: "transformer." prefix, tied lm_head and the mask buffers.
NamedTensors hfFile(const std::map<std::string, torch::Tensor>& w, const GptConfig& c) {
    NamedTensors out;
    for (const auto& [name, t] : w) out.emplace_back("transformer." + name, t);
    out.emplace_back("lm_head.weight", w.at("wte.weight"));
    for (int i = 0; i < c.n_layer; ++i)
        out.emplace_back("transformer.h." + std::to_string(i) + ".attn.bias",
                         torch::ones({1, 1, c.n_positions, c.n_positions}).tril());
    return out;
}

// The GPT-2 forward pass written out with plain tensor ops, in double precision.
torch::Tensor referenceForward(const std::map<std::string, torch::Tensor>& w32,
                               const torch::Tensor& ids, const GptConfig& c) {
    std::map<std::string, torch::Tensor> w;
    for (const auto& [k, t] : w32) w[k] = t.to(torch::kFloat64);
    const int64_t B = ids.size(0), T = ids.size(1), C = c.n_embd, H = c.n_head, D = C / H;
    auto layerNorm = [&](const torch::Tensor& x, const std::string& p) {
        auto mean = x.mean(-1, true);
        auto var = (x - mean).pow(2).mean(-1, true);
        return (x - mean) / torch::sqrt(var + c.layer_norm_eps) * w[p + ".weight"] + w[p + ".bias"];
    };
    auto linear = [&](const torch::Tensor& x, const std::string& p) {
        return x.matmul(w[p + ".weight"]) + w[p + ".bias"];
    };
    torch::Tensor mask = torch::zeros({T, T}, torch::kFloat64);
    for (int64_t i = 0; i < T; ++i)
        for (int64_t j = i + 1; j < T; ++j) mask[i][j] = -INFINITY;
    torch::Tensor x = w["wte.weight"].index_select(0, ids.reshape({-1})).reshape({B, T, C}) +
                      w["wpe.weight"].slice(0, 0, T);
    for (int l = 0; l < c.n_layer; ++l) {
        const std::string p = "h." + std::to_string(l) + ".";
        torch::Tensor qkv = linear(layerNorm(x, p + "ln_1"), p + "attn.c_attn");
        std::vector<torch::Tensor> heads;
        for (int64_t h = 0; h < H; ++h) {
            auto q = qkv.slice(2, h * D, (h + 1) * D);
            auto k = qkv.slice(2, C + h * D, C + (h + 1) * D);
            auto v = qkv.slice(2, 2 * C + h * D, 2 * C + (h + 1) * D);
            auto s = q.matmul(k.transpose(1, 2)) / std::sqrt(double(D)) + mask;
            auto e = torch::exp(s - std::get<0>(s.max(-1, true)));
            heads.push_back((e / e.sum(-1, true)).matmul(v));
        }
        x = x + linear(torch::cat(heads, 2), p + "attn.c_proj");
        auto f = linear(layerNorm(x, p + "ln_2"), p + "mlp.c_fc");
        auto g = 0.5 * f * (1.0 + torch::tanh(std::sqrt(2.0 / M_PI) * (f + 0.044715 * f * f * f)));
        x = x + linear(g, p + "mlp.c_proj");
    }
    return layerNorm(x, "ln_f").matmul(w["wte.weight"].t());
}

template <class E, class F>
std::string errorOf(F f) {
    try {
        f();
    } catch (const E& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

std::map<std::string, torch::Tensor> baseSnapshot(GptModel& m) {
    std::map<std::string, torch::Tensor> out;
    for (const auto& [name, t] : namedParameters(m))
        if (!contains(name, ".lora.")) out[name] = t.detach().clone();
    return out;
}

}  // namespace

class TestGptModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void parameterNamesAreHuggingFace() {
        GptModel model(tinyConfig());
        std::vector<std::string> names;
        for (const auto& [name, t] : namedParameters(model)) names.push_back(name);
        QCOMPARE(names, hfNames(2));
        const auto params = namedParameters(model);
        // HF Conv1D layout: h.0.attn.c_attn.weight is [in, out].
        QCOMPARE(params[4].second.sizes().vec(), (std::vector<int64_t>{8, 24}));

        GptModel standard{GptConfig{}};
        int64_t n = 0;
        for (const auto& p : standard.parameters()) n += p.numel();
        QCOMPARE(n, gptParameterCount(GptConfig{}));
        QCOMPARE(n, int64_t(842496));
    }

    void causality() {
        torch::manual_seed(1);
        GptModel model(tinyConfig());
        torch::Tensor ids = torch::randint(0, 11, {2, 12}, torch::kLong);
        torch::Tensor before = model.forward(ids, 0).detach();
        QCOMPARE(before.sizes().vec(), (std::vector<int64_t>{2, 12, 11}));
        for (int64_t t : {0, 5, 11}) {
            torch::Tensor changed = ids.clone();
            changed.select(1, t).add_(1).remainder_(11);
            torch::Tensor after = model.forward(changed, 0).detach();
            QVERIFY(torch::equal(before.slice(1, 0, t), after.slice(1, 0, t)));
            QVERIFY(!torch::equal(before.select(1, t), after.select(1, t)));
        }
    }

    void knownWeightsMatchIndependentForward() {
        QTemporaryDir dir;
        torch::manual_seed(7);
        const GptConfig c = tinyConfig();
        const auto w = knownWeights(c);
        const std::string root = dir.path().toStdString();
        saveSafetensors(root + "/model.safetensors", hfFile(w, c));
        writeText(root + "/config.json", configJson(c));

        const GptConfig read = readGpt2Config(root + "/config.json");
        QCOMPARE(read.n_layer, 2);
        QCOMPARE(read.n_head, 2);
        QCOMPARE(read.n_embd, 8);
        QCOMPARE(read.vocab_size, 11);
        QCOMPARE(read.n_positions, 16);
        GptModel model(read);
        loadGpt2Safetensors(model, root + "/model.safetensors");

        torch::Tensor ids = torch::randint(0, 11, {3, 16}, torch::kLong);
        torch::Tensor got = model.forward(ids, 0).detach().to(torch::kFloat64);
        torch::Tensor want = referenceForward(w, ids, c);
        QVERIFY(want.abs().max().item<double>() > 1.0);  // not a trivially small output
        const double err = (got - want).abs().max().item<double>();
        QVERIFY2(err < 1e-5, std::to_string(err).c_str());
    }

    void halfPrecisionWeightsAreConverted() {
        QTemporaryDir dir;
        torch::manual_seed(8);
        const GptConfig c = tinyConfig();
        NamedTensors half;
        for (const auto& [name, t] : knownWeights(c)) half.emplace_back(name, t.to(torch::kHalf));
        const std::string path = dir.path().toStdString() + "/model.safetensors";
        saveSafetensors(path, half);
        GptModel model(c);
        loadGpt2Safetensors(model, path);
        std::map<std::string, torch::Tensor> byName(half.begin(), half.end());
        for (const auto& [name, t] : namedParameters(model)) {
            QCOMPARE(t.scalar_type(), torch::kFloat32);
            QVERIFY(torch::equal(t, byName.at(name).to(torch::kFloat32)));
        }
    }

    void saveAndReloadRoundTrip() {
        QTemporaryDir dir;
        const std::string root = dir.path().toStdString() + "/export";
        GptConfig c = tinyConfig();
        c.layer_norm_eps = 1e-6;
        torch::manual_seed(3);
        GptModel a(c);
        saveGpt2(a, root);
        const GptConfig read = readGpt2Config(root + "/config.json");
        QCOMPARE(read.n_layer, c.n_layer);
        QCOMPARE(read.n_head, c.n_head);
        QCOMPARE(read.n_embd, c.n_embd);
        QCOMPARE(read.vocab_size, c.vocab_size);
        QCOMPARE(read.n_positions, c.n_positions);
        QCOMPARE(read.layer_norm_eps, 1e-6);
        std::vector<std::string> fileNames;
        for (const auto& [name, t] : loadSafetensors(root + "/model.safetensors"))
            fileNames.push_back(name);
        auto expected = hfNames(2);
        std::sort(expected.begin(), expected.end());
        std::sort(fileNames.begin(), fileNames.end());
        QCOMPARE(fileNames, expected);

        torch::manual_seed(4);
        GptModel b(read);
        loadGpt2Safetensors(b, root + "/model.safetensors");
        const auto pa = namedParameters(a), pb = namedParameters(b);
        QCOMPARE(pa.size(), pb.size());
        for (size_t i = 0; i < pa.size(); ++i) QVERIFY(torch::equal(pa[i].second, pb[i].second));
    }

    void badCheckpointsNameTheProblem() {
        QTemporaryDir dir;
        const std::string root = dir.path().toStdString();
        torch::manual_seed(5);
        const GptConfig c = tinyConfig();

        auto w = knownWeights(c);
        w["h.1.attn.c_attn.weight"] = torch::randn({8, 12});
        saveSafetensors(root + "/shape.safetensors", hfFile(w, c));
        GptModel model(c);
        const auto before = baseSnapshot(model);
        std::string e = errorOf<SafetensorsError>(
            [&] { loadGpt2Safetensors(model, root + "/shape.safetensors"); });
        QVERIFY2(contains(e, "h.1.attn.c_attn.weight is [8, 12]") && contains(e, "[8, 24]") &&
                     contains(e, "shape.safetensors") && contains(e, "config.json") &&
                     contains(e, "different models"),
                 e.c_str());
        for (const auto& [name, t] : baseSnapshot(model))  // nothing half-loaded
            QVERIFY(torch::equal(t, before.at(name)));

        w = knownWeights(c);
        w.erase("h.0.mlp.c_fc.bias");
        saveSafetensors(root + "/missing.safetensors", hfFile(w, c));
        e = errorOf<SafetensorsError>(
            [&] { loadGpt2Safetensors(model, root + "/missing.safetensors"); });
        QVERIFY2(contains(e, "'h.0.mlp.c_fc.bias' is missing"), e.c_str());

        w = knownWeights(c);
        w["h.2.ln_1.weight"] = torch::ones({8});
        saveSafetensors(root + "/extra.safetensors", hfFile(w, c));
        e = errorOf<SafetensorsError>(
            [&] { loadGpt2Safetensors(model, root + "/extra.safetensors"); });
        QVERIFY2(contains(e, "'h.2.ln_1.weight' is not part of"), e.c_str());

        writeText(root + "/config.json", configJson(c, "n_head"));
        e = errorOf<std::runtime_error>([&] { readGpt2Config(root + "/config.json"); });
        QVERIFY2(contains(e, "missing field 'n_head'") && contains(e, root + "/config.json"),
                 e.c_str());
        writeText(root + "/config.json",
                  "{\"n_layer\": 2, \"n_head\": 3, \"n_embd\": 8, "
                  "\"vocab_size\": 11, \"n_positions\": 16}");
        e = errorOf<std::runtime_error>([&] { readGpt2Config(root + "/config.json"); });
        QVERIFY2(contains(e, "'n_embd'") && contains(e, "'n_head'"), e.c_str());
    }

    void tooLongInputIsAClearError() {
        GptModel model(tinyConfig());
        std::string e = errorOf<std::invalid_argument>([&] {
            model.forward(torch::zeros({1, 17}, torch::kLong), 0);
        });
        QVERIFY2(contains(e, "input has 17 tokens") && contains(e, "(n_positions) is 16") &&
                     contains(e, "shorten the prompt"),
                 e.c_str());
        e = errorOf<std::invalid_argument>([&] { model.generate({3, 11}, 2, 0.0, 1); });
        QVERIFY2(contains(e, "outside the vocabulary"), e.c_str());
        e = errorOf<std::invalid_argument>([&] {
            GptConfig bad = tinyConfig();
            bad.n_head = 3;
            GptModel m(bad);
        });
        QVERIFY2(contains(e, "n_embd 8 is not divisible by n_head 3"), e.c_str());
    }

    void loraStartsAsBaseAndMergesExactly() {
        QTemporaryDir dir;
        torch::manual_seed(11);
        GptModel model(tinyConfig());
        torch::Tensor ids = torch::randint(0, 11, {4, 10}, torch::kLong);
        torch::Tensor targets = torch::randint(0, 11, {4, 10}, torch::kLong);
        const torch::Tensor base = model.forward(ids, 0).detach();
        const auto baseWeights = baseSnapshot(model);
        const int64_t total = model.trainableParameterCount();
        QCOMPARE(total, gptParameterCount(tinyConfig()));

        LoraConfig lora;
        lora.rank = 4;
        lora.alpha = 8;
        lora.targets = {"attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj"};
        model.enableLora(lora);
        QVERIFY(torch::equal(model.forward(ids, 0).detach(), base));

        // Per block: (8+24)*4 + (8+8)*4 + (8+32)*4 + (32+8)*4 = 512; two blocks.
        QCOMPARE(model.trainableParameterCount(), int64_t(1024));
        int64_t loraCount = 0;
        for (const auto& [name, t] : namedParameters(model)) {
            const bool isLora = contains(name, ".lora.");
            QCOMPARE(t.requires_grad(), isLora);
            if (isLora) loraCount += t.numel();
        }
        QCOMPARE(loraCount, int64_t(1024));
        QVERIFY(contains(namedParameters(model)[4].first, "h.0.attn.c_attn."));
        const std::string e = errorOf<std::invalid_argument>([&] {
            LoraConfig bad;
            bad.rank = 2;
            bad.targets = {"c_proj"};
            GptModel m(tinyConfig(), bad);
        });
        QVERIFY2(contains(e, "'c_proj'"), e.c_str());

        torch::optim::SGD sgd(model.trainableParameters(), torch::optim::SGDOptions(0.5));
        for (int step = 0; step < 5; ++step) {
            sgd.zero_grad();
            auto loss = torch::cross_entropy_loss(model.forward(ids, 0).reshape({-1, 11}),
                                                  targets.reshape({-1}));
            loss.backward();
            sgd.step();
        }
        for (const auto& [name, t] : baseSnapshot(model))
            QVERIFY2(torch::equal(t, baseWeights.at(name)), name.c_str());
        const torch::Tensor unmerged = model.forward(ids, 0).detach();
        QVERIFY((unmerged - base).abs().max().item<double>() > 1e-3);  // the adapters learned

        const std::string exported = dir.path().toStdString() + "/lora";
        saveGpt2(model, exported);  // folds the adapters into the file, model unchanged
        QVERIFY(model.hasLora());

        model.mergeLora();
        QVERIFY(!model.hasLora());
        const torch::Tensor merged = model.forward(ids, 0).detach();
        QVERIFY((merged - unmerged).abs().max().item<double>() < 1e-5);
        std::vector<std::string> names;
        for (const auto& [name, t] : namedParameters(model)) names.push_back(name);
        QCOMPARE(names, hfNames(2));
        QCOMPARE(model.trainableParameterCount(), total);

        GptModel reloaded(readGpt2Config(exported + "/config.json"));
        loadGpt2Safetensors(reloaded, exported + "/model.safetensors");
        QVERIFY(torch::equal(reloaded.forward(ids, 0).detach(), merged));
    }

    void hessianVectorProductThroughAttention() {
        torch::manual_seed(13);
        GptModel model(tinyConfig());
        model.to(torch::kFloat64);
        torch::Tensor ids = torch::randint(0, 11, {2, 7}, torch::kLong);
        torch::Tensor targets = torch::randint(0, 11, {2, 7}, torch::kLong);
        const auto params = model.parameters();
        LossFn loss = [&] {
            return torch::cross_entropy_loss(model.forward(ids, 0).reshape({-1, 11}),
                                             targets.reshape({-1}));
        };
        std::vector<torch::Tensor> v;
        for (const auto& p : params) v.push_back(torch::randn_like(p));
        const auto hv = hessianVectorProduct(params, loss, v);

        auto gradient = [&] {
            auto g = torch::autograd::grad({loss()}, params, {}, false, false, true);
            for (size_t i = 0; i < g.size(); ++i)
                if (!g[i].defined()) g[i] = torch::zeros_like(params[i]);
            return g;
        };
        auto shift = [&](double s) {
            torch::NoGradGuard noGrad;
            for (size_t i = 0; i < params.size(); ++i) params[i].add_(v[i], s);
        };
        const double eps = 1e-5;
        shift(eps);
        const auto gPlus = gradient();
        shift(-2 * eps);
        const auto gMinus = gradient();
        shift(eps);
        double diff = 0.0, norm = 0.0;
        bool attentionCurvature = false;
        for (size_t i = 0; i < params.size(); ++i) {
            auto fd = (gPlus[i] - gMinus[i]) / (2 * eps);
            diff += (hv[i] - fd).pow(2).sum().item<double>();
            norm += hv[i].pow(2).sum().item<double>();
            if (i == 4 && hv[i].abs().max().item<double>() > 1e-6) attentionCurvature = true;
        }
        QVERIFY(attentionCurvature);  // h.0.attn.c_attn.weight
        const double rel = std::sqrt(diff / norm);
        QVERIFY2(rel < 1e-5, std::to_string(rel).c_str());
    }

    void generationIsDeterministic() {
        torch::manual_seed(17);
        GptModel model(tinyConfig());
        std::vector<int64_t> prompt;
        for (int i = 0; i < 20; ++i) prompt.push_back((i * 7) % 11);  // longer than the context

        const auto greedy = model.generate(prompt, 8, 0.0, 1);
        QCOMPARE(greedy.size(), size_t(8));
        QCOMPARE(model.generate(prompt, 8, 0.0, 99), greedy);
        std::vector<int64_t> tokens = prompt;
        {
            torch::NoGradGuard noGrad;
            for (int n = 0; n < 8; ++n) {
                std::vector<int64_t> ctx(tokens.end() - 16, tokens.end());
                auto logits = model.forward(torch::tensor(ctx, torch::kLong).unsqueeze(0), 0);
                tokens.push_back(logits[0][-1].argmax().item<int64_t>());
            }
        }
        QCOMPARE(std::vector<int64_t>(tokens.begin() + 20, tokens.end()), greedy);

        const auto a = model.generate(prompt, 30, 1.0, 42);
        QCOMPARE(model.generate(prompt, 30, 1.0, 42), a);
        QVERIFY(model.generate(prompt, 30, 1.0, 43) != a);
        for (auto t : a) QVERIFY(t >= 0 && t < 11);
        QVERIFY(model.is_training());  // mode restored
    }
};

QTEST_APPLESS_MAIN(TestGptModel)
#include "test_gpt_model.moc"
