// Row 3: achieved model FLOP/s of the engine's training step (default MLP, batch 64; batch
// 512 as information) over the machine's sgemm peak measured in the same run. Model FLOPs
// are counted analytically: 6 * batch * sum(in * out) per step (forward and backward
// matmuls; biases, activations, loss and optimizer not counted). Row 3c (information) runs
// only the step's own matrix products, at the step's shapes, with preallocated outputs and
// no autograd or optimizer: what the GEMM library itself reaches at batch 64, the ceiling
// of any implementation of the step that uses it. Row 3d (information) bounds row 3 from the
// other side: the step of the 2-16-16-2 MLP does the same operations (3 layers, loss,
// backward, optimizer) on negligible FLOPs, so its time is the per-step cost of the framework
// itself (dispatch, autograd, optimizer); even with every matrix product at the sgemm peak,
// the default step cannot beat (FLOPs / peak) / (FLOPs / peak + that time).

#include <chrono>
#include <cstdio>
#include <exception>
#include <vector>

#include "bench/bench_args.h"
#include "bench/engine_step.h"
#include "bench/interleave.h"
#include "bench/result_row.h"
#include "bench/sgemm_peak.h"

using namespace forgetlab::bench;

namespace {

// The 3 forward and 6 backward matmuls of one training step of an MLP (for each layer:
// Y = X W^T, dW = dY^T X, dX = dY W), so its FLOPs are exactly trainStepFlops(spec).
class StepGemms {
public:
    explicit StepGemms(const StepSpec& spec) {
        torch::NoGradGuard ng;
        const int64_t b = spec.batch;
        for (size_t i = 0; i + 1 < spec.sizes.size(); ++i) {
            const int64_t in = spec.sizes[i], out = spec.sizes[i + 1];
            m_x.push_back(torch::randn({b, in}));
            m_w.push_back(torch::randn({out, in}));
            m_y.push_back(torch::empty({b, out}));
            m_dy.push_back(torch::randn({b, out}));
            m_dw.push_back(torch::empty({out, in}));
            m_dx.push_back(torch::empty({b, in}));
        }
    }
    double run(int64_t count) {
        torch::NoGradGuard ng;
        const auto t0 = std::chrono::steady_clock::now();
        for (int64_t k = 0; k < count; ++k)
            for (size_t i = 0; i < m_x.size(); ++i) {
                torch::mm_out(m_y[i], m_x[i], m_w[i].t());
                torch::mm_out(m_dw[i], m_dy[i].t(), m_x[i]);
                torch::mm_out(m_dx[i], m_dy[i], m_w[i]);
            }
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }

private:
    std::vector<torch::Tensor> m_x, m_w, m_y, m_dy, m_dw, m_dx;
};

}  // namespace

int main(int argc, char** argv) {
    const BenchArgs args = parseBenchArgs(argc, argv);
    ResultRow row64 =
        makeRow("3", "training-step model FLOP/s ÷ sgemm peak, MLP 784-256-256-10, batch 64",
                args.threads, Goal::AtLeast, 0.85);
    ResultRow row512 = makeRow("3b", "the same at batch 512", args.threads);
    ResultRow rowGemm =
        makeRow("3c", "the step's 9 matrix products alone (no autograd, no optimizer), batch 64",
                args.threads);
    ResultRow rowBound = makeRow("3d",
                                 "ceiling of row 3: matrix products at the sgemm peak + the "
                                 "framework's per-step time (2-16-16-2 step)",
                                 args.threads);
    try {
        torch::set_num_threads(args.threads);
        StepSpec spec64, spec512, specTiny;
        spec512.batch = 512;
        specTiny.sizes = {2, 16, 16, 2};
        EngineStep step64(spec64), step512(spec512), stepTiny(specTiny);
        StepGemms gemms64(spec64);
        SgemmPeak peak(2048);
        const std::vector<Workload> workloads = {
            {"sgemm", [&](int64_t n) { return peak.run(n); }},
            {"step64", [&](int64_t n) { return step64.run(n); }},
            {"step512", [&](int64_t n) { return step512.run(n); }},
            {"gemms64", [&](int64_t n) { return gemms64.run(n); }},
            {"tiny64", [&](int64_t n) { return stepTiny.run(n); }},
        };
        const InterleaveResult result = measureInterleaved(workloads, args.interleave);
        const auto& rates = result.rates;
        row64.busy = row512.busy = rowGemm.busy = rowBound.busy = result.busy;
        std::vector<double> peakFlops, flops64, flops512, flopsGemm, bound, tinyMs;
        for (size_t r = 0; r < rates[0].size(); ++r) {
            peakFlops.push_back(rates[0][r] * peak.flopsPerMatmul());
            flops64.push_back(rates[1][r] * trainStepFlops(spec64));
            flops512.push_back(rates[2][r] * trainStepFlops(spec512));
            flopsGemm.push_back(rates[3][r] * trainStepFlops(spec64));
            const double atPeak = trainStepFlops(spec64) / peakFlops.back();  // seconds
            const double framework = 1.0 / rates[4][r];                       // seconds
            bound.push_back(atPeak / (atPeak + framework));
            tinyMs.push_back(1e3 * framework);
        }
        const std::string peakText =
            "sgemm 2048² " + formatRate(median(peakFlops) / 1e9, "GFLOP/s");
        row64.measuredA = "step " + formatRate(median(flops64) / 1e9, "GFLOP/s");
        row64.measuredB = peakText;
        row64.ratio = median(perRoundRatios(flops64, peakFlops));
        row512.measuredA = "step " + formatRate(median(flops512) / 1e9, "GFLOP/s");
        row512.measuredB = peakText;
        row512.ratio = median(perRoundRatios(flops512, peakFlops));
        rowGemm.measuredA = "matmuls " + formatRate(median(flopsGemm) / 1e9, "GFLOP/s");
        rowGemm.measuredB = peakText;
        rowGemm.ratio = median(perRoundRatios(flopsGemm, peakFlops));
        rowBound.measuredA =
            "framework " + formatRate(median(tinyMs), "ms/step") + " (2-16-16-2 step)";
        rowBound.measuredB = peakText;
        rowBound.ratio = median(bound);
        printRow(row64, args.info);
        printRow(row512, args.info);
        printRow(rowGemm, args.info);
        printRow(rowBound, args.info);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_flops: %s\n", e.what());
        printUnmeasured(row64, "not measured (see bench log)", args.info);
        return 1;
    }
    return 0;
}
