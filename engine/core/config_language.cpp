#include "engine/core/config_language.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

#include "engine/core/devices.h"
#include "engine/models/model_folder.h"

namespace forgetlab {
namespace {

template <class T>
bool oneOf(const T& v, std::initializer_list<T> options) {
    return std::find(options.begin(), options.end(), v) != options.end();
}

}  // namespace

void validateTextTask(const TaskConfig& t, const std::string& p, std::vector<ConfigError>& e) {
    if (t.train_size < 1 || t.train_size > 60000)
        e.push_back({p + ".train_size", "must be between 1 and 60000 examples"});
    if (t.test_size < 1 || t.test_size > 10000)
        e.push_back({p + ".test_size", "must be between 1 and 10000 examples"});
    if (taskSource(t) != "fortunes") return;  // the other sources: config_data.cpp
    if (!oneOf<std::string>(t.language, {"en", "de", "es"}))
        e.push_back(
            {p + ".language", "unknown language '" + t.language +
                                  "'; use en (fortunes), de (fortunes-de) or es (fortunes-es)"});
    std::set<std::string> seen;
    for (const auto& d : t.domains) {
        if (d.empty() || d.find('/') != std::string::npos || d[0] == '.')
            e.push_back(
                {p + ".domains", "'" + d + "' is not a fortune file name (e.g. \"science\")"});
        else if (!seen.insert(d).second)
            e.push_back({p + ".domains", "'" + d + "' is listed twice"});
    }
}

// model.kind "gpt": sizes, tokenizer, LoRA, text tasks, samples.
void validateLanguageModel(const ExperimentConfig& c, std::vector<ConfigError>& e) {
    const ModelConfig& m = c.model;
    // The architecture the run will build: the folder's, or the family's from the sizes.
    std::optional<LmArchitecture> arch;
    if (!m.checkpoint.empty()) {
        try {
            arch = inspectModelFolder(m.checkpoint).arch;
            if (m.context > arch->max_positions)
                e.push_back(
                    {"model.gpt.context", "is " + std::to_string(m.context) +
                                              " tokens but the model's context (n_positions / "
                                              "max_position_embeddings) is " +
                                              std::to_string(arch->max_positions) + ": lower it"});
        } catch (const ModelFolderError& err) {
            e.push_back({"model.gpt.checkpoint", err.what()});
        }
    } else if (!isSupportedFamily(m.family)) {
        e.push_back({"model.gpt.family",
                     "unknown family '" + m.family + "'; use one of " + supportedFamilies()});
    } else if (m.n_layer >= 1 && m.n_head >= 1 && m.n_embd >= 1 && m.n_embd % m.n_head == 0) {
        arch = architectureFromSizes(m.family, m.n_layer, m.n_head, m.n_embd, m.context, 256);
        if (m.family != "gpt2" && (m.n_embd / m.n_head) % 2 != 0)
            e.push_back(
                {"model.gpt.n_embd", "n_embd / n_head is " + std::to_string(m.n_embd / m.n_head) +
                                         ": rotary embeddings need an even head dimension"});
    }
    if (m.checkpoint.empty()) {
        if (m.n_layer < 1 || m.n_layer > 48)
            e.push_back({"model.gpt.n_layer", "must be between 1 and 48"});
        if (m.n_head < 1 || m.n_head > 64)
            e.push_back({"model.gpt.n_head", "must be between 1 and 64"});
        if (m.n_embd < 1 || m.n_embd > 4096)
            e.push_back({"model.gpt.n_embd", "must be between 1 and 4096"});
        else if (m.n_head >= 1 && m.n_embd % m.n_head != 0)
            e.push_back({"model.gpt.n_embd", "must be divisible by n_head (" +
                                                 std::to_string(m.n_head) +
                                                 "): each head gets n_embd / n_head dimensions"});
    }
    if (m.context < 2 || m.context > 4096)
        e.push_back({"model.gpt.context", "must be between 2 and 4096 tokens"});
    if (!oneOf<std::string>(m.tokenizer, {"auto", "byte", "bpe", "hf"}))
        e.push_back({"model.gpt.tokenizer",
                     "unknown tokenizer '" + m.tokenizer +
                         "'; use auto (the model folder's own), byte, bpe (vocab.json + "
                         "merges.txt) or hf (a folder's tokenizer files)"});
    if (m.tokenizer == "bpe" && m.tokenizer_dir.empty() && m.checkpoint.empty())
        e.push_back({"model.gpt.tokenizer_dir",
                     "the bpe tokenizer needs a folder with vocab.json and merges.txt"});
    if (m.tokenizer == "hf" && m.tokenizer_dir.empty() && m.checkpoint.empty())
        e.push_back({"model.gpt.tokenizer_dir",
                     "the hf tokenizer needs a folder with tokenizer.json, tokenizer.model or "
                     "vocab.json + merges.txt"});
    if (m.head != "shared")
        e.push_back({"model.head", "a language model has one output (the next token): use shared"});
    if (m.lora_rank < 0 || m.lora_rank > 1024)
        e.push_back({"model.lora.rank", "must be between 0 (off) and 1024"});
    if (!(m.lora_alpha > 0) || !std::isfinite(m.lora_alpha))
        e.push_back({"model.lora.alpha", "must be > 0"});
    const std::string family = arch ? arch->family : m.family;
    if (isSupportedFamily(family)) {
        const std::vector<std::string>& known = loraTargetsOf(family);
        std::string list;
        for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
        for (const auto& t : m.lora_targets)
            if (std::find(known.begin(), known.end(), t) == known.end())
                e.push_back({"model.lora.targets", "unknown module '" + t + "' for a " + family +
                                                       " model; use " + list +
                                                       " (or none for the family's defaults)"});
    }
    if (arch) {
        const DeviceChoice device = resolveDevice(c.device);
        const MemoryEstimate mem =
            estimateTrainingMemory(*arch, m.lora_rank, m.lora_targets, c.downstream.optimizer.name,
                                   device.ok() ? device.device : "cpu", c.precision);
        if (!mem.fits)
            e.push_back({m.checkpoint.empty() ? "model.gpt.n_embd" : "model.gpt.checkpoint",
                         "the model does not fit in memory: " + mem.text + ", but " +
                             formatBytes(mem.available) + " are free; " + mem.advice});
    }
    for (const char* phase : {"upstream", "downstream"}) {
        const TaskConfig& t =
            std::string(phase) == "upstream" ? c.upstream.task : c.downstream.task;
        if (t.kind != "text")
            e.push_back({std::string(phase) + ".task.kind",
                         "a language model (model.kind gpt) trains on text: set kind to text"});
    }
    if (c.sequence.tasks > 0)
        e.push_back({"sequence.tasks",
                     "task sequences are built from Fashion-MNIST; for a language "
                     "model use the upstream/downstream pair (set 0)"});
    if (c.text_dir.empty()) e.push_back({"text_dir", "must name the fortunes folder"});
    const EvalConfig& ev = c.eval;
    if (ev.samples_every < 0) e.push_back({"eval.samples.every", "must be >= 0 (0 = off)"});
    if (ev.samples_tokens < 1 || ev.samples_tokens > 1024)
        e.push_back({"eval.samples.tokens", "must be between 1 and 1024 new tokens"});
    if (!(ev.samples_temperature >= 0) || !std::isfinite(ev.samples_temperature))
        e.push_back({"eval.samples.temperature", "must be >= 0 (0 = greedy only)"});
    if (ev.samples_every > 0 && ev.samples_prompts.empty())
        e.push_back({"eval.samples.prompts", "give at least one prompt, or set every to 0"});
    for (size_t i = 0; i < ev.samples_prompts.size(); ++i) {
        const std::string& pr = ev.samples_prompts[i];
        const std::string f = "eval.samples.prompts[" + std::to_string(i) + "]";
        if (pr.empty()) e.push_back({f, "a prompt must not be empty"});
        // Byte tokens are bytes; BPE prompts are checked when the tokenizer is loaded.
        else if ((m.tokenizer == "byte" || (m.tokenizer == "auto" && m.checkpoint.empty())) &&
                 m.context >= 2 && int(pr.size()) >= m.context)
            e.push_back({f, "the prompt is " + std::to_string(pr.size()) +
                                " tokens but the context is " + std::to_string(m.context) +
                                ": shorten it below the context"});
    }
}

}  // namespace forgetlab
