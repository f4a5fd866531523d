// Row 3: achieved model FLOP/s of the engine's training step (default MLP, batch 64; batch
// 512 as information) over the machine's sgemm peak measured in the same run. Model FLOPs
// are counted analytically: 6 * batch * sum(in * out) per step (forward and backward
// matmuls; biases, activations, loss and optimizer not counted).

#include <cstdio>
#include <exception>

#include "bench/bench_args.h"
#include "bench/engine_step.h"
#include "bench/interleave.h"
#include "bench/result_row.h"
#include "bench/sgemm_peak.h"

using namespace forgetlab::bench;

int main(int argc, char** argv) {
    const BenchArgs args = parseBenchArgs(argc, argv);
    ResultRow row64 =
        makeRow("3", "training-step model FLOP/s ÷ sgemm peak, MLP 784-256-256-10, batch 64",
                args.threads, Goal::AtLeast, 0.85);
    ResultRow row512 = makeRow("3b", "the same at batch 512", args.threads);
    try {
        torch::set_num_threads(args.threads);
        StepSpec spec64, spec512;
        spec512.batch = 512;
        EngineStep step64(spec64), step512(spec512);
        SgemmPeak peak(2048);
        const std::vector<Workload> workloads = {
            {"sgemm", [&](int64_t n) { return peak.run(n); }},
            {"step64", [&](int64_t n) { return step64.run(n); }},
            {"step512", [&](int64_t n) { return step512.run(n); }},
        };
        const InterleaveResult result = measureInterleaved(workloads, args.interleave);
        const auto& rates = result.rates;
        row64.busy = row512.busy = result.busy;
        std::vector<double> peakFlops, flops64, flops512;
        for (size_t r = 0; r < rates[0].size(); ++r) {
            peakFlops.push_back(rates[0][r] * peak.flopsPerMatmul());
            flops64.push_back(rates[1][r] * trainStepFlops(spec64));
            flops512.push_back(rates[2][r] * trainStepFlops(spec512));
        }
        const std::string peakText =
            "sgemm 2048² " + formatRate(median(peakFlops) / 1e9, "GFLOP/s");
        row64.measuredA = "step " + formatRate(median(flops64) / 1e9, "GFLOP/s");
        row64.measuredB = peakText;
        row64.ratio = median(perRoundRatios(flops64, peakFlops));
        row512.measuredA = "step " + formatRate(median(flops512) / 1e9, "GFLOP/s");
        row512.measuredB = peakText;
        row512.ratio = median(perRoundRatios(flops512, peakFlops));
        printRow(row64, args.info);
        printRow(row512, args.info);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_flops: %s\n", e.what());
        printUnmeasured(row64, "not measured (see bench log)", args.info);
        return 1;
    }
    return 0;
}
