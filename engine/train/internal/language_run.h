#pragma once
// Engine-internal (includes torch). What a language-model run does beside training, kept out
// of runner.cpp: LoRA for the fine-tuning phase, and the multiple-choice benchmarks
// (eval.benchmarks, SCIENCE.md section 7) scored before fine-tuning, every
// eval.benchmark_every steps and at the end, as metrics and summary fields.

#include <cstdint>
#include <vector>

#include "engine/core/config.h"
#include "engine/core/run_types.h"
#include "engine/data/internal/tasks.h"
#include "engine/data/tokenizer.h"
#include "engine/measure/benchmark.h"
#include "engine/models/internal/models.h"

namespace forgetlab {

// Adapters on model.lora's targets with the base weights frozen; `record`: a "lora" event
// with the trainable count (not again when resuming).
void enableRunLora(ForgetModel& model, const ExperimentConfig& config, MetricSink& sink,
                   bool record);

// A "data" event: each phase's task name, train/test rows and truncated/dropped counts.
std::string dataEventJson(const Task& up, const Task& down);

class BenchmarkTracker {
public:
    // Reads every benchmark (files, shots, the fortune cloze from the upstream test split
    // when it is fortunes of the cloze's language). Throws BenchmarkError / DataError.
    BenchmarkTracker(const ExperimentConfig& config, const TokenizerSetup& tok, const Task& up);
    bool empty() const { return m_prepared.empty(); }
    // Scored at fine-tuning step `step` of `total`? (Step 0 is scored by the caller.)
    bool due(int64_t step, int64_t total) const;
    // Scores every benchmark now: metrics benchmark_acc/<name>, benchmark_acc_norm/<name>
    // and benchmark_acc (their mean acc); at step 0 the summary's "before", else its
    // "after" and forgetting_benchmark = before - after.
    void score(int64_t step, ForgetModel& model, MetricSink& sink, RunSummary& summary);
    int64_t lastStep() const { return m_lastStep; }

private:
    TokenizerSetup m_tok;
    int m_every = 0;
    std::vector<PreparedBenchmark> m_prepared;
    int64_t m_lastStep = -1;
};

}  // namespace forgetlab
