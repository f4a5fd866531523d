// Rows 1 and 2: the engine's training step against the same step in Python PyTorch on the
// same libtorch, timed alternately in one run. --model default: 784-256-256-10 MLP, batch
// 64 (target ≥ 1.1); --model tiny: 2-16-16-2 MLP on 2-D points, batch 64 (target ≥ 1.5).

#include <cmath>
#include <cstdio>
#include <exception>

#include "bench/bench_args.h"
#include "bench/engine_step.h"
#include "bench/interleave.h"
#include "bench/python_reference.h"
#include "bench/result_row.h"

using namespace forgetlab::bench;

int main(int argc, char** argv) {
    const BenchArgs args = parseBenchArgs(argc, argv);
    const bool tiny = args.model == "tiny";
    ResultRow row =
        tiny
            ? makeRow("2", "engine ÷ Python PyTorch steps/s, MLP 2-16-16-2 on 2-D points, batch 64",
                      args.threads, Goal::AtLeast, 1.5)
            : makeRow("1", "engine ÷ Python PyTorch steps/s, MLP 784-256-256-10, batch 64",
                      args.threads, Goal::AtLeast, 1.1);
    try {
        torch::set_num_threads(args.threads);
        StepSpec spec;
        if (tiny) spec.sizes = {2, 16, 16, 2};
        PythonReference python(args.python, args.script, args.threads);
        EngineStep engine(spec);
        // Same seed, same draw order, same libtorch: the first losses must agree.
        const double engineLoss = engine.step();
        const double pythonLoss = python.setup("m", spec.sizes, spec.batch, spec.seed);
        std::fprintf(stderr, "first-step loss: engine %.7f, python %.7f (python torch %s)\n",
                     engineLoss, pythonLoss, python.torchVersion().c_str());
        if (std::fabs(engineLoss - pythonLoss) > 1e-4 * std::max(1.0, std::fabs(engineLoss)))
            std::fprintf(stderr, "warning: the two sides do not compute the same step\n");

        const std::vector<Workload> workloads = {
            {"engine", [&](int64_t n) { return engine.run(n); }},
            {"python", [&](int64_t n) { return python.run("m", n); }},
        };
        InterleaveOptions options = args.interleave;
        options.children.push_back(python.pid());
        const InterleaveResult result = measureInterleaved(workloads, options);
        const auto& rates = result.rates;
        row.busy = result.busy;
        row.measuredA = "engine " + formatRate(median(rates[0]), "steps/s");
        row.measuredB = "Python " + formatRate(median(rates[1]), "steps/s");
        row.ratio = median(perRoundRatios(rates[0], rates[1]));
        printRow(row, args.info);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_vs_python: %s\n", e.what());
        printUnmeasured(row, "not measured (see bench log)", args.info);
        return 1;
    }
    return 0;
}
