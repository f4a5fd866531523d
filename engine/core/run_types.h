#pragma once
// Plain types that cross from the training engine to storage, the CLI and the GUI.

#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/names.h"

namespace forgetlab {

struct MetricPoint {
    int64_t step = 0;
    std::string key;
    double value = 0.0;
};

enum class Phase { Preparing, Upstream, Downstream, Finished };
const char* phaseName(Phase p);

struct RunSummary {
    int64_t run_id = 0;
    std::string status;
    std::string error;  // set when status is failed/diverged
    int64_t steps = 0;  // fine-tuning steps done
    double upstream_acc_before = 0.0;
    double upstream_acc_after = 0.0;
    double downstream_acc_after = 0.0;
    double forgetting = 0.0;  // upstream_acc_before - upstream_acc_after
    double sharpness_last = 0.0;
    double hessian_lmax_last = 0.0;
    double wall_seconds = 0.0;
    bool upstream_from_cache = false;
    // Task sequences only: R[i][j] = accuracy on task j after task i, and its metrics
    // (forgetting above is then Chaudhry et al.'s, over the sequence).
    std::vector<std::vector<double>> accuracy_matrix;
    std::vector<double> initial_accuracy;  // b_j, for FWT
    double avg_acc = 0.0, bwt = 0.0, fwt = 0.0;
    // Per-example forgetting of the tracked upstream examples (eval.example_losses):
    // z_j = loss after - loss before; their mean and the share with z_j > 0.
    int64_t examples_tracked = 0;
    double example_forgetting_mean = 0.0;
    double example_forgotten_fraction = 0.0;
    // Targeted replay: the probe and the chosen buffer (empty otherwise).
    std::string replay_selection;
    // Language models (model.kind "gpt"): log-perplexity = mean per-token negative
    // log-likelihood (nats) on the test split; accuracies above are next-token accuracies.
    bool language = false;
    double upstream_logppl_before = 0.0;
    double upstream_logppl_after = 0.0;
    double downstream_logppl_after = 0.0;
    double forgetting_logppl = 0.0;    // upstream_logppl_after - upstream_logppl_before
    int64_t trainable_parameters = 0;  // while fine-tuning (LoRA: the adapters)
    // Language tasks: examples cut to the context / left out with nothing to count.
    int64_t truncated_examples = 0, dropped_examples = 0;
    // eval.benchmarks (SCIENCE.md section 7): mean acc over the benchmarks before fine-tuning
    // and at the last step, their difference (the SAM study's general-ability forgetting),
    // and per benchmark {name: {acc, acc_norm, items}} as JSON objects ("" = none).
    double benchmark_acc_before = 0.0, benchmark_acc_after = 0.0;
    double forgetting_benchmark = 0.0;
    std::string benchmarks_before, benchmarks_after;
};

std::string summaryToJson(const RunSummary& s);

// Receives what a run produces. Called on the runner's thread.
class MetricSink {
public:
    virtual ~MetricSink() = default;
    virtual void onPhase(Phase phase, int64_t totalSteps) { (void)phase, (void)totalSteps; }
    virtual void onMetrics(const std::vector<MetricPoint>& points) = 0;
    virtual void onEvent(int64_t step, const std::string& kind, const std::string& json) {
        (void)step, (void)kind, (void)json;
    }
    virtual void onCheckpoint(int64_t step, const std::string& tag, const std::string& file) {
        (void)step, (void)tag, (void)file;
    }
    // The loss of every tracked upstream example (eval.example_losses) at a fine-tuning
    // step: 0 (before), checkpoints, and the last step.
    virtual void onExampleLosses(int64_t step, const std::vector<float>& losses) {
        (void)step, (void)losses;
    }
    // Progress within a phase: steps done of total (also called while pre-training).
    virtual void onProgress(Phase phase, int64_t step, int64_t total) {
        (void)phase, (void)step, (void)total;
    }
};

}  // namespace forgetlab
