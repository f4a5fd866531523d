#include "engine/analysis/language_tools.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "engine/analysis/internal/analysis_model.h"
#include "engine/models/internal/language_model.h"
#include "engine/core/devices.h"
#include "engine/store/store.h"
#include "engine/data/internal/text_tasks.h"
#include "engine/data/fortunes.h"
#include "engine/measure/internal/benchmark_scoring.h"

namespace forgetlab {
namespace fs = std::filesystem;

namespace {

struct RunModel {
    ExperimentConfig config;
    std::shared_ptr<LanguageModel> model;
    LanguageModelSetup lm;
};

std::string readText(const fs::path& file) {
    std::ifstream in(file);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

RunModel loadLanguageRun(Store& store, int64_t runId, const std::string& tag) {
    const RunInfo info = store.run(runId);
    const ConfigParseResult parsed = parseStoredConfig(info.config_json);
    if (!parsed.ok())
        throw std::runtime_error("run #" + std::to_string(runId) +
                                 "'s stored configuration does not parse:\n" +
                                 formatErrors(parsed.errors));
    RunModel r;
    r.config = parsed.config;
    if (r.config.model.kind != "gpt")
        throw std::runtime_error("run #" + std::to_string(runId) + " trained a " +
                                 r.config.model.kind + ", not a language model (model gpt)");
    std::string file;
    for (const CheckpointRow& c : store.checkpoints(runId))
        if (c.tag == tag) file = store.checkpointPath(c);
    if (file.empty())
        throw std::runtime_error("run #" + std::to_string(runId) + " has no '" + tag +
                                 "' checkpoint (it keeps: pretrained, final and any step-N)");
    if (!fs::exists(file))
        throw std::runtime_error("the checkpoint " + file + " of run #" + std::to_string(runId) +
                                 " is missing (moved or deleted?)");
    r.lm = resolveLanguageModel(r.config.model);
    auto model = makeLanguageModel(r.lm.arch, false);
    loadIntoModule(*model, loadSafetensors(file), file);
    model->eval();
    r.model = model;
    return r;
}

torch::Device deviceFor(const std::string& requested) {
    const DeviceChoice choice = resolveDevice(requested);
    if (!choice.ok()) throw std::runtime_error(choice.error);
    return torch::Device(choice.device);
}

struct FolderModel {
    std::shared_ptr<LanguageModel> model;
    TokenizerSetup tok;
};

FolderModel loadFolder(const std::string& dir, const std::string& device) {
    const ModelFolderInfo info = inspectModelFolder(dir);
    FolderModel f;
    if (info.tokenizer_kind == "none")
        throw TokenizerError(dir +
                             " has no tokenizer files (tokenizer.json, tokenizer.model or "
                             "vocab.json + merges.txt): copy the model's tokenizer beside it");
    f.tok = loadTokenizerFolder(dir, info.arch.vocab_size);
    const MemoryEstimate mem = estimateTrainingMemory(info.arch, 0, {}, "sgd", device);
    if (mem.available > 0 && mem.weights > mem.available)
        throw ModelFolderError(dir + ": the weights need " + formatBytes(mem.weights) +
                               " as float32 but only " + formatBytes(mem.available) +
                               " are free: choose a smaller model");
    f.model = makeLanguageModel(info.arch, false);
    f.model->to(deviceFor(device));
    loadHfWeights(*f.model, dir);
    f.model->eval();
    return f;
}

void copyTokenizerFiles(const std::string& from, const std::string& to) {
    for (const char* name :
         {"tokenizer.json", "tokenizer_config.json", "tokenizer.model", "special_tokens_map.json",
          "vocab.json", "merges.txt", "generation_config.json"}) {
        const fs::path src = fs::path(from) / name;
        if (fs::exists(src))
            fs::copy_file(src, fs::path(to) / name, fs::copy_options::overwrite_existing);
    }
}

}  // namespace

void exportRunAsHf(Store& store, int64_t runId, const std::string& dir, const std::string& tag) {
    RunModel r = loadLanguageRun(store, runId, tag);
    std::string sourceConfig;
    if (!r.config.model.checkpoint.empty()) {
        const fs::path cfg = fs::path(r.config.model.checkpoint) / "config.json";
        if (fs::exists(cfg)) sourceConfig = readText(cfg);
    }
    saveHfModel(*r.model, dir, sourceConfig);
    if (!r.lm.tokenizer_dir.empty()) copyTokenizerFiles(r.lm.tokenizer_dir, dir);
}

void exportRunAsGpt2(Store& store, int64_t runId, const std::string& dir, const std::string& tag) {
    exportRunAsHf(store, runId, dir, tag);
}

std::string generateFromRun(Store& store, int64_t runId, const std::string& prompt, int tokens,
                            double temperature, uint64_t seed, const std::string& tag) {
    if (prompt.empty())
        throw std::invalid_argument("the prompt is empty: give some text to continue");
    if (tokens < 1 || tokens > 4096)
        throw std::invalid_argument("--tokens must be between 1 and 4096");
    if (!(temperature >= 0)) throw std::invalid_argument("--temperature must be >= 0 (0 = greedy)");
    RunModel r = loadLanguageRun(store, runId, tag);
    const std::vector<int64_t> ids = promptIds(r.lm.tok, prompt);
    if (int64_t(ids.size()) >= r.lm.arch.max_positions)
        throw std::invalid_argument("the prompt is " + std::to_string(ids.size()) +
                                    " tokens but the model's context is " +
                                    std::to_string(r.lm.arch.max_positions) + ": shorten it");
    const std::vector<int64_t> out =
        r.model->generate(ids, tokens, temperature, seed, r.lm.tokenizer->vocabSize());
    return sanitizeUtf8(r.lm.tokenizer->decode(std::vector<int>(out.begin(), out.end())));
}

std::string generateFromFolder(const std::string& dir, const std::string& prompt,
                               const TextGeneration& g, const std::string& device) {
    if (prompt.empty())
        throw std::invalid_argument("the prompt is empty: give some text to continue");
    if (g.tokens < 1 || g.tokens > 4096)
        throw std::invalid_argument("--tokens must be between 1 and 4096");
    FolderModel f = loadFolder(dir, device);
    const std::vector<int64_t> ids = promptIds(f.tok, prompt);
    if (int64_t(ids.size()) >= f.model->contextLength())
        throw std::invalid_argument(
            "the prompt is " + std::to_string(ids.size()) + " tokens but the model's context is " +
            std::to_string(f.model->contextLength()) + ": shorten the prompt");
    GenerationOptions o;
    o.max_new_tokens = g.tokens;
    o.temperature = g.temperature;
    o.top_p = g.top_p;
    o.seed = g.seed;
    o.vocab_limit = f.tok.tokenizer->vocabSize();
    const std::vector<int64_t> out = f.model->generate(ids, o);
    return sanitizeUtf8(f.tok.tokenizer->decode(std::vector<int>(out.begin(), out.end())));
}

TextScore scoreText(const std::string& dir, const std::string& text, const std::string& device) {
    if (text.empty()) throw std::invalid_argument("the text is empty: give some text to score");
    FolderModel f = loadFolder(dir, device);
    TextScore s;
    s.tokenizer = f.tok.kind;
    const std::vector<int64_t> ids = promptIds(f.tok, text);
    s.bos_added = f.tok.add_bos && f.tok.bos_id >= 0;
    if (ids.size() < 2)
        throw std::runtime_error("the text is " + std::to_string(ids.size()) +
                                 " token: at least 2 are needed (one to predict from)");
    if (int64_t(ids.size()) > f.model->contextLength())
        throw std::runtime_error(
            "the text is " + std::to_string(ids.size()) + " tokens but the model's context is " +
            std::to_string(f.model->contextLength()) + ": shorten the text or split it");
    torch::NoGradGuard noGrad;
    const torch::Device dev = deviceFor(device);
    const torch::Tensor input = torch::tensor(ids, torch::kLong).to(dev).unsqueeze(0);
    const torch::Tensor logits = f.model->forward(input, 0)[0].to(torch::kCPU, torch::kFloat64);
    const torch::Tensor logp = torch::log_softmax(logits.narrow(0, 0, logits.size(0) - 1), -1);
    const torch::Tensor next = input[0].narrow(0, 1, input.size(1) - 1).to(torch::kCPU);
    s.nll_sum = -logp.gather(1, next.unsqueeze(1)).sum().item<double>();
    s.tokens = next.numel();
    s.mean_log_ppl = s.nll_sum / double(s.tokens);
    return s;
}

BenchmarkResult benchmarkFolder(const std::string& dir, const BenchmarkSpec& spec,
                                const std::string& device) {
    const PreparedBenchmark bench = prepareBenchmark(spec);
    FolderModel f = loadFolder(dir, device);
    return scoreBenchmark(*f.model, f.tok, bench);
}

BenchmarkResult benchmarkRun(Store& store, int64_t runId, const BenchmarkSpec& spec,
                             const std::string& tag) {
    std::vector<std::string> heldOut;
    bool fromRun = false;
    if (!spec.builtin.empty()) {
        const ConfigParseResult parsed = parseStoredConfig(store.run(runId).config_json);
        const TaskConfig& up = parsed.config.upstream.task;
        if (parsed.ok() && up.kind == "text" && up.language == spec.language) {
            // The corpus split buildTextTask made for the upstream task (task index 0), so
            // the cloze is cut from fortunes the run never trained on.
            const size_t total = size_t(up.train_size) + size_t(up.test_size);
            heldOut = loadFortuneCorpus(
                          up.language, up.domains, uint64_t(parsed.config.upstreamSeed()) * 7919ULL,
                          double(up.test_size) / double(total), total, parsed.config.text_dir)
                          .test;
            fromRun = true;
        }
    }
    const PreparedBenchmark bench = prepareBenchmark(spec, fromRun ? &heldOut : nullptr);
    RunModel r = loadLanguageRun(store, runId, tag);
    return scoreBenchmark(*r.model, r.lm.tok, bench);
}

BenchmarkSpec asTheRunScoredIt(Store& store, int64_t runId, BenchmarkSpec spec) {
    const ConfigParseResult parsed = parseStoredConfig(store.run(runId).config_json);
    if (!parsed.ok()) return spec;
    spec.seed = benchmarkSeedOfRun(parsed.config.seed);
    spec.max_bytes = int(parsed.config.model.context);
    return spec;
}

}  // namespace forgetlab
