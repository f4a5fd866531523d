#include "engine/analysis/run_analysis.h"

#include <stdexcept>

namespace forgetlab {
namespace {

const CheckpointRow& pick(const std::vector<CheckpointRow>& rows, int64_t runId, int64_t step) {
    // Preference among rows at one step: the final weights, then any other, then the
    // pre-trained ones (the same weights as step 0 of fine-tuning).
    auto rank = [](const CheckpointRow& r) {
        return r.tag == "final" ? 2 : r.tag == "pretrained" ? 0 : 1;
    };
    const CheckpointRow* best = nullptr;
    for (const auto& r : rows) {
        if (step >= 0 && r.step != step) continue;
        if (!best) {
            best = &r;
        } else if (step < 0) {
            // No step asked for: the final checkpoint, else the latest.
            if (rank(r) == 2 || (rank(*best) != 2 && r.step >= best->step)) best = &r;
        } else if (rank(r) > rank(*best)) {
            best = &r;
        }
    }
    if (!best) {
        std::string steps;
        for (const auto& r : rows)
            steps += (steps.empty() ? "" : ", ") + std::to_string(r.step) + " (" + r.tag + ")";
        throw std::runtime_error(
            "run " + std::to_string(runId) + " has no checkpoint" +
            (step >= 0 ? " at step " + std::to_string(step) : std::string()) +
            (steps.empty() ? std::string(" at all") : "; available: " + steps));
    }
    return *best;
}

}  // namespace

int64_t checkpointStepForRun(Store& store, int64_t runId, int64_t step) {
    return pick(store.checkpoints(runId), runId, step).step;
}

ModelSource modelSourceForRun(Store& store, int64_t runId, int64_t step) {
    const RunInfo info = store.run(runId);
    ConfigParseResult parsed = parseStoredConfig(info.config_json);
    if (!parsed.ok())
        throw std::runtime_error("run " + std::to_string(runId) +
                                 " has an unreadable config: " + formatErrors(parsed.errors));
    const auto rows = store.checkpoints(runId);
    ModelSource src;
    src.config = parsed.config;
    src.checkpointFile = store.checkpointPath(pick(rows, runId, step));
    for (const auto& r : rows)
        if (r.tag == "pretrained") src.pretrainedFile = store.checkpointPath(r);
    return src;
}

}  // namespace forgetlab
