// Hugging Face model folders of every family against an independent forward pass: the tiny
// checkpoints and their reference logits come from tests/fixtures/hf/make_tiny_models.py
// (the ctest fixture make_hf_fixtures; folder in FORGETLAB_HF_FIXTURES). Logits (plain and
// through the KV cache), sharded / BF16 / F16 folders, export round trips, cached vs
// uncached generation, LoRA with each family's default targets, gradient checkpointing
// (gradients and Hessian-vector products), folder inspection, and the errors bad folders
// give.
#include <torch/torch.h>

#include <QTemporaryDir>
#include <QtTest>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/data/tokenizer.h"
#include "engine/measure/internal/sharpness.h"
#include "engine/models/internal/language_model.h"
#include "engine/models/internal/safetensors.h"
#include "engine/models/model_folder.h"

using namespace forgetlab;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

constexpr double kTolerance = 1e-5;  // SCIENCE.md section 6: float32, 1e-5 relative

std::string fixturesDir() {
    if (const char* e = std::getenv("FORGETLAB_HF_FIXTURES"); e && *e) return e;
    return FORGETLAB_HF_FIXTURES_DIR;
}

std::string folder(const std::string& variant) {
    return fixturesDir() + "/" + variant;
}

bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

std::string readText(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void writeText(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::trunc);
    out << text;
}

json readJson(const std::string& path) {
    return json::parse(readText(path));
}

const json& manifest() {
    static const json m = [] {
        const std::string path = fixturesDir() + "/manifest.json";
        if (!fs::exists(path)) return json();
        return readJson(path);
    }();
    return m;
}

std::vector<std::string> variants() {
    std::vector<std::string> out;
    for (auto it = manifest()["variants"].begin(); it != manifest()["variants"].end(); ++it)
        out.push_back(it.key());
    return out;
}

// Variants with their own architecture (llama-sharded repeats llama-gqa).
std::vector<std::string> distinctVariants() {
    std::vector<std::string> out;
    for (const auto& v : variants())
        if (v != "llama-sharded") out.push_back(v);
    return out;
}

const json& info(const std::string& variant) {
    return manifest()["variants"][variant];
}

std::shared_ptr<LanguageModel> load(const std::string& dir) {
    const LmArchitecture arch = readHfConfig(dir + "/config.json");
    auto model = makeLanguageModel(arch, false);
    loadHfWeights(*model, dir);
    model->eval();
    return model;
}

std::map<std::string, torch::Tensor> asMap(const NamedTensors& tensors) {
    return {tensors.begin(), tensors.end()};
}

// reference.safetensors: input_ids [1, T] and logits [1, T, V].
std::pair<torch::Tensor, torch::Tensor> reference(const std::string& variant) {
    auto r = asMap(loadSafetensors(folder(variant) + "/reference.safetensors"));
    return {r.at("input_ids"), r.at("logits")};
}

// Every tensor of a folder's weight files (model.safetensors or its shards).
std::map<std::string, torch::Tensor> folderTensors(const std::string& dir) {
    std::map<std::string, torch::Tensor> out;
    if (fs::exists(dir + "/model.safetensors"))
        return asMap(loadSafetensors(dir + "/model.safetensors"));
    const json index = readJson(dir + "/model.safetensors.index.json");
    std::set<std::string> files;
    for (auto it = index["weight_map"].begin(); it != index["weight_map"].end(); ++it)
        files.insert(it.value().get<std::string>());
    for (const auto& f : files)
        for (auto& [name, t] : loadSafetensors(dir + "/" + f)) out[name] = t;
    return out;
}

// max |got - want| / max |want|
double relErr(const torch::Tensor& got, const torch::Tensor& want) {
    const torch::Tensor g = got.detach().to(torch::kFloat64), w = want.detach().to(torch::kFloat64);
    return (g - w).abs().max().item<double>() / w.abs().max().item<double>();
}

double relErr(const std::vector<torch::Tensor>& got, const std::vector<torch::Tensor>& want) {
    std::vector<torch::Tensor> g, w;
    for (const auto& t : got) g.push_back(t.detach().reshape({-1}));
    for (const auto& t : want) w.push_back(t.detach().reshape({-1}));
    return relErr(torch::cat(g), torch::cat(w));
}

