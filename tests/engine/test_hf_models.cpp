// Hugging Face model folders of every family against an independent forward pass: the tiny
// checkpoints and their reference logits come from tests/fixtures/hf/make_tiny_models.py
// (the ctest fixture make_hf_fixtures; folder in FORGETLAB_HF_FIXTURES). Configs, logits
// (plain and through the KV cache), sharded / BF16 / F16 folders, export round trips, folder
// inspection, tokenizer files, and the errors bad folders give.
#include <torch/torch.h>

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/data/tokenizer.h"
#include "engine/models/internal/language_model.h"
#include "engine/models/internal/safetensors.h"
#include "engine/models/model_folder.h"
#include "hf_fixture_helpers.h"

using namespace forgetlab;
using namespace forgetlab::test;
namespace fs = std::filesystem;

namespace {

void writeText(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::trunc);
    out << text;
}

const json& info(const std::string& variant) {
    return manifest()["variants"][variant];
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

}  // namespace

class TestHfModels : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { requireHfFixtures(); }

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
