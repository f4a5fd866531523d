#include "engine/train/internal/language_run.h"

#include <nlohmann/json.hpp>

#include "engine/core/names.h"
#include "engine/data/internal/text_tasks.h"
#include "engine/measure/internal/benchmark_scoring.h"
#include "engine/models/internal/language_model.h"

namespace forgetlab {

void enableRunLora(ForgetModel& model, const ExperimentConfig& cfg, MetricSink& sink, bool record) {
    auto& gpt = static_cast<LanguageModel&>(model);
    LoraConfig lora;
    lora.rank = cfg.model.lora_rank;
    lora.alpha = cfg.model.lora_alpha;
    lora.targets = cfg.model.lora_targets;
    torch::manual_seed(cfg.seed + 2);
    gpt.enableLora(lora);
    if (!record) return;
    int64_t total = 0;
    for (const auto& p : gpt.parameters()) total += p.numel();
    sink.onEvent(0, "lora",
                 nlohmann::json{{"rank", lora.rank},
                                {"alpha", lora.alpha},
                                {"targets", gpt.loraConfig().targets},
                                {"trainable_parameters", gpt.trainableParameterCount()},
                                {"parameters", total}}
                     .dump());
}

std::string dataEventJson(const Task& up, const Task& down) {
    auto one = [](const Task& t) {
        return nlohmann::json{{"task", t.name},
                              {"train", t.train.size()},
                              {"test", t.test.size()},
                              {"truncated", t.truncated},
                              {"dropped", t.dropped}};
    };
    return nlohmann::json{{"upstream", one(up)}, {"downstream", one(down)}}.dump();
}

BenchmarkTracker::BenchmarkTracker(const ExperimentConfig& cfg, const TokenizerSetup& tok,
                                   const Task& up)
    : m_tok(tok), m_every(cfg.eval.benchmark_every) {
    const TaskConfig& ut = cfg.upstream.task;
    for (const BenchmarkConfig& b : cfg.eval.benchmarks) {
        BenchmarkSpec spec;
        spec.name = b.name;
        spec.file = b.file;
        spec.shots = b.shots;
        spec.shots_file = b.shots_file;
        spec.builtin = b.builtin;
        spec.language = b.language;
        spec.items = b.items;
        spec.seed = benchmarkSeedOfRun(cfg.seed);
        spec.fortune_root = cfg.text_dir;
        // A fortune that fits the context whole with the byte tokenizer.
        spec.max_bytes = cfg.model.context;
        // Held out: the upstream fortunes the model never trained on.
        const bool heldOut =
            !b.builtin.empty() && taskSource(ut) == "fortunes" && ut.language == b.language;
        m_prepared.push_back(prepareBenchmark(spec, heldOut ? &up.test_texts : nullptr));
    }
}

bool BenchmarkTracker::due(int64_t step, int64_t total) const {
    if (empty() || step <= 0) return false;
    return step == total || (m_every > 0 && step % m_every == 0);
}

void BenchmarkTracker::score(int64_t step, ForgetModel& model, MetricSink& sink,
                             RunSummary& summary) {
    if (empty() || step == m_lastStep) return;
    auto& lm = static_cast<LanguageModel&>(model);
    std::vector<MetricPoint> points;
    nlohmann::json per = nlohmann::json::object();
    double sum = 0;
    for (const PreparedBenchmark& b : m_prepared) {
        const BenchmarkResult r = scoreBenchmark(lm, m_tok, b);
        points.push_back({step, keys::kBenchmarkAccPrefix + b.name, r.acc});
        points.push_back({step, keys::kBenchmarkAccNormPrefix + b.name, r.acc_norm});
        per[b.name] = {{"acc", r.acc}, {"acc_norm", r.acc_norm}, {"items", r.items}};
        sum += r.acc;
    }
    const double mean = sum / double(m_prepared.size());
    points.push_back({step, keys::kBenchmarkAcc, mean});
    sink.onMetrics(points);
    if (step == 0) {
        summary.benchmark_acc_before = mean;
        summary.benchmarks_before = per.dump();
    }
    summary.benchmark_acc_after = mean;
    summary.benchmarks_after = per.dump();
    summary.forgetting_benchmark = summary.benchmark_acc_before - summary.benchmark_acc_after;
    m_lastStep = step;
}

}  // namespace forgetlab