torch::Tensor logits(LanguageModel& model, const torch::Tensor& ids) {
    torch::NoGradGuard noGrad;
    return model.forward(ids, 0).detach();
}

std::string fmt(double x) {
    std::ostringstream s;
    s << x;
    return s.str();
}

// The fields of two architectures that differ ("" when none).
std::string archDiff(const LmArchitecture& a, const LmArchitecture& b) {
    std::string d;
#define FL_FIELD(f) \
    if (!(a.f == b.f)) d += std::string(#f) + " ";
    FL_FIELD(family)
    FL_FIELD(vocab_size)
    FL_FIELD(hidden_size)
    FL_FIELD(num_layers)
    FL_FIELD(num_heads)
    FL_FIELD(num_kv_heads)
    FL_FIELD(head_dim)
    FL_FIELD(intermediate_size)
    FL_FIELD(max_positions)
    FL_FIELD(norm_eps)
    FL_FIELD(hidden_act)
    FL_FIELD(rope_theta)
    FL_FIELD(rotary_pct)
    FL_FIELD(rope_scaling)
    FL_FIELD(rope_factor)
    FL_FIELD(rope_low_freq_factor)
    FL_FIELD(rope_high_freq_factor)
    FL_FIELD(rope_original_max_positions)
    FL_FIELD(qkv_bias)
    FL_FIELD(o_bias)
    FL_FIELD(mlp_bias)
    FL_FIELD(tie_word_embeddings)
    FL_FIELD(parallel_residual)
    FL_FIELD(clip_qkv)
    FL_FIELD(sliding_window)
    FL_FIELD(bos_token_id)
    FL_FIELD(eos_token_id)
#undef FL_FIELD
    return d;
}

// The message of the ModelFolderError f throws; says so when it throws something else or
// nothing.
template <class F>
std::string folderError(F f) {
    try {
        f();
    } catch (const ModelFolderError& e) {
        return e.what();
    } catch (const std::exception& e) {
        return std::string("<not a ModelFolderError> ") + e.what();
    }
    return "<no exception>";
}

bool isFolderError(const std::string& e) {
    return e.rfind("<", 0) != 0;
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

// Per-variant checks return "" or what failed, so one broken family neither hides the
// others nor stops the run.
#define CHECK(cond, what)                                                         \
    do {                                                                          \
        if (!(cond)) return std::string(what) + "  [" + std::string(#cond) + "]"; \
    } while (0)

template <class F>
std::string eachVariant(const std::vector<std::string>& names, F body) {
    std::string failures;
    for (const auto& v : names) {
        std::string e;
        try {
            e = body(v);
        } catch (const std::exception& ex) {
            const std::string what = ex.what();  // torch errors: first line, no backtrace
            e = "threw: " + what.substr(0, what.find('\n'));
        }
        if (!e.empty()) failures += "\n  " + v + ": " + e;
    }
    return failures;
}

}  // namespace

class TestHfModels : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QVERIFY2(!manifest().is_null(),
                 ("no " + fixturesDir() +
                  "/manifest.json: run the fixture first (ctest -R 'make_hf_fixtures|"
                  "test_hf_models', or python3 tests/fixtures/hf/make_tiny_models.py DIR and "
                  "FORGETLAB_HF_FIXTURES=DIR)")
                     .c_str());
        QVERIFY(variants().size() >= 13);
        torch::set_num_threads(1);  // deterministic reductions for the bit-for-bit checks
    }

    void configsReadAsWritten() {
        const std::string failures = eachVariant(variants(), [](const std::string& v) {
            const LmArchitecture a = readHfConfig(folder(v) + "/config.json");
            const json& m = info(v);
            CHECK(a.family == m["family"].get<std::string>(), a.family);
            CHECK(a.num_layers == m["layers"].get<int>(), "layers");
            CHECK(a.hidden_size == m["hidden"].get<int>(), "hidden");
            CHECK(a.num_heads == m["heads"].get<int>(), "heads");
            CHECK(a.num_kv_heads == m["kv_heads"].get<int>(), "kv heads");
            CHECK(a.head_dim == m["head_dim"].get<int>(), "head_dim");
            CHECK(a.vocab_size == m["vocab_size"].get<int>(), "vocab");
            CHECK(a.max_positions == m["context"].get<int>(), "context");
            CHECK(a.tie_word_embeddings == m["tied"].get<bool>(), "tied");
            CHECK(a.bos_token_id == m["bos_token_id"].get<int>(), "bos");
            CHECK(a.eos_token_id == m["eos_token_id"].get<int>(), "eos");
            // The model built from it reports the same architecture.
            const auto model = makeLanguageModel(a, false);
            const std::string d = archDiff(model->architecture(), a);
            CHECK(d.empty(), "architecture() differs from config.json in: " + d);
            return std::string();
        });
        QVERIFY2(failures.empty(), failures.c_str());

        auto arch = [](const std::string& v) { return readHfConfig(folder(v) + "/config.json"); };
        LmArchitecture a = arch("gpt2");
        QCOMPARE(a.hidden_act, std::string("gelu_new"));
        QCOMPARE(a.intermediate_size, 4 * 32);
        a = arch("llama-gqa");
        QCOMPARE(a.hidden_act, std::string("silu"));
        QVERIFY(!a.qkv_bias && !a.o_bias && !a.mlp_bias);
        QCOMPARE(a.rope_scaling, std::string("none"));
        QCOMPARE(a.sliding_window, 0);
        QCOMPARE(a.norm_eps, 1e-5);
        a = arch("llama-tied-linear");
        QCOMPARE(a.rope_scaling, std::string("linear"));  // old spelling: "type"
        QCOMPARE(a.rope_factor, 2.0);
        QVERIFY(a.qkv_bias && a.o_bias && !a.mlp_bias);  // attention_bias: q, k, v and o
        QCOMPARE(a.norm_eps, 1e-6);
        a = arch("llama3-head-dim");
        QCOMPARE(a.rope_scaling, std::string("llama3"));  // new spelling: "rope_type"
        QCOMPARE(a.rope_factor, 8.0);
        QCOMPARE(a.rope_low_freq_factor, 1.0);
        QCOMPARE(a.rope_high_freq_factor, 4.0);
        QCOMPARE(a.rope_original_max_positions, 32);
        QCOMPARE(a.head_dim, 16);  // not 48 / 4
        QVERIFY(a.mlp_bias && !a.qkv_bias);
        QCOMPARE(arch("mistral-window").sliding_window, 5);
        a = arch("qwen2");
        QCOMPARE(a.sliding_window, 0);  // use_sliding_window is false
        QVERIFY(a.qkv_bias && !a.o_bias && !a.mlp_bias);
        QCOMPARE(a.rope_theta, 1e6);
        a = arch("neox-parallel");
        QCOMPARE(a.rotary_pct, 0.25);
        QVERIFY(a.parallel_residual && !a.tie_word_embeddings);
        QCOMPARE(a.hidden_act, std::string("gelu"));
        a = arch("neox-sequential");
        QCOMPARE(a.rotary_pct, 0.5);
        QVERIFY(!a.parallel_residual);
        QCOMPARE(a.rope_theta, 20000.0);  // rotary_emb_base
        a = arch("olmo-clip");
        QCOMPARE(a.clip_qkv, 2.0);
        QCOMPARE(a.norm_eps, 1e-5);
        QCOMPARE(a.bos_token_id, -1);  // null
        a = arch("olmo2");
        QCOMPARE(a.norm_eps, 1e-6);
        QCOMPARE(a.rope_theta, 500000.0);
    }

    void logitsMatchTheReference() {
        const std::string failures = eachVariant(variants(), [](const std::string& v) {
            const auto [ids, want] = reference(v);
            auto model = load(folder(v));
            const torch::Tensor got = logits(*model, ids);
            CHECK(got.scalar_type() == torch::kFloat32, "dtype");
            CHECK(got.sizes() == want.sizes(), "shape " + c10::str(got.sizes()));
            const double err = relErr(got, want);
            qInfo("%-18s logits vs reference: %.2e", v.c_str(), err);
            CHECK(err < kTolerance, "relative error " + fmt(err));
            return std::string();
        });
        QVERIFY2(failures.empty(), failures.c_str());
    }

    void cachedForwardMatchesTheReference() {
        const std::string failures = eachVariant(variants(), [](const std::string& v) {
            const auto [ids, want] = reference(v);
            auto model = load(folder(v));
            torch::NoGradGuard noGrad;
            KvCache cache;
            std::vector<torch::Tensor> parts;
            // Chunks of 4, 1 and 8 tokens: crosses mistral-window's window of 5.
            for (auto [from, to] : {std::pair<int64_t, int64_t>{0, 4}, {4, 5}, {5, 13}}) {
                parts.push_back(model->forwardCached(ids.slice(1, from, to), cache));
                CHECK(cache.length == to, "cache.length " + std::to_string(cache.length));
            }
            const double err = relErr(torch::cat(parts, 1), want);
            CHECK(err < kTolerance, "relative error " + fmt(err));
            return std::string();
        });
        QVERIFY2(failures.empty(), failures.c_str());
    }

    void shardedAndHalfPrecisionFoldersLoad() {
        // llama-sharded holds llama-gqa's weights over two shards.
        auto whole = load(folder("llama-gqa"));
        auto sharded = load(folder("llama-sharded"));
        const auto ref = reference("llama-sharded");
        QVERIFY(torch::equal(logits(*whole, ref.first), logits(*sharded, ref.first)));
        const auto a = asMap(whole->hfTensors()), b = asMap(sharded->hfTensors());
        QCOMPARE(a.size(), b.size());
        for (const auto& [name, t] : a) QVERIFY2(torch::equal(t, b.at(name)), name.c_str());

        // Half-precision files: float32 parameters holding exactly the stored values.
        const std::string failures =
            eachVariant({"llama-bf16", "neox-f16"}, [](const std::string& v) {
                auto model = load(folder(v));
                const auto stored = folderTensors(folder(v));
                const auto expected = v == "llama-bf16" ? torch::kBFloat16 : torch::kFloat16;
                for (const auto& [name, t] : asMap(model->hfTensors())) {
                    CHECK(t.scalar_type() == torch::kFloat32, name);
                    CHECK(stored.at(name).scalar_type() == expected, name);
                    CHECK(torch::equal(t, stored.at(name).to(torch::kFloat32)), name);
                }
                return std::string();
            });
        QVERIFY2(failures.empty(), failures.c_str());
    }

    void exportRoundTripIsBitIdentical() {
        QTemporaryDir tmp;
        const std::string root = tmp.path().toStdString();
        const std::string failures = eachVariant(variants(), [&](const std::string& v) {
            const std::string dir = folder(v), out = root + "/" + v;
            const LmArchitecture original = readHfConfig(dir + "/config.json");
            auto model = load(dir);
            saveHfModel(*model, out, readText(dir + "/config.json"));
            CHECK(fs::exists(out + "/model.safetensors"), "no model.safetensors");
            CHECK(!fs::exists(out + "/model.safetensors.index.json"), "an index");

            // config.json: the same architecture, the source's other keys kept.
            const LmArchitecture b = readHfConfig(out + "/config.json");
            CHECK(archDiff(original, b).empty(), "exported config.json: " + archDiff(original, b));
            const json written = readJson(out + "/config.json");
            const json sourceJson = readJson(dir + "/config.json");
            for (auto it = sourceJson.begin(); it != sourceJson.end(); ++it)
                CHECK(written.contains(it.key()), "the source's key '" + it.key() + "' dropped");
            CHECK(written["model_type"].get<std::string>() == original.family, "model_type");

            // The file holds the fixture's tensors under the same names, as float32, bit for
            // bit (buffers and a tied head dropped).
            const auto source = folderTensors(dir), saved = folderTensors(out);
            std::set<std::string> expectedNames, savedNames;
            for (const auto& [name, t] : source) expectedNames.insert(name);
            for (const auto& b : info(v)["buffers"]) expectedNames.erase(b.get<std::string>());
            for (const auto& [name, t] : saved) savedNames.insert(name);
            CHECK(savedNames == expectedNames, "tensor names differ");
            for (const auto& [name, t] : saved) {
                CHECK(t.scalar_type() == torch::kFloat32, name);
                CHECK(torch::equal(t, source.at(name).to(torch::kFloat32)), name);
            }

            // Loads again into identical tensors and logits.
            auto again = load(out);
            const auto ta = asMap(model->hfTensors()), tb = asMap(again->hfTensors());
            CHECK(ta.size() == tb.size(), "hfTensors count");
            for (const auto& [name, t] : ta) CHECK(torch::equal(t, tb.at(name)), name);
            const auto ref = reference(v);
            CHECK(torch::equal(logits(*model, ref.first), logits(*again, ref.first)), "logits");

            // ForgetLab's own config.json (no source) describes the same architecture.
            writeText(out + "/own.json", hfConfigJson(original));
            const LmArchitecture c = readHfConfig(out + "/own.json");
            CHECK(archDiff(original, c).empty(), "hfConfigJson: " + archDiff(original, c));
            // And so does an export without the source config.json.
            saveHfModel(*model, out + "-plain");
            const LmArchitecture d = readHfConfig(out + "-plain/config.json");
            CHECK(archDiff(original, d).empty(), "export without source: " + archDiff(original, d));
            return std::string();
        });
        QVERIFY2(failures.empty(), failures.c_str());
    }

    void shardedExportRoundTrip() {
        QTemporaryDir tmp;
        const int64_t shardBytes = 64 * 1024;
        const std::string failures =
            eachVariant({"llama-gqa", "gpt2", "neox-sequential"}, [&](const std::string& v) {
                const std::string out = tmp.path().toStdString() + "/" + v;
                auto model = load(folder(v));
                saveHfModel(*model, out, "", shardBytes);
                CHECK(!fs::exists(out + "/model.safetensors"), "model.safetensors too");
                const json index = readJson(out + "/model.safetensors.index.json");
                std::set<std::string> files;
                for (auto it = index["weight_map"].begin(); it != index["weight_map"].end(); ++it)
                    files.insert(it.value().get<std::string>());
                CHECK(files.size() >= 2, "one shard");
                int64_t total = 0;
                for (const auto& file : files) {
                    CHECK(fs::exists(out + "/" + file), file);
                    int64_t bytes = 0, largest = 0;
                    for (const auto& [name, t] : loadSafetensors(out + "/" + file)) {
                        CHECK(index["weight_map"][name].get<std::string>() == file, name);
                        bytes += t.numel() * t.element_size();
                        largest = std::max(largest, t.numel() * t.element_size());
                    }
                    CHECK(bytes <= shardBytes || bytes == largest,
                          file + " holds " + std::to_string(bytes) + " bytes");
                    total += bytes;
                }
                CHECK(index["metadata"]["total_size"].get<int64_t>() == total, "total_size");
                const ModelFolderInfo i = inspectModelFolder(out);
                CHECK(i.shards == int(files.size()), "shards " + std::to_string(i.shards));
                CHECK(i.weights_file == "model.safetensors.index.json", i.weights_file);

                auto again = load(out);
                const auto ta = asMap(model->hfTensors()), tb = asMap(again->hfTensors());
                CHECK(ta.size() == tb.size(), "hfTensors count");
                for (const auto& [name, t] : ta) CHECK(torch::equal(t, tb.at(name)), name);

                // Exporting again into the same folder as one file removes the index.
                saveHfModel(*again, out);
                CHECK(fs::exists(out + "/model.safetensors"), "no model.safetensors");
                CHECK(!fs::exists(out + "/model.safetensors.index.json"), "stale index");
                CHECK(inspectModelFolder(out).shards == 1, "shards");
                return std::string();
            });
        QVERIFY2(failures.empty(), failures.c_str());
    }

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

    void folderInfoAndParameterCounts() {
        const std::string failures = eachVariant(variants(), [](const std::string& v) {
            const json& m = info(v);
            const ModelFolderInfo i = inspectModelFolder(folder(v));
            CHECK(i.arch.family == m["family"].get<std::string>(), i.arch.family);
            CHECK(i.arch.num_layers == m["layers"].get<int>(), "layers");
            CHECK(i.parameters == m["parameters"].get<int64_t>(),
                  std::to_string(i.parameters) + " parameters");
            CHECK(parameterCount(i.arch) == m["parameters"].get<int64_t>(), "parameterCount");
            CHECK(i.dtype == m["dtype"].get<std::string>(), "dtype " + i.dtype);
            CHECK(i.shards == m["shards"].get<int>(), std::to_string(i.shards) + " shards");
            CHECK(i.weights_file == m["weights_file"].get<std::string>(), i.weights_file);
            CHECK(i.weight_bytes == m["weight_bytes"].get<int64_t>(),
                  std::to_string(i.weight_bytes) + " bytes");
            CHECK(i.tokenizer_kind == "tokenizer.json", i.tokenizer_kind);
            CHECK(archDiff(i.arch, readHfConfig(folder(v) + "/config.json")).empty(), "arch");

            auto model = load(folder(v));
            int64_t n = 0;
            for (const auto& p : model->parameters()) n += p.numel();
            CHECK(n == m["parameters"].get<int64_t>(), std::to_string(n) + " model parameters");
            CHECK(model->trainableParameterCount() == n, "trainable");
            return std::string();
        });
        QVERIFY2(failures.empty(), failures.c_str());

        // Mixed dtypes are named as such.
        QTemporaryDir tmp;
        const std::string dir = tmp.path().toStdString();
        fs::copy_file(folder("llama-gqa") + "/config.json", dir + "/config.json");
        NamedTensors mixed;
        for (auto& [name, t] : loadSafetensors(folder("llama-gqa") + "/model.safetensors"))
            mixed.emplace_back(name, contains(name, "norm") ? t : t.to(torch::kBFloat16));
        saveSafetensors(dir + "/model.safetensors", mixed);
        const ModelFolderInfo i = inspectModelFolder(dir);
        QVERIFY2(contains(i.dtype, "BF16") && contains(i.dtype, "F32"), i.dtype.c_str());
        QCOMPARE(i.tokenizer_kind, std::string("none"));
    }

    void tokenizerFilesEncodeAsTheFixtureSays() {
        // reference_tokens.json holds the fixture script's own BPE encoding of a probe text.
        const std::string failures = eachVariant(variants(), [](const std::string& v) {
            const json r = readJson(folder(v) + "/reference_tokens.json");
            const TokenizerSetup t = loadTokenizerFolder(folder(v), 300);
            CHECK(t.kind == "tokenizer.json", t.kind);
            CHECK(t.tokenizer->vocabSize() == r["tokenizer_vocab_size"].get<int>(),
                  "vocabulary " + std::to_string(t.tokenizer->vocabSize()));
            const std::string text = r["text"].get<std::string>();
            const auto ids = r["ids"].get<std::vector<int>>();
            CHECK(t.tokenizer->encode(text) == ids, "encode");
            CHECK(t.encodeWithSpecials(text) == r["ids_with_specials"].get<std::vector<int>>(),
                  "encodeWithSpecials");
            CHECK(t.add_bos == r["add_bos_token"].get<bool>(), "add_bos");
            CHECK(t.bos_id == r["bos_token_id"].get<int>(), "bos " + std::to_string(t.bos_id));
            CHECK(t.eos_id == r["eos_token_id"].get<int>(), "eos " + std::to_string(t.eos_id));
            CHECK(t.tokenizer->decode(ids) == text, "decode");
            return std::string();
        });
        QVERIFY2(failures.empty(), failures.c_str());
    }

    void badFoldersNameTheProblem() {
        QTemporaryDir tmp;
        const std::string root = tmp.path().toStdString();
        int n = 0;
        auto copyOf = [&](const std::string& v) {
            const std::string dir = root + "/case" + std::to_string(++n);
            fs::copy(folder(v), dir, fs::copy_options::recursive);
            return dir;
        };
        const LmArchitecture arch = readHfConfig(folder("llama-gqa") + "/config.json");
        auto fresh = [&] { return makeLanguageModel(arch, true); };
        const auto good = loadSafetensors(folder("llama-gqa") + "/model.safetensors");
        auto rewrite = [&](const std::string& dir, const NamedTensors& tensors) {
            saveSafetensors(dir + "/model.safetensors", tensors);
        };
        auto check = [](const std::string& e, const std::vector<std::string>& parts) {
            bool ok = isFolderError(e);
            for (const auto& p : parts) ok = ok && contains(e, p);
            QVERIFY2(ok, e.c_str());
        };

        // No config.json.
        std::string dir = copyOf("llama-gqa");
        fs::remove(dir + "/config.json");
        check(folderError([&] { inspectModelFolder(dir); }), {dir, "config.json"});
        check(folderError([&] { readHfConfig(dir + "/config.json"); }), {dir + "/config.json"});

        // No weights.
        dir = copyOf("llama-gqa");
        fs::remove(dir + "/model.safetensors");
        check(folderError([&] { inspectModelFolder(dir); }), {dir, "model.safetensors"});
        check(folderError([&] { loadHfWeights(*fresh(), dir); }), {dir, "model.safetensors"});

        // A shard the index names is absent.
        dir = copyOf("llama-sharded");
        fs::remove(dir + "/model-00002-of-00002.safetensors");
        check(folderError([&] { inspectModelFolder(dir); }),
              {"model-00002-of-00002.safetensors", "model.safetensors.index.json"});
        check(folderError([&] { loadHfWeights(*fresh(), dir); }),
              {"model-00002-of-00002.safetensors", "model.safetensors.index.json"});

        // A tensor missing.
        dir = copyOf("llama-gqa");
        NamedTensors t;
        for (const auto& nt : good)
            if (nt.first != "model.layers.1.mlp.up_proj.weight") t.push_back(nt);
        rewrite(dir, t);
        check(folderError([&] { loadHfWeights(*fresh(), dir); }),
              {dir, "model.layers.1.mlp.up_proj.weight", "missing"});

        // An extra tensor.
        dir = copyOf("llama-gqa");
        t = good;
        t.emplace_back("model.layers.2.input_layernorm.weight", torch::ones({64}));
        rewrite(dir, t);
        check(folderError([&] { loadHfWeights(*fresh(), dir); }),
              {dir + "/model.safetensors", "model.layers.2.input_layernorm.weight"});

        // A wrong shape: both shapes named, nothing half-loaded.
        dir = copyOf("llama-gqa");
        t.clear();
        for (const auto& [name, w] : good)
            t.emplace_back(name, name == "model.layers.0.self_attn.k_proj.weight"
                                     ? torch::zeros({64, 64})
                                     : w);
        rewrite(dir, t);
        torch::manual_seed(3);
        auto model = fresh();
        std::map<std::string, torch::Tensor> before;
        for (const auto& p : model->named_parameters()) before[p.key()] = p.value().clone();
        check(folderError([&] { loadHfWeights(*model, dir); }),
              {dir + "/model.safetensors", "model.layers.0.self_attn.k_proj.weight", "[64, 64]",
               "[32, 64]"});
        for (const auto& p : model->named_parameters())
            QVERIFY2(torch::equal(p.value(), before.at(p.key())), p.key().c_str());

        // An unsupported dtype.
        dir = copyOf("llama-gqa");
        t.clear();
        for (const auto& [name, w] : good)
            t.emplace_back(name, name == "model.norm.weight" ? w.to(torch::kInt32) : w);
        rewrite(dir, t);
        check(folderError([&] { loadHfWeights(*fresh(), dir); }),
              {dir + "/model.safetensors", "model.norm.weight", "I32"});
        check(folderError([&] { inspectModelFolder(dir); }), {dir + "/model.safetensors", "I32"});

        // config.json edits: unknown family, activation, rope scaling.
        auto editConfig = [&](const std::function<void(json&)>& edit) {
            const std::string d = copyOf("llama-gqa");
            json c = readJson(d + "/config.json");
            edit(c);
            writeText(d + "/config.json", c.dump(2));
            return d;
        };
        dir = editConfig([](json& c) { c["model_type"] = "gemma"; });
        for (const std::string& e : {folderError([&] { readHfConfig(dir + "/config.json"); }),
                                     folderError([&] { inspectModelFolder(dir); })})
            check(e, {dir + "/config.json", "gemma", "model_type", "llama", "gpt_neox", "olmo2"});
        dir = editConfig([](json& c) { c["hidden_act"] = "relu2"; });
        check(folderError([&] { readHfConfig(dir + "/config.json"); }),
              {dir + "/config.json", "hidden_act", "relu2"});
        dir = editConfig([](json& c) {
            c["rope_scaling"] = {
                {"rope_type", "yarn"}, {"factor", 4.0}, {"original_max_position_embeddings", 32}};
        });
        check(folderError([&] { readHfConfig(dir + "/config.json"); }),
              {dir + "/config.json", "rope_scaling", "yarn"});
    }
};

QTEST_APPLESS_MAIN(TestHfModels)
#include "test_hf_models.moc"
