#pragma once
// Helpers shared by the Hugging Face model-folder tests (test_hf_models.cpp,
// test_hf_training.cpp): where the fixture folders of tests/fixtures/hf/make_tiny_models.py
// are, reading their manifest, reference logits and weights, relative errors, and the
// per-variant CHECK / eachVariant harness.
#include <torch/torch.h>

#include <QtTest>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/models/internal/language_model.h"
#include "engine/models/internal/safetensors.h"
#include "engine/models/model_folder.h"

namespace forgetlab::test {

using json = nlohmann::json;

constexpr double kTolerance = 1e-5;  // SCIENCE.md section 6: float32, 1e-5 relative

inline std::string fixturesDir() {
    if (const char* e = std::getenv("FORGETLAB_HF_FIXTURES"); e && *e) return e;
    return FORGETLAB_HF_FIXTURES_DIR;
}

inline std::string folder(const std::string& variant) {
    return fixturesDir() + "/" + variant;
}

inline bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

inline std::string readText(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline json readJson(const std::string& path) {
    return json::parse(readText(path));
}

inline const json& manifest() {
    static const json m = [] {
        const std::string path = fixturesDir() + "/manifest.json";
        if (!std::filesystem::exists(path)) return json();
        return readJson(path);
    }();
    return m;
}

inline std::vector<std::string> variants() {
    std::vector<std::string> out;
    for (auto it = manifest()["variants"].begin(); it != manifest()["variants"].end(); ++it)
        out.push_back(it.key());
    return out;
}

inline std::shared_ptr<LanguageModel> load(const std::string& dir) {
    const LmArchitecture arch = readHfConfig(dir + "/config.json");
    auto model = makeLanguageModel(arch, false);
    loadHfWeights(*model, dir);
    model->eval();
    return model;
}

inline std::map<std::string, torch::Tensor> asMap(const NamedTensors& tensors) {
    return {tensors.begin(), tensors.end()};
}

// reference.safetensors: input_ids [1, T] and logits [1, T, V].
inline std::pair<torch::Tensor, torch::Tensor> reference(const std::string& variant) {
    auto r = asMap(loadSafetensors(folder(variant) + "/reference.safetensors"));
    return {r.at("input_ids"), r.at("logits")};
}

// max |got - want| / max |want|
inline double relErr(const torch::Tensor& got, const torch::Tensor& want) {
    const torch::Tensor g = got.detach().to(torch::kFloat64), w = want.detach().to(torch::kFloat64);
    return (g - w).abs().max().item<double>() / w.abs().max().item<double>();
}

inline double relErr(const std::vector<torch::Tensor>& got,
                     const std::vector<torch::Tensor>& want) {
    std::vector<torch::Tensor> g, w;
    for (const auto& t : got) g.push_back(t.detach().reshape({-1}));
    for (const auto& t : want) w.push_back(t.detach().reshape({-1}));
    return relErr(torch::cat(g), torch::cat(w));
}

inline torch::Tensor logits(LanguageModel& model, const torch::Tensor& ids) {
    torch::NoGradGuard noGrad;
    return model.forward(ids, 0).detach();
}

inline std::string fmt(double x) {
    std::ostringstream s;
    s << x;
    return s.str();
}

// Per-variant checks return "" or what failed, so one broken family neither hides the
// others nor stops the run (in place of glog's CHECK, which torch brings in).
#undef CHECK
#define CHECK(cond, what)                                                         \
    do {                                                                          \
        if (!(cond)) return std::string(what) + "  [" + std::string(#cond) + "]"; \
    } while (0)

template <class F>
inline std::string eachVariant(const std::vector<std::string>& names, F body) {
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

// initTestCase of each test: the fixture folders are there, and reductions are deterministic.
inline void requireHfFixtures() {
    QVERIFY2(!manifest().is_null(),
             ("no " + fixturesDir() +
              "/manifest.json: run the fixture first (ctest -R 'make_hf_fixtures|"
              "test_hf_models|test_hf_training', or python3 "
              "tests/fixtures/hf/make_tiny_models.py DIR and FORGETLAB_HF_FIXTURES=DIR)")
                 .c_str());
    QVERIFY(variants().size() >= 13);
    torch::set_num_threads(1);  // deterministic reductions for the bit-for-bit checks
}

}  // namespace forgetlab::test
