#include "engine/core/internal/config_data.h"

#include <algorithm>
#include <filesystem>

#include "engine/data/data_files.h"
#include "engine/data/idx_reader.h"
#include "engine/data/text_sources.h"
#include "engine/measure/benchmark.h"

namespace forgetlab {

using nlohmann::json;

namespace {

const std::vector<std::string>& sourceNames() {
    static const std::vector<std::string> names = {
        "fortunes", "files", "instruction", "generated", "fashion-mnist", "images", "csv", "idx"};
    return names;
}

std::string joined(const std::vector<std::string>& items) {
    std::string s;
    for (const auto& i : items) s += (s.empty() ? "" : ", ") + i;
    return s;
}

// A summary's problems as errors on `field` (they already name file, line and column).
void addProblems(const std::vector<std::string>& problems, const std::string& field,
                 std::vector<ConfigError>& e) {
    for (const auto& p : problems) e.push_back({field, p});
}

void validateSource(const ExperimentConfig& c, const TaskConfig& t, const std::string& p,
                    std::vector<ConfigError>& e) {
    const std::string src = taskSource(t);
    const auto& names = sourceNames();
    if (std::find(names.begin(), names.end(), src) == names.end()) {
        e.push_back({p + ".source", "unknown source '" + src + "'; use " + joined(names)});
        return;
    }
    const bool lm = c.model.kind == "gpt";
    if (isTextSource(src) != lm) {
        e.push_back({p + ".source", "source " + src +
                                        (lm ? " is image or table data; a language model "
                                              "trains on fortunes, files, instruction or "
                                              "generated"
                                            : " is text for a language model: set model.kind "
                                              "to gpt, or use fashion-mnist, images, csv or "
                                              "idx")});
        return;
    }
    if (lm && t.kind != "text") {
        e.push_back({p + ".kind", "text sources are read as kind text: set it to text"});
        return;
    }
    const bool needsPath =
        src == "files" || src == "instruction" || src == "images" || src == "csv" || src == "idx";
    if (needsPath && t.path.empty()) {
        e.push_back({p + ".path", "source " + src + " reads its examples from a path: give one"});
        return;
    }
    if (needsPath && !std::filesystem::exists(t.path)) {
        e.push_back({p + ".path", "'" + t.path + "' does not exist"});
        return;
    }
    try {
        if (src == "files") {
            const TextSplit split = parseTextSplit(t.split);
            addProblems(inspectTextFiles(t.path, split, t.text_field).problems, p + ".path", e);
        } else if (src == "instruction" || src == "generated") {
            if (t.chat_template == "model") {
                if (c.model.checkpoint.empty())
                    e.push_back({p + ".template",
                                 "'model' takes the model folder's own template, but there is "
                                 "no model.gpt.checkpoint; name one of " +
                                     joined(instructionTemplateNames())});
                else
                    resolveInstructionTemplate(t.chat_template, c.model.checkpoint);
            } else {
                parseInstructionTemplate(t.chat_template);
            }
            if (src == "instruction") {
                addProblems(inspectInstructionFile(t.path).problems, p + ".path", e);
            } else {
                const auto& gens = instructionGeneratorNames();
                if (std::find(gens.begin(), gens.end(), t.generator) == gens.end())
                    e.push_back({p + ".generator",
                                 "unknown generator '" + t.generator + "'; use " + joined(gens)});
            }
        } else if (src == "images" || src == "csv" || src == "idx") {
            if (src == "images" && (t.image_size < 4 || t.image_size > 256))
                e.push_back({p + ".image_size", "must be between 4 and 256 pixels"});
            if (src == "images" && t.channels != 1 && t.channels != 3)
                e.push_back({p + ".channels", "use 1 (grey) or 3 (RGB)"});
            const DataSummary s = inspectDataSource(dataSourceOf(t));
            addProblems(s.problems, p + ".path", e);
            if (s.ok())
                for (int k : t.classes)
                    if (k >= s.classes())
                        e.push_back({p + ".classes",
                                     "class " + std::to_string(k) + " is out of range: " + t.path +
                                         " has classes 0-" + std::to_string(s.classes() - 1)});
        }
    } catch (const std::exception& ex) {
        e.push_back({p + (src == "files" ? ".split" : ".template"), ex.what()});
    }
}

}  // namespace

std::string taskSource(const TaskConfig& t) {
    if (!t.source.empty()) return t.source;
    return t.kind == "text" ? "fortunes" : "fashion-mnist";
}

bool isTextSource(const std::string& s) {
    return s == "fortunes" || s == "files" || s == "instruction" || s == "generated";
}

bool isInstructionSource(const std::string& s) {
    return s == "instruction" || s == "generated";
}

void readTaskSource(ObjectReader& r, TaskConfig& t) {
    r.read("source", t.source);
    r.read("path", t.path);
    r.read("split", t.split);
    r.read("text_field", t.text_field);
    r.read("template", t.chat_template);
    r.read("generator", t.generator);
    r.read("image_size", t.image_size);
    r.read("channels", t.channels);
    r.read("label_column", t.label_column);
}

void addTaskSourceJson(const TaskConfig& t, json& j) {
    const TaskConfig d;
    if (!t.source.empty()) j["source"] = t.source;
    if (!t.path.empty()) j["path"] = t.path;
    const std::string src = taskSource(t);
    if (src == "files") {
        j["split"] = t.split;
        j["text_field"] = t.text_field;
    }
    if (isInstructionSource(src)) j["template"] = t.chat_template;
    if (src == "generated") j["generator"] = t.generator;
    if (src == "images") {
        j["image_size"] = t.image_size;
        j["channels"] = t.channels;
    }
    if (src == "csv") j["label_column"] = t.label_column;
    (void)d;
}

void readBenchmarks(ObjectReader& ev, EvalConfig& out, std::vector<ConfigError>& errors) {
    ev.read("benchmark_every", out.benchmark_every);
    const json* list = ev.value("benchmarks");
    if (!list) return;
    const std::string field = ev.field("benchmarks");
    if (!list->is_array()) {
        errors.push_back(
            {field, std::string("expected a list of benchmark objects, got ") + list->type_name()});
        return;
    }
    out.benchmarks.clear();
    for (size_t i = 0; i < list->size(); ++i) {
        const std::string at = field + "[" + std::to_string(i) + "]";
        const json& item = (*list)[i];
        if (!item.is_object()) {
            errors.push_back({at, std::string("expected an object, got ") + item.type_name()});
            continue;
        }
        BenchmarkConfig b;
        ObjectReader r(item, at, errors);
        r.read("name", b.name);
        r.read("file", b.file);
        r.read("shots", b.shots);
        r.read("shots_file", b.shots_file);
        r.read("builtin", b.builtin);
        r.read("language", b.language);
        r.read("items", b.items);
        out.benchmarks.push_back(b);
    }
}

void addBenchmarksJson(const EvalConfig& ev, json& j) {
    if (ev.benchmarks.empty() && ev.benchmark_every == 0) return;
    json list = json::array();
    for (const auto& b : ev.benchmarks) {
        json o = {{"name", b.name}, {"shots", b.shots}};
        if (!b.builtin.empty()) {
            o["builtin"] = b.builtin;
            o["language"] = b.language;
            o["items"] = b.items;
        } else {
            o["file"] = b.file;
            if (!b.shots_file.empty()) o["shots_file"] = b.shots_file;
        }
        list.push_back(o);
    }
    j["benchmarks"] = list;
    j["benchmark_every"] = ev.benchmark_every;
}

void validateDataSources(const ExperimentConfig& c, std::vector<ConfigError>& e) {
    validateSource(c, c.upstream.task, "upstream.task", e);
    validateSource(c, c.downstream.task, "downstream.task", e);
    const EvalConfig& ev = c.eval;
    if (ev.benchmark_every < 0)
        e.push_back({"eval.benchmark_every", "must be >= 0 (0 = before and after only)"});
    if (!ev.benchmarks.empty() && c.model.kind != "gpt")
        e.push_back({"eval.benchmarks",
                     "multiple-choice benchmarks score a language model: "
                     "set model.kind to gpt or remove them"});
    for (size_t i = 0; i < ev.benchmarks.size(); ++i) {
        const BenchmarkConfig& b = ev.benchmarks[i];
        const std::string at = "eval.benchmarks[" + std::to_string(i) + "]";
        if (b.file.empty() == b.builtin.empty()) {
            e.push_back({at,
                         "give either a file (MMLU CSV or JSONL) or builtin "
                         "\"fortune-cloze\""});
            continue;
        }
        if (b.shots < 0 || b.shots > 25) e.push_back({at + ".shots", "must be between 0 and 25"});
        if (!b.builtin.empty() && (b.items < 4 || b.items > 5000))
            e.push_back({at + ".items", "must be between 4 and 5000 questions"});
        for (size_t j = 0; j < i; ++j)
            if (!b.name.empty() && ev.benchmarks[j].name == b.name)
                e.push_back({at + ".name", "'" + b.name + "' names two benchmarks"});
        if (!b.builtin.empty()) {
            if (b.builtin != "fortune-cloze")
                e.push_back(
                    {at + ".builtin", "unknown built-in '" + b.builtin + "'; use fortune-cloze"});
            else if (b.language != "en" && b.language != "de" && b.language != "es")
                e.push_back({at + ".language", "use en, de or es"});
            continue;  // its fortunes are the run's held-out upstream test split
        }
        try {
            BenchmarkSpec spec;
            spec.name = b.name;
            spec.file = b.file;
            spec.shots = std::max(0, b.shots);
            spec.shots_file = b.shots_file;
            prepareBenchmark(spec);
        } catch (const std::exception& ex) {
            e.push_back({at + ".file", ex.what()});
        }
    }
}

}  // namespace forgetlab
