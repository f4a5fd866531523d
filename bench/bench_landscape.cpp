// Rows 6-8: the cost of the flatness analyses.
//  6: 2-D grid points per second ÷ (1 ÷ time of one evaluation pass): how close a slice
//     comes to doing nothing but evaluations (target ≥ 0.9).
//  7: ForgetLab's 2-D slice ÷ the same slice in Python PyTorch (bench/reference/
//     landscape_reference.py), points per second (target ≥ 1.0).
//  8: one Hessian power iteration ÷ one gradient computation on the probe set (≤ 2.5).
// Each pair is timed alternately, several rounds, medians of per-round ratios.

#include <torch/torch.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <exception>
#include <string>

#include "bench/bench_args.h"
#include "bench/interleave.h"
#include "bench/result_row.h"
#include "engine/measure/internal/evaluation.h"
#include "engine/analysis/internal/landscape.h"
#include "engine/measure/internal/sharpness.h"

using namespace forgetlab;
using namespace forgetlab::bench;

namespace {

constexpr int kSubset = 500;
constexpr int kGrid = 9;

DataSplit randomSplit(int n) {
    return {torch::randn({n, 784}), torch::randint(0, 10, {n}, torch::kInt64)};
}

double pythonGridSeconds(const BenchArgs& args) {
    const std::string cmd = args.python + " " + FORGETLAB_BENCH_REFERENCE_DIR +
                            "/landscape_reference.py " + std::to_string(args.threads) + " " +
                            std::to_string(kGrid) + " " + std::to_string(kSubset);
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) throw std::runtime_error("cannot start " + cmd);
    double secs = -1;
    if (std::fscanf(p, "%lf", &secs) != 1) secs = -1;
    if (pclose(p) != 0 || secs <= 0) throw std::runtime_error("python reference failed: " + cmd);
    return secs;
}

}  // namespace

int main(int argc, char** argv) {
    const BenchArgs args = parseBenchArgs(argc, argv);
    ResultRow row6 = makeRow(
        "6", "2-D grid points/s ÷ (1 ÷ one evaluation pass), MLP 784-256-256-10, 2 × 500 examples",
        args.threads, Goal::AtLeast, 0.9);
    ResultRow row7 = makeRow("7", "ForgetLab ÷ Python PyTorch 2-D slice, points/s, 9 × 9 grid",
                             args.threads, Goal::AtLeast, 1.0);
    ResultRow row8 = makeRow("8", "one Hessian power iteration ÷ one gradient, probe 256",
                             args.threads, Goal::AtMost, 2.5);
    int failures = 0;
    try {
        torch::set_num_threads(args.threads);
        torch::manual_seed(0);
        auto model = buildModel(ModelConfig{}, {10});
        model->eval();
        const EvalSets sets{randomSplit(kSubset), randomSplit(kSubset), 0, 0};
        LandscapeRequest req;
        req.kind = "2d";
        req.grid = kGrid;
        req.subset = kSubset;
        auto evalPass = [&] {
            evaluateSplit(*model, sets.up, 0, false);
            evaluateSplit(*model, sets.down, 0, false);
        };
        std::vector<double> r6, r7, gridRates, evalRates, pyRates;
        std::string pyError;
        for (int round = 0; round < 5; ++round) {
            double t0 = nowSeconds();
            for (int i = 0; i < 20; ++i) evalPass();
            const double evalSec = (nowSeconds() - t0) / 20;
            t0 = nowSeconds();
            const LandscapeResult res = landscapeOnModel(*model, sets, req, nullptr, {}, nullptr);
            const double gridRate = double(res.evaluations) / (nowSeconds() - t0);
            gridRates.push_back(gridRate);
            evalRates.push_back(1.0 / evalSec);
            r6.push_back(gridRate * evalSec);
            if (pyError.empty()) {
                try {
                    const double pyRate = double(kGrid * kGrid) / pythonGridSeconds(args);
                    pyRates.push_back(pyRate);
                    r7.push_back(gridRate / pyRate);
                } catch (const std::exception& e) {
                    pyError = e.what();
                }
            }
        }
        row6.measuredA = "grid " + formatRate(median(gridRates), "points/s");
        row6.measuredB = "evaluation " + formatRate(median(evalRates), "passes/s");
        row6.ratio = median(r6);
        printRow(row6, args.info);
        if (!pyError.empty()) {
            std::fprintf(stderr, "bench_landscape: %s\n", pyError.c_str());
            printUnmeasured(row7, "not measured (Python reference failed, see bench log)",
                            args.info);
        } else {
            row7.measuredA = "ForgetLab " + formatRate(median(gridRates), "points/s");
            row7.measuredB = "Python " + formatRate(median(pyRates), "points/s");
            row7.ratio = median(r7);
            printRow(row7, args.info);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_landscape: %s\n", e.what());
        printUnmeasured(row6, "not measured (see bench log)", args.info);
        ++failures;
    }
    try {
        torch::manual_seed(0);
        auto model = buildModel(ModelConfig{}, {10});
        model->eval();
        const DataSplit probe = randomSplit(256);
        LossFn loss = [&] { return taskLoss(model->forward(probe.input, 0), probe.target); };
        const auto params = model->parameters();
        auto eigTime = [&](int iters) {
            const double t0 = nowSeconds();
            hessianTopEigenvalues(params, loss, 1, iters, 0.0, 3);  // tol 0: all iterations
            return nowSeconds() - t0;
        };
        std::vector<double> ratios, iterMs, gradMs;
        for (int round = 0; round < 5; ++round) {
            double t0 = nowSeconds();
            for (int i = 0; i < 20; ++i) {
                torch::AutoGradMode enable(true);
                torch::autograd::grad({loss()}, params);
            }
            const double grad = (nowSeconds() - t0) / 20;
            // The graph is built once per job; an iteration is the marginal cost.
            const double iter = (eigTime(21) - eigTime(1)) / 20;
            ratios.push_back(iter / grad);
            iterMs.push_back(iter * 1e3);
            gradMs.push_back(grad * 1e3);
        }
        row8.measuredA = "iteration " + formatRate(median(iterMs), "ms");
        row8.measuredB = "gradient " + formatRate(median(gradMs), "ms");
        row8.ratio = median(ratios);
        printRow(row8, args.info);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_landscape: %s\n", e.what());
        printUnmeasured(row8, "not measured (see bench log)", args.info);
        ++failures;
    }
    return failures ? 1 : 0;
}
