// Row 9: the cost of each anti-forgetting strategy: time of a fine-tuning step with the
// strategy (engine/train/internal/strategies.h, the loss the Runner uses) over the plain step,
// default MLP, batch 64, SGD. Information rows (no target in the issue). Timed alternately.

#include <torch/torch.h>

#include <cstdio>
#include <exception>
#include <memory>

#include "bench/bench_args.h"
#include "bench/interleave.h"
#include "bench/result_row.h"
#include "engine/optim/internal/optimizers.h"
#include "engine/train/internal/strategies.h"

using namespace forgetlab;
using namespace forgetlab::bench;

namespace {

struct StrategyStep {
    std::shared_ptr<ForgetModel> model;
    std::unique_ptr<torch::optim::Optimizer> optimizer;
    std::unique_ptr<StrategySet> strategies;
    Batch batch;

    StrategyStep(const StrategyConfig& sc, const Task& up) {
        torch::manual_seed(0);
        model = buildModel(ModelConfig{}, {10});
        std::shared_ptr<ForgetModel> teacher;
        if (sc.lwf_lambda > 0) teacher = buildModel(ModelConfig{}, {10});
        strategies = std::make_unique<StrategySet>(sc, *model, teacher, up, 1);
        optimizer = makeOptimizer(model->parameters(), OptimizerConfig{});
        batch = {torch::randn({64, 784}), torch::randint(0, 10, {64}, torch::kInt64), 0};
    }
    double run(int64_t steps) {
        const double t0 = nowSeconds();
        for (int64_t i = 0; i < steps; ++i) {
            const MixedBatch mixed = strategies->compose(batch);
            auto closure = [&] {
                zeroGrad(*optimizer);
                torch::Tensor loss = strategies->loss(*model, mixed);
                loss.backward();
                return loss;
            };
            optimizer->step(closure).item<double>();
        }
        return nowSeconds() - t0;
    }
};

}  // namespace

int main(int argc, char** argv) {
    const BenchArgs args = parseBenchArgs(argc, argv);
    torch::set_num_threads(args.threads);
    Task up;
    up.train = {torch::randn({2000, 784}), torch::randint(0, 10, {2000}, torch::kInt64)};
    up.test = up.train;
    StrategyConfig plain, replay, ewc, l2sp, lwf;
    replay.replay_ratio = 0.25;
    ewc.ewc_lambda = 100;
    l2sp.l2sp_lambda = 0.1;
    lwf.lwf_lambda = 1;
    const std::pair<const char*, StrategyConfig> cases[] = {
        {"replay 0.25", replay}, {"EWC", ewc}, {"L2-SP", l2sp}, {"LwF", lwf}};
    int failures = 0;
    StrategyStep base(plain, up);
    for (const auto& [name, sc] : cases) {
        ResultRow row = makeRow(
            "9",
            std::string(name) + " step time ÷ plain fine-tuning step, MLP 784-256-256-10, batch 64",
            args.threads);
        try {
            StrategyStep with(sc, up);
            InterleaveOptions opts = args.interleave;
            opts.rounds = 9;
            opts.maxSeconds = 12;
            const InterleaveResult r =
                measureInterleaved({{"plain", [&](int64_t n) { return base.run(n); }},
                                    {name, [&](int64_t n) { return with.run(n); }}},
                                   opts);
            std::vector<double> plainMs, withMs;
            for (size_t k = 0; k < r.rates[0].size(); ++k) {
                plainMs.push_back(1e3 / r.rates[0][k]);
                withMs.push_back(1e3 / r.rates[1][k]);
            }
            row.busy = r.busy;
            row.measuredA = std::string(name) + " " + formatRate(median(withMs), "ms/step");
            row.measuredB = "plain " + formatRate(median(plainMs), "ms/step");
            row.ratio = median(perRoundRatios(withMs, plainMs));
            printRow(row, true);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "bench_strategies: %s\n", e.what());
            printUnmeasured(row, "not measured (see bench log)", true);
            ++failures;
        }
    }
    return failures ? 1 : 0;
}
