#include "engine/core/run_types.h"

#include <nlohmann/json.hpp>

namespace forgetlab {

const char* phaseName(Phase p) {
    switch (p) {
        case Phase::Preparing:
            return "preparing";
        case Phase::Upstream:
            return "pre-training";
        case Phase::Downstream:
            return "fine-tuning";
        case Phase::Finished:
            return "finished";
    }
    return "?";
}

std::string summaryToJson(const RunSummary& s) {
    nlohmann::json j = {{"run_id", s.run_id},
                        {"status", s.status},
                        {"steps", s.steps},
                        {"upstream_acc_before", s.upstream_acc_before},
                        {"upstream_acc_after", s.upstream_acc_after},
                        {"downstream_acc_after", s.downstream_acc_after},
                        {"forgetting", s.forgetting},
                        {"sharpness_last", s.sharpness_last},
                        {"hessian_lmax_last", s.hessian_lmax_last},
                        {"wall_seconds", s.wall_seconds},
                        {"upstream_from_cache", s.upstream_from_cache}};
    if (!s.error.empty()) j["error"] = s.error;
    if (!s.accuracy_matrix.empty()) {
        j["accuracy_matrix"] = s.accuracy_matrix;
        j["initial_accuracy"] = s.initial_accuracy;
        j["avg_acc"] = s.avg_acc;
        j["bwt"] = s.bwt;
        j["fwt"] = s.fwt;
    }
    if (s.examples_tracked > 0) {
        j["examples_tracked"] = s.examples_tracked;
        j["example_forgetting_mean"] = s.example_forgetting_mean;
        j["example_forgotten_fraction"] = s.example_forgotten_fraction;
    }
    if (s.language) {
        j["upstream_logppl_before"] = s.upstream_logppl_before;
        j["upstream_logppl_after"] = s.upstream_logppl_after;
        j["downstream_logppl_after"] = s.downstream_logppl_after;
        j["forgetting_logppl"] = s.forgetting_logppl;
        j["trainable_parameters"] = s.trainable_parameters;
    }
    if (s.truncated_examples > 0 || s.dropped_examples > 0) {
        j["truncated_examples"] = s.truncated_examples;
        j["dropped_examples"] = s.dropped_examples;
    }
    if (!s.benchmarks_before.empty()) {
        j["benchmark_acc_before"] = s.benchmark_acc_before;
        j["benchmark_acc_after"] = s.benchmark_acc_after;
        j["forgetting_benchmark"] = s.forgetting_benchmark;
        j["benchmarks_before"] = nlohmann::json::parse(s.benchmarks_before);
        if (!s.benchmarks_after.empty())
            j["benchmarks_after"] = nlohmann::json::parse(s.benchmarks_after);
    }
    if (!s.replay_selection.empty())
        j["replay_selection"] = nlohmann::json::parse(s.replay_selection);
    return j.dump();
}

}  // namespace forgetlab
