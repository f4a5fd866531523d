// Row 4: the cost of SAM. Time of a SAM step (SGD base, rho 0.05) over the time of the
// plain SGD step, default MLP, batch 64, timed alternately in one run. SAM needs two
// forward/backward passes, so about 2 is the floor; the target (≤ 2.1) bounds its overhead.

#include <cstdio>
#include <exception>

#include "bench/bench_args.h"
#include "bench/engine_step.h"
#include "bench/interleave.h"
#include "bench/result_row.h"

using namespace forgetlab::bench;

int main(int argc, char** argv) {
    const BenchArgs args = parseBenchArgs(argc, argv);
    ResultRow row =
        makeRow("4", "SAM step time ÷ SGD step time, MLP 784-256-256-10, batch 64, rho 0.05",
                args.threads, Goal::AtMost, 2.1);
    try {
        torch::set_num_threads(args.threads);
        StepSpec baseSpec, samSpec;
        samSpec.optimizer.sam = "sam";
        samSpec.optimizer.rho = 0.05;
        EngineStep base(baseSpec), sam(samSpec);
        const std::vector<Workload> workloads = {
            {"sgd", [&](int64_t n) { return base.run(n); }},
            {"sam", [&](int64_t n) { return sam.run(n); }},
        };
        const InterleaveResult result = measureInterleaved(workloads, args.interleave);
        const auto& rates = result.rates;
        row.busy = result.busy;
        // Time per step is 1 / rate.
        std::vector<double> baseMs, samMs;
        for (size_t r = 0; r < rates[0].size(); ++r) {
            baseMs.push_back(1e3 / rates[0][r]);
            samMs.push_back(1e3 / rates[1][r]);
        }
        row.measuredA = "SAM " + formatRate(median(samMs), "ms/step");
        row.measuredB = "SGD " + formatRate(median(baseMs), "ms/step");
        row.ratio = median(perRoundRatios(samMs, baseMs));
        printRow(row, args.info);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_sam: %s\n", e.what());
        printUnmeasured(row, "not measured (see bench log)", args.info);
        return 1;
    }
    return 0;
}
