#include "engine/core/config.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "engine/core/internal/config_data.h"
#include "engine/core/config_language.h"
#include "engine/core/internal/config_reader.h"
#include "engine/core/devices.h"
#include "engine/data/input_shape.h"

namespace forgetlab {
namespace {

using nlohmann::json;

void readTask(ObjectReader& r, TaskConfig& t) {
    r.read("kind", t.kind);
    r.read("classes", t.classes);
    r.read("permutation_seed", t.permutation_seed);
    r.read("rotation", t.rotation);
    r.read("noise", t.noise);
    r.read("label_permutation_seed", t.label_permutation_seed);
    r.read("language", t.language);
    r.read("domains", t.domains);
    r.read("train_size", t.train_size);
    r.read("test_size", t.test_size);
    readTaskSource(r, t);
}

void readOptimizer(ObjectReader& r, OptimizerConfig& o) {
    r.read("name", o.name);
    r.read("lr", o.lr);
    r.read("momentum", o.momentum);
    r.read("nesterov", o.nesterov);
    r.read("weight_decay", o.weight_decay);
    r.read("beta1", o.beta1);
    r.read("beta2", o.beta2);
    r.read("eps", o.eps);
    r.read("sam", o.sam);
    r.read("rho", o.rho);
    r.read("asam_eta", o.asam_eta);
    r.read("schedule", o.schedule);
    r.read("warmup_steps", o.warmup_steps);
    r.read("grad_clip", o.grad_clip);
}

void readPhase(ObjectReader& r, PhaseConfig& p) {
    r.object("task", [&](ObjectReader& s) { readTask(s, p.task); });
    r.object("optimizer", [&](ObjectReader& s) { readOptimizer(s, p.optimizer); });
    r.read("steps", p.steps);
    r.read("batch_size", p.batch_size);
    r.read("seed", p.seed);
}

json taskJson(const TaskConfig& t) {
    if (t.kind == "text") {
        json j = {{"kind", t.kind},
                  {"language", t.language},
                  {"domains", t.domains},
                  {"train_size", t.train_size},
                  {"test_size", t.test_size}};
        addTaskSourceJson(t, j);
        return j;
    }
    json j = {{"kind", t.kind},
              {"classes", t.classes},
              {"permutation_seed", t.permutation_seed},
              {"train_size", t.train_size},
              {"test_size", t.test_size}};
    // Transforms only when used: configs (and upstream cache keys) from before they
    // existed stay exactly as they were.
    if (t.rotation != 0) j["rotation"] = t.rotation;
    if (t.noise != 0) j["noise"] = t.noise;
    if (t.label_permutation_seed != 0) j["label_permutation_seed"] = t.label_permutation_seed;
    addTaskSourceJson(t, j);
    return j;
}

json optimizerJson(const OptimizerConfig& o) {
    return {{"name", o.name},
            {"lr", o.lr},
            {"momentum", o.momentum},
            {"nesterov", o.nesterov},
            {"weight_decay", o.weight_decay},
            {"beta1", o.beta1},
            {"beta2", o.beta2},
            {"eps", o.eps},
            {"sam", o.sam},
            {"rho", o.rho},
            {"asam_eta", o.asam_eta},
            {"schedule", o.schedule},
            {"warmup_steps", o.warmup_steps},
            {"grad_clip", o.grad_clip}};
}

json phaseJson(const PhaseConfig& p) {
    json j = {{"task", taskJson(p.task)},
              {"optimizer", optimizerJson(p.optimizer)},
              {"steps", p.steps},
              {"batch_size", p.batch_size}};
    // Only when set, so configurations and cache keys without it are unchanged.
    if (p.seed >= 0) j["seed"] = p.seed;
    return j;
}

// withLora = false for the upstream cache key: adapters only exist while fine-tuning.
json modelJson(const ModelConfig& m, bool withLora = true) {
    if (m.kind == "gpt") {
        json j = {{"kind", m.kind},
                  {"head", m.head},
                  {"gpt",
                   {{"family", m.family},
                    {"n_layer", m.n_layer},
                    {"n_head", m.n_head},
                    {"n_embd", m.n_embd},
                    {"context", m.context},
                    {"tokenizer", m.tokenizer},
                    {"tokenizer_dir", m.tokenizer_dir},
                    {"checkpoint", m.checkpoint},
                    {"gradient_checkpointing", m.gradient_checkpointing}}}};
        if (withLora)
            j["lora"] = {
                {"rank", m.lora_rank}, {"alpha", m.lora_alpha}, {"targets", m.lora_targets}};
        return j;
    }
    return {{"kind", m.kind},
            {"hidden", m.hidden},
            {"activation", m.activation},
            {"channels", m.channels},
            {"head", m.head}};
}

template <class T>
bool oneOf(const T& v, std::initializer_list<T> options) {
    return std::find(options.begin(), options.end(), v) != options.end();
}

void validateTask(const TaskConfig& t, const std::string& p, std::vector<ConfigError>& e) {
    if (t.kind == "text") return validateTextTask(t, p, e);
    if (!oneOf<std::string>(t.kind, {"classes", "permuted"}))
        e.push_back(
            {p + ".kind", "unknown task kind '" + t.kind + "'; use classes, permuted or text"});
    if (t.classes.empty()) e.push_back({p + ".classes", "needs at least one class (0-9)"});
    std::set<int> seen;
    // Other sources' class counts come from their files (config_data.cpp).
    const int maxClass = taskSource(t) == "fashion-mnist" ? 9 : 1 << 20;
    for (int c : t.classes) {
        if (c < 0 || c > maxClass)
            e.push_back({p + ".classes", "class " + std::to_string(c) +
                                             " is out of range; Fashion-MNIST classes are 0-9"});
        else if (!seen.insert(c).second)
            e.push_back({p + ".classes", "class " + std::to_string(c) + " is listed twice"});
    }
    if (t.train_size < 1 || t.train_size > 60000)
        e.push_back({p + ".train_size", "must be between 1 and 60000"});
    if (t.test_size < 1 || t.test_size > 10000)
        e.push_back({p + ".test_size", "must be between 1 and 10000"});
    if (!std::isfinite(t.rotation) || t.rotation < -360 || t.rotation > 360)
        e.push_back({p + ".rotation", "rotation is in degrees, between -360 and 360"});
    if (!std::isfinite(t.noise) || t.noise < 0 || t.noise > 10)
        e.push_back({p + ".noise", "noise std must be between 0 (off) and 10"});
    if (t.label_permutation_seed < 0)
        e.push_back({p + ".label_permutation_seed", "must be >= 0 (0 = labels unchanged)"});
}

void validateOptimizer(const OptimizerConfig& o, const std::string& p,
                       std::vector<ConfigError>& e) {
    if (!oneOf<std::string>(o.name, {"sgd", "adam", "adamw"}))
        e.push_back({p + ".name", "unknown optimizer '" + o.name + "'; use sgd, adam or adamw"});
    if (!(o.lr > 0) || !std::isfinite(o.lr))
        e.push_back({p + ".lr", "learning rate must be a positive number"});
    if (!(o.momentum >= 0 && o.momentum < 1)) e.push_back({p + ".momentum", "must be in [0, 1)"});
    if (o.nesterov && o.momentum <= 0)
        e.push_back({p + ".nesterov", "Nesterov momentum needs momentum > 0"});
    if (!(o.weight_decay >= 0)) e.push_back({p + ".weight_decay", "must be >= 0"});
    if (!(o.beta1 >= 0 && o.beta1 < 1)) e.push_back({p + ".beta1", "must be in [0, 1)"});
    if (!(o.beta2 >= 0 && o.beta2 < 1)) e.push_back({p + ".beta2", "must be in [0, 1)"});
    if (!(o.eps > 0)) e.push_back({p + ".eps", "must be > 0"});
    if (!oneOf<std::string>(o.sam, {"none", "sam", "asam"}))
        e.push_back({p + ".sam", "unknown value '" + o.sam + "'; use none, sam or asam"});
    if (!(o.rho >= 0) || !std::isfinite(o.rho)) e.push_back({p + ".rho", "rho must be >= 0"});
    if (!(o.asam_eta >= 0)) e.push_back({p + ".asam_eta", "must be >= 0"});
    if (!oneOf<std::string>(o.schedule, {"constant", "cosine"}))
        e.push_back(
            {p + ".schedule", "unknown schedule '" + o.schedule + "'; use constant or cosine"});
    if (o.warmup_steps < 0) e.push_back({p + ".warmup_steps", "must be >= 0"});
    if (!(o.grad_clip >= 0)) e.push_back({p + ".grad_clip", "must be >= 0 (0 = off)"});
}

void validatePhase(const PhaseConfig& ph, const std::string& p, bool allowZeroSteps,
                   std::vector<ConfigError>& e) {
    validateTask(ph.task, p + ".task", e);
    validateOptimizer(ph.optimizer, p + ".optimizer", e);
    if (ph.steps < (allowZeroSteps ? 0 : 1) || ph.steps > 10000000)
        e.push_back({p + ".steps", allowZeroSteps ? "must be >= 0" : "must be >= 1"});
    if (ph.batch_size < 1 || ph.batch_size > 65536)
        e.push_back({p + ".batch_size", "batch size must be between 1 and 65536"});
    if (ph.seed < -1 || ph.seed > 4294967295LL)
        e.push_back({p + ".seed", "must be between 0 and 4294967295 (or -1: the run's seed)"});
    else if (p != "upstream" && ph.seed != -1)
        e.push_back({p + ".seed",
                     "only the upstream phase has its own seed (the pre-training's); remove it "
                     "here, the run's seed drives fine-tuning"});
}

}  // namespace

ConfigParseResult parseConfig(const std::string& jsonText) {
    ConfigParseResult result;
    json root;
    try {
        root = json::parse(jsonText);
    } catch (const json::parse_error& ex) {
        result.errors.push_back({"", std::string("not valid JSON: ") + ex.what()});
        return result;
    }
    if (!root.is_object()) {
        result.errors.push_back({"", "the configuration must be a JSON object"});
        return result;
    }
    ExperimentConfig& c = result.config;
    {
        ObjectReader r(root, "", result.errors);
        r.read("name", c.name);
        r.read("description", c.description);
        r.read("seed", c.seed);
        r.read("device", c.device);
        r.read("precision", c.precision);
        r.read("data_dir", c.data_dir);
        r.read("text_dir", c.text_dir);
        r.object("model", [&](ObjectReader& m) {
            m.read("kind", c.model.kind);
            m.read("hidden", c.model.hidden);
            m.read("activation", c.model.activation);
            m.read("channels", c.model.channels);
            m.read("head", c.model.head);
            m.object("gpt", [&](ObjectReader& g) {
                g.read("family", c.model.family);
                g.read("n_layer", c.model.n_layer);
                g.read("n_head", c.model.n_head);
                g.read("n_embd", c.model.n_embd);
                g.read("context", c.model.context);
                g.read("tokenizer", c.model.tokenizer);
                g.read("tokenizer_dir", c.model.tokenizer_dir);
                g.read("checkpoint", c.model.checkpoint);
                g.read("gradient_checkpointing", c.model.gradient_checkpointing);
            });
            m.object("lora", [&](ObjectReader& l) {
                l.read("rank", c.model.lora_rank);
                l.read("alpha", c.model.lora_alpha);
                l.read("targets", c.model.lora_targets);
            });
        });
        r.object("upstream", [&](ObjectReader& p) { readPhase(p, c.upstream); });
        r.object("downstream", [&](ObjectReader& p) { readPhase(p, c.downstream); });
        r.object("strategies", [&](ObjectReader& st) {
            StrategyConfig& sc = c.strategies;
            st.object("replay", [&](ObjectReader& x) {
                x.read("ratio", sc.replay_ratio);
                x.read("buffer", sc.replay_buffer);
                x.read("select", sc.replay_select);
                x.read("matrix", sc.replay_matrix);
                x.read("probe", sc.replay_probe);
                x.read("probe_steps", sc.replay_probe_steps);
            });
            st.object("ewc", [&](ObjectReader& x) {
                x.read("lambda", sc.ewc_lambda);
                x.read("samples", sc.ewc_samples);
            });
            st.object("l2sp", [&](ObjectReader& x) { x.read("lambda", sc.l2sp_lambda); });
            st.object("lwf", [&](ObjectReader& x) {
                x.read("lambda", sc.lwf_lambda);
                x.read("temperature", sc.lwf_temperature);
            });
        });
        r.object("sequence", [&](ObjectReader& q) {
            q.read("tasks", c.sequence.tasks);
            q.read("kind", c.sequence.kind);
            q.read("steps_per_task", c.sequence.steps_per_task);
            q.read("train_size", c.sequence.train_size);
            q.read("test_size", c.sequence.test_size);
        });
        r.object("eval", [&](ObjectReader& ev) {
            ev.read("every", c.eval.every);
            ev.read("hessian_every", c.eval.hessian_every);
            ev.read("probe_size", c.eval.probe_size);
            ev.read("sharpness_rho", c.eval.sharpness_rho);
            ev.read("hessian_max_iters", c.eval.hessian_max_iters);
            ev.read("hessian_tol", c.eval.hessian_tol);
            ev.read("hessian_topk", c.eval.hessian_topk);
            ev.read("trace_every", c.eval.trace_every);
            ev.read("trace_samples", c.eval.trace_samples);
            ev.read("checkpoint_every", c.eval.checkpoint_every);
            ev.read("example_losses", c.eval.example_losses);
            ev.object("samples", [&](ObjectReader& sm) {
                sm.read("every", c.eval.samples_every);
                sm.read("prompts", c.eval.samples_prompts);
                sm.read("tokens", c.eval.samples_tokens);
                sm.read("temperature", c.eval.samples_temperature);
            });
            readBenchmarks(ev, c.eval, result.errors);
        });
    }
    // Value checks run even after type errors (a mistyped field keeps its default, so it
    // is not reported twice), so the user sees every problem at once.
    for (auto& e : validateConfig(c)) result.errors.push_back(std::move(e));
    return result;
}

ConfigParseResult parseStoredConfig(const std::string& jsonText) {
    json root = json::parse(jsonText, nullptr, false);
    if (root.is_object()) {
        const std::string stored = root.value("device", std::string("cpu"));
        const DeviceChoice here = resolveDevice(stored);
        const std::string device = here.ok() ? here.device : defaultDevice();
        root["device"] = device;
        const std::string precision = root.value("precision", std::string("fp32"));
        if (!precisionProblem(device, precision).empty()) root["precision"] = "fp32";
        return parseConfig(root.dump());
    }
    return parseConfig(jsonText);
}

std::vector<ConfigError> validateConfig(const ExperimentConfig& c) {
    std::vector<ConfigError> e;
    if (c.name.empty()) e.push_back({"name", "give the experiment a name"});
    if (const DeviceChoice d = resolveDevice(c.device); !d.ok()) {
        e.push_back({"device", d.error});
    } else if (const std::string p = precisionProblem(d.device, c.precision); !p.empty()) {
        e.push_back({"precision", p});
    }
    if (c.data_dir.empty()) e.push_back({"data_dir", "must name the Fashion-MNIST folder"});
    const ModelConfig& m = c.model;
    if (!oneOf<std::string>(m.kind, {"mlp", "cnn", "gpt"}))
        e.push_back({"model.kind", "unknown model '" + m.kind + "'; use mlp, cnn or gpt"});
    if (m.kind == "gpt")
        validateLanguageModel(c, e);
    else if (c.upstream.task.kind == "text" || c.downstream.task.kind == "text")
        e.push_back({"model.kind", "text tasks need a language model: set model.kind to gpt"});
    for (int h : m.hidden)
        if (h < 1 || h > 16384) e.push_back({"model.hidden", "widths must be in 1..16384"});
    if (m.kind == "cnn" && m.channels.empty())
        e.push_back({"model.channels", "a CNN needs at least one conv layer"});
    for (int ch : m.channels)
        if (ch < 1 || ch > 1024) e.push_back({"model.channels", "channels must be in 1..1024"});
    if (!oneOf<std::string>(m.activation, {"relu", "tanh", "gelu"}))
        e.push_back({"model.activation",
                     "unknown activation '" + m.activation + "'; use relu, tanh or gelu"});
    if (!oneOf<std::string>(m.head, {"shared", "multi"}))
        e.push_back({"model.head", "unknown head '" + m.head + "'; use shared or multi"});
    validatePhase(c.upstream, "upstream", /*allowZeroSteps=*/true, e);
    validatePhase(c.downstream, "downstream", /*allowZeroSteps=*/false, e);
    const StrategyConfig& st = c.strategies;
    if (!(st.replay_ratio >= 0 && st.replay_ratio < 1))
        e.push_back(
            {"strategies.replay.ratio", "must be in [0, 1): the share of each batch replayed"});
    if (st.replay_ratio > 0 && st.replay_buffer < 1)
        e.push_back({"strategies.replay.buffer",
                     "replay needs stored upstream examples: set a buffer of at least 1"});
    if (st.replay_buffer < 0) e.push_back({"strategies.replay.buffer", "must be >= 0"});
    if (!oneOf<std::string>(st.replay_select, {"random", "targeted"}))
        e.push_back({"strategies.replay.select", "unknown replay selection '" + st.replay_select +
                                                     "'; use random or targeted"});
    if (st.replay_select == "targeted" && st.replay_ratio > 0) {
        if (st.replay_matrix < 1)
            e.push_back({"strategies.replay.matrix",
                         "targeted replay needs a stored forgetting matrix: give its id (see "
                         "forgetlab-cli matrix list)"});
        if (c.eval.example_losses < 1)
            e.push_back(
                {"eval.example_losses",
                 "targeted replay picks among the tracked upstream examples: set at least 1"});
        if (st.replay_probe < 1)
            e.push_back({"strategies.replay.probe", "probe at least 1 example"});
        if (st.replay_probe_steps < 1)
            e.push_back({"strategies.replay.probe_steps", "probe with at least 1 step"});
    }
    if (!(st.ewc_lambda >= 0) || !std::isfinite(st.ewc_lambda))
        e.push_back({"strategies.ewc.lambda", "lambda must be >= 0 (0 = off)"});
    if (st.ewc_lambda > 0 && st.ewc_samples < 1)
        e.push_back({"strategies.ewc.samples", "EWC needs upstream examples for its Fisher: >= 1"});
    if (!(st.l2sp_lambda >= 0) || !std::isfinite(st.l2sp_lambda))
        e.push_back({"strategies.l2sp.lambda", "lambda must be >= 0 (0 = off)"});
    if (!(st.lwf_lambda >= 0) || !std::isfinite(st.lwf_lambda))
        e.push_back({"strategies.lwf.lambda", "lambda must be >= 0 (0 = off)"});
    if (!(st.lwf_temperature > 0))
        e.push_back({"strategies.lwf.temperature", "temperature must be > 0"});
    const SequenceConfig& sq = c.sequence;
    if (sq.tasks < 0 || sq.tasks > 20)
        e.push_back({"sequence.tasks", "must be between 0 (off) and 20"});
    if (!oneOf<std::string>(sq.kind, {"split", "permuted"}))
        e.push_back(
            {"sequence.kind", "unknown sequence kind '" + sq.kind + "'; use split or permuted"});
    if (sq.kind == "split" && sq.tasks > 10)
        e.push_back({"sequence.tasks", "a class split has at most 10 tasks (one class each)"});
    if (sq.tasks > 0 && sq.steps_per_task < 1)
        e.push_back({"sequence.steps_per_task", "must be >= 1"});
    if (sq.train_size < 1 || sq.train_size > 60000)
        e.push_back({"sequence.train_size", "must be between 1 and 60000"});
    if (sq.test_size < 1 || sq.test_size > 10000)
        e.push_back({"sequence.test_size", "must be between 1 and 10000"});
    const EvalConfig& ev = c.eval;
    if (ev.every < 1) e.push_back({"eval.every", "must be >= 1"});
    if (ev.hessian_every < 0) e.push_back({"eval.hessian_every", "must be >= 0 (0 = off)"});
    if (ev.probe_size < 1) e.push_back({"eval.probe_size", "must be >= 1"});
    if (!(ev.sharpness_rho > 0)) e.push_back({"eval.sharpness_rho", "must be > 0"});
    if (ev.hessian_max_iters < 1) e.push_back({"eval.hessian_max_iters", "must be >= 1"});
    if (!(ev.hessian_tol > 0)) e.push_back({"eval.hessian_tol", "must be > 0"});
    if (ev.hessian_topk < 1 || ev.hessian_topk > 5)
        e.push_back({"eval.hessian_topk", "must be between 1 and 5"});
    if (ev.trace_every < 0) e.push_back({"eval.trace_every", "must be >= 0 (0 = off)"});
    if (ev.trace_samples < 2 || ev.trace_samples > 10000)
        e.push_back({"eval.trace_samples", "must be between 2 and 10000"});
    if (ev.checkpoint_every < 0)
        e.push_back({"eval.checkpoint_every", "must be >= 0 (0 = only the final weights)"});
    if (ev.example_losses < 0 || ev.example_losses > 60000)
        e.push_back({"eval.example_losses", "must be between 0 (off) and 60000"});
    validateDataSources(c, e);
    checkImageSources(c, e);  // CNN or rotation on a table, sequences, shapes that differ
    return e;
}

std::string configToJson(const ExperimentConfig& c, int indent) {
    json j = {
        {"name", c.name},
        {"description", c.description},
        {"seed", c.seed},
        {"device", c.device},
        {"precision", c.precision},
        {"data_dir", c.data_dir},
        {"model", modelJson(c.model)},
        {"upstream", phaseJson(c.upstream)},
        {"downstream", phaseJson(c.downstream)},
        {"strategies",
         {{"replay",
           {{"ratio", c.strategies.replay_ratio},
            {"buffer", c.strategies.replay_buffer},
            {"select", c.strategies.replay_select},
            {"matrix", c.strategies.replay_matrix},
            {"probe", c.strategies.replay_probe},
            {"probe_steps", c.strategies.replay_probe_steps}}},
          {"ewc", {{"lambda", c.strategies.ewc_lambda}, {"samples", c.strategies.ewc_samples}}},
          {"l2sp", {{"lambda", c.strategies.l2sp_lambda}}},
          {"lwf",
           {{"lambda", c.strategies.lwf_lambda}, {"temperature", c.strategies.lwf_temperature}}}}},
        {"sequence",
         {{"tasks", c.sequence.tasks},
          {"kind", c.sequence.kind},
          {"steps_per_task", c.sequence.steps_per_task},
          {"train_size", c.sequence.train_size},
          {"test_size", c.sequence.test_size}}},
        {"eval",
         {{"every", c.eval.every},
          {"hessian_every", c.eval.hessian_every},
          {"probe_size", c.eval.probe_size},
          {"sharpness_rho", c.eval.sharpness_rho},
          {"hessian_max_iters", c.eval.hessian_max_iters},
          {"hessian_tol", c.eval.hessian_tol},
          {"hessian_topk", c.eval.hessian_topk},
          {"trace_every", c.eval.trace_every},
          {"trace_samples", c.eval.trace_samples},
          {"checkpoint_every", c.eval.checkpoint_every},
          {"example_losses", c.eval.example_losses}}}};
    if (c.model.kind == "gpt") {
        j["text_dir"] = c.text_dir;
        j["eval"]["samples"] = {{"every", c.eval.samples_every},
                                {"prompts", c.eval.samples_prompts},
                                {"tokens", c.eval.samples_tokens},
                                {"temperature", c.eval.samples_temperature}};
    }
    addBenchmarksJson(c.eval, j["eval"]);
    return j.dump(indent);
}

std::string upstreamHash(const ExperimentConfig& c) {
    // What determines the pre-trained weights. The downstream head count matters for the
    // multi-head model's shape, so the downstream class count is part of the key.
    json j = {{"v", 1},
              {"seed", c.upstreamSeed()},
              {"data_dir", c.data_dir},
              {"model", modelJson(c.model, /*withLora=*/false)},
              {"upstream", phaseJson(c.upstream)},
              {"downstream_classes", c.downstream.task.classes.size()},
              {"downstream_kind", c.downstream.task.kind}};
    if (c.model.kind == "gpt") j["text_dir"] = c.text_dir;
    // The pre-training's seed is "seed" above, however it was given (upstream.seed or the
    // run's), so both spellings of one pre-training share the cache entry.
    j["upstream"].erase("seed");
    // FNV-1a 64-bit: stable across platforms and runs (std::hash is not).
    const std::string text = j.dump();
    uint64_t h = 1469598103934665603ull;
    for (unsigned char ch : text) {
        h ^= ch;
        h *= 1099511628211ull;
    }
    std::ostringstream out;
    out << std::hex;
    out.width(16);
    out.fill('0');
    out << h;
    return out.str();
}

std::string formatErrors(const std::vector<ConfigError>& errors) {
    std::string s;
    for (const auto& e : errors) {
        s += (e.field.empty() ? std::string("config") : e.field) + ": " + e.message + "\n";
    }
    return s;
}

}  // namespace forgetlab
