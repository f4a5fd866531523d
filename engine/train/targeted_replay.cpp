#include "engine/train/internal/targeted_replay.h"

#include <algorithm>
#include <numeric>
#include <random>

#include <nlohmann/json.hpp>

#include "engine/core/names.h"
#include "engine/measure/internal/example_forgetting.h"
#include "engine/optim/internal/optimizers.h"

namespace forgetlab {

TargetedReplayChoice selectTargetedReplay(
    const ExperimentConfig& cfg, const ForgetMatrix* ref, ForgetModel& model, const Task& up,
    const Task& down, const std::vector<int64_t>& tracked, const std::vector<float>& lossBefore,
    const RunControl* control,
    const std::function<void(const std::string&, int64_t, const std::string&)>& events) {
    const StrategyConfig& st = cfg.strategies;
    if (!ref)
        throw EndRun{status::kFailed, "targeted replay needs the forgetting matrix #" +
                                          std::to_string(st.replay_matrix) +
                                          ", which was not loaded"};
    if (ref->cols != static_cast<int64_t>(tracked.size()))
        throw EndRun{status::kFailed,
                     "forgetting matrix #" + std::to_string(st.replay_matrix) + " has " +
                         std::to_string(ref->cols) + " columns but this run tracks " +
                         std::to_string(tracked.size()) +
                         " upstream examples (eval.example_losses): use a matrix swept from the "
                         "same upstream set-up"};
    // The probe: a copy trained like the real run, without strategies.
    std::vector<int> heads = {up.num_outputs};
    if (cfg.model.head == "multi") heads.push_back(down.num_outputs);
    auto copy = frozenCopy(model, cfg.model, heads);
    for (auto& p : copy->parameters()) p.requires_grad_(true);
    copy->train();
    auto optimizer = makeOptimizer(copy->parameters(), cfg.downstream.optimizer);
    BatchSampler sampler(down.train.size(), cfg.downstream.batch_size,
                         uint64_t(cfg.seed) * 1000003ULL + 29);
    const int probeSteps = std::min(st.replay_probe_steps, cfg.downstream.steps);
    // Plain fine-tuning at the configured rate: no schedule, clipping, knobs or pauses;
    // a stop request still ends it.
    StepPhase sp;
    sp.task = &down;
    sp.sampler = &sampler;
    sp.steps = probeSteps;
    sp.optimizer = &cfg.downstream.optimizer;
    sp.stop_only = control;
    sp.schedule = false;
    sp.clip = false;
    sp.event_context = {{"phase", "replay probe"}};
    sp.where = [](int64_t step) {
        return "at step " + std::to_string(step) + " of the targeted-replay probe";
    };
    runSteps(*copy, *optimizer, nullptr, sp, events, [](const StepDone&) {});
    // K probed examples, seeded.
    const int64_t n = static_cast<int64_t>(tracked.size());
    const int k = static_cast<int>(std::min<int64_t>(st.replay_probe, n));
    std::vector<int64_t> positions(static_cast<size_t>(n));
    std::iota(positions.begin(), positions.end(), 0);
    std::mt19937_64 rng(uint64_t(cfg.seed) * 7777ULL + 3);
    std::shuffle(positions.begin(), positions.end(), rng);
    positions.resize(static_cast<size_t>(k));
    std::sort(positions.begin(), positions.end());
    std::vector<int64_t> probeIdx;
    for (int64_t pos : positions) probeIdx.push_back(tracked[static_cast<size_t>(pos)]);
    const std::vector<float> after = exampleLosses(*copy, up.train, probeIdx, up.head);
    std::vector<double> observed;
    for (size_t i = 0; i < positions.size(); ++i)
        observed.push_back(double(after[i]) -
                           double(lossBefore[static_cast<size_t>(positions[i])]));
    std::vector<double> predicted = predictRow(*ref, positions, observed, CompletionMethod::Knn);
    for (size_t i = 0; i < positions.size(); ++i)
        predicted[static_cast<size_t>(positions[i])] = observed[i];  // measured beats predicted
    // The replay_buffer examples with the highest predicted forgetting.
    std::vector<int64_t> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    const int64_t keep = std::min<int64_t>(st.replay_buffer, n);
    std::partial_sort(order.begin(), order.begin() + keep, order.end(), [&](int64_t a, int64_t b) {
        return predicted[size_t(a)] > predicted[size_t(b)] ||
               (predicted[size_t(a)] == predicted[size_t(b)] && a < b);
    });
    order.resize(static_cast<size_t>(keep));
    double chosenMean = 0, allMean = 0;
    for (int64_t pos : order) chosenMean += predicted[size_t(pos)];
    for (double v : predicted) allMean += v;
    chosenMean /= std::max<int64_t>(keep, 1);
    allMean /= std::max<int64_t>(n, 1);
    std::sort(order.begin(), order.end());
    TargetedReplayChoice choice;
    for (int64_t pos : order) choice.indices.push_back(tracked[size_t(pos)]);
    nlohmann::json ev = {{"matrix", st.replay_matrix},          {"probe", k},
                         {"probe_steps", probeSteps},           {"buffer", keep},
                         {"predicted_mean_chosen", chosenMean}, {"predicted_mean_all", allMean}};
    choice.event_json = ev.dump();
    return choice;
}

}  // namespace forgetlab
