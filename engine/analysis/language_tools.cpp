#include "engine/analysis/language_tools.h"

#include <filesystem>
#include <stdexcept>

#include "engine/analysis/internal/analysis_model.h"
#include "engine/models/internal/gpt_model.h"
#include "engine/store/store.h"
#include "engine/data/internal/text_tasks.h"

namespace forgetlab {
namespace fs = std::filesystem;

namespace {

struct RunModel {
    ExperimentConfig config;
    std::shared_ptr<GptModel> model;
    LanguageModelSetup lm;
};

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
    auto model = std::make_shared<GptModel>(r.lm.gpt);
    loadIntoModule(*model, loadSafetensors(file), file);
    model->eval();
    r.model = model;
    return r;
}

}  // namespace

void exportRunAsGpt2(Store& store, int64_t runId, const std::string& dir, const std::string& tag) {
    RunModel r = loadLanguageRun(store, runId, tag);
    saveGpt2(*r.model, dir);
    if (r.config.model.tokenizer == "bpe") {
        const std::string src = r.config.model.tokenizer_dir.empty() ? r.config.model.checkpoint
                                                                     : r.config.model.tokenizer_dir;
        for (const char* name : {"vocab.json", "merges.txt"})
            fs::copy_file(fs::path(src) / name, fs::path(dir) / name,
                          fs::copy_options::overwrite_existing);
    }
}

std::string generateFromRun(Store& store, int64_t runId, const std::string& prompt, int tokens,
                            double temperature, uint64_t seed, const std::string& tag) {
    if (prompt.empty()) throw std::runtime_error("the prompt is empty: give some text to continue");
    if (tokens < 1 || tokens > 4096)
        throw std::runtime_error("--tokens must be between 1 and 4096");
    if (!(temperature >= 0)) throw std::runtime_error("--temperature must be >= 0 (0 = greedy)");
    RunModel r = loadLanguageRun(store, runId, tag);
    std::vector<int64_t> ids;
    for (int id : r.lm.tokenizer->encode(prompt)) ids.push_back(id);
    if (int64_t(ids.size()) >= r.lm.gpt.n_positions)
        throw std::runtime_error("the prompt is " + std::to_string(ids.size()) +
                                 " tokens but the model's context is " +
                                 std::to_string(r.lm.gpt.n_positions) + ": shorten it");
    const std::vector<int64_t> out = r.model->generate(ids, tokens, temperature, seed);
    return sanitizeUtf8(r.lm.tokenizer->decode(std::vector<int>(out.begin(), out.end())));
}

}  // namespace forgetlab
