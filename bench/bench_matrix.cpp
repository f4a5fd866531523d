// Row 10: the forgetting-matrix analysis (engine/forgetting/forgetting_matrix.h) on a 100 x 100,000
// matrix (rank 5 plus noise, seeded): fitMatrix and one completion round (completeMatrix,
// 1 seed, H = 20 held-out rows, K = 30 revealed entries, the three methods), ForgetLab ÷
// bench/reference/matrix_reference.py (NumPy) on the identical matrix, which this program
// writes as raw little-endian float64 to a temporary file. The ratio is NumPy's time over
// ForgetLab's (speed over speed). Each round times ForgetLab, then runs the reference (one
// warm-up on a small slice, one timed repetition, timed by Python itself); median of per-round
// ratios. Most of the gap is the algorithm, not the language: np.linalg.svd of the wide
// matrix (the natural NumPy call) against ForgetLab's eigen-decomposition of the small Gram
// matrix Z Z^T; the AUC's sort of ~2M scores (argsort against a radix sort) is the rest.

#include <torch/torch.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <unistd.h>

#include "bench/bench_args.h"
#include "bench/interleave.h"
#include "bench/result_row.h"
#include "engine/forgetting/forgetting_matrix.h"

using namespace forgetlab;
using namespace forgetlab::bench;

namespace {

constexpr int64_t kRows = 100;
constexpr int64_t kCols = 100000;
constexpr int kRank = 5;
constexpr double kNoise = 0.1;
constexpr int kHoldout = 20;
constexpr int kObserved = 30;
constexpr int kMaxRounds = 5;

// z = A B + noise with Gaussian factors; a positive offset so that about 60% of the cells
// count as forgotten, as in real matrices.
ForgetMatrix syntheticMatrix(uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal(0.0, 1.0);
    std::vector<double> a(size_t(kRows * kRank)), b(size_t(kRank * kCols));
    for (double& x : a) x = normal(rng);
    for (double& x : b) x = normal(rng) * 0.2;
    ForgetMatrix z;
    z.rows = kRows;
    z.cols = kCols;
    z.values.resize(size_t(kRows * kCols));
    for (int64_t i = 0; i < kRows; ++i)
        for (int64_t j = 0; j < kCols; ++j) {
            double v = 0.1 + kNoise * normal(rng);
            for (int k = 0; k < kRank; ++k)
                v += a[size_t(i * kRank + k)] * b[size_t(k * kCols + j)];
            z.values[size_t(i * kCols + j)] = v;
        }
    return z;
}

std::string writeRaw(const ForgetMatrix& z) {
    const char* tmp = std::getenv("TMPDIR");
    std::string path = std::string(tmp && *tmp ? tmp : "/tmp") + "/forgetlab_bench_matrix_XXXXXX";
    const int fd = mkstemp(path.data());
    if (fd < 0) throw std::runtime_error("cannot create a temporary file for the matrix");
    FILE* f = fdopen(fd, "wb");
    // x86-64 and aarch64 are little-endian: the vector's bytes are the file format.
    const size_t written = f ? std::fwrite(z.values.data(), sizeof(double), z.values.size(), f) : 0;
    if (!f || written != z.values.size() || std::fclose(f) != 0) {
        std::remove(path.c_str());
        throw std::runtime_error("cannot write the matrix to " + path);
    }
    return path;
}

double jsonNumber(const std::string& json, const std::string& key) {
    const size_t at = json.find("\"" + key + "\":");
    if (at == std::string::npos) throw std::runtime_error("no " + key + " in: " + json);
    return std::strtod(json.c_str() + at + key.size() + 3, nullptr);
}

struct PythonTimes {
    double fit = 0, complete = 0;
};

PythonTimes runReference(const BenchArgs& args, const std::string& path) {
    const std::string cmd = args.python + " " + FORGETLAB_BENCH_REFERENCE_DIR +
                            "/matrix_reference.py " + path + " " + std::to_string(kRows) + " " +
                            std::to_string(kCols) + " " + std::to_string(args.threads) + " 1 " +
                            std::to_string(kHoldout) + " " + std::to_string(kObserved) + " 0";
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) throw std::runtime_error("cannot start " + cmd);
    std::string out;
    char buf[4096];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    if (pclose(p) != 0) throw std::runtime_error("python reference failed: " + cmd);
    std::fprintf(stderr, "bench_matrix: NumPy: %s", out.c_str());
    PythonTimes t{jsonNumber(out, "fit_seconds"), jsonNumber(out, "complete_seconds")};
    if (!(t.fit > 0 && t.complete > 0)) throw std::runtime_error("python reference: " + out);
    return t;
}

}  // namespace

int main(int argc, char** argv) {
    const BenchArgs args = parseBenchArgs(argc, argv);
    ResultRow row = makeRow(
        "10",
        "ForgetLab ÷ NumPy, fit of a 100 × 100,000 matrix + one completion round (H 20, K 30)",
        args.threads, Goal::AtLeast, 1.0);
    std::string path;
    try {
        torch::set_num_threads(args.threads);
        const ForgetMatrix z = syntheticMatrix(1);
        path = writeRaw(z);
        CompletionOptions options;
        options.holdout_rows = kHoldout;
        options.observed = kObserved;
        options.seeds = 1;

        // Warm-up (thread pool, allocator), and the answers for the log.
        const FitReport fit = fitMatrix(z);
        const CompletionReport rep = completeMatrix(z, options);
        std::fprintf(stderr, "bench_matrix: ForgetLab R^2 rank 1..5:");
        for (double r2 : fit.r2_rank) std::fprintf(stderr, " %.6f", r2);
        std::fprintf(stderr, ", additive %.6f;", fit.r2_additive);
        for (const MethodScores& s : rep.methods)
            std::fprintf(stderr, " %s RMSE %.4f F1 %.4f AUC %.4f;", completionMethodName(s.method),
                         s.rmse, s.f1, s.auc);
        std::fprintf(stderr, "\n");

        std::vector<double> ratios, ours, theirs, oursFit, oursRound, theirsFit, theirsRound;
        const double start = nowSeconds();
        for (int round = 0; round < kMaxRounds; ++round) {
            double t0 = nowSeconds();
            fitMatrix(z);
            const double fitSec = nowSeconds() - t0;
            t0 = nowSeconds();
            completeMatrix(z, options);
            const double roundSec = nowSeconds() - t0;
            const PythonTimes py = runReference(args, path);
            oursFit.push_back(fitSec * 1e3);
            oursRound.push_back(roundSec * 1e3);
            theirsFit.push_back(py.fit * 1e3);
            theirsRound.push_back(py.complete * 1e3);
            ours.push_back((fitSec + roundSec) * 1e3);
            theirs.push_back((py.fit + py.complete) * 1e3);
            ratios.push_back((py.fit + py.complete) / (fitSec + roundSec));
            std::fprintf(stderr,
                         "bench_matrix: round %d: ForgetLab fit %.1f ms + round %.1f ms, NumPy "
                         "fit %.1f ms + round %.1f ms, ratio %.2f\n",
                         round + 1, fitSec * 1e3, roundSec * 1e3, py.fit * 1e3, py.complete * 1e3,
                         ratios.back());
            if (round >= 2 && nowSeconds() - start > args.interleave.maxSeconds) break;
        }
        row.measuredA = "ForgetLab " + formatRate(median(ours), "ms") + " (fit " +
                        formatRate(median(oursFit), "ms") + " + round " +
                        formatRate(median(oursRound), "ms") + ")";
        row.measuredB = "NumPy " + formatRate(median(theirs), "ms") + " (fit " +
                        formatRate(median(theirsFit), "ms") + " + round " +
                        formatRate(median(theirsRound), "ms") + ")";
        row.ratio = median(ratios);
        printRow(row, args.info);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_matrix: %s\n", e.what());
        printUnmeasured(row, "not measured (see bench log)", args.info);
        if (!path.empty()) std::remove(path.c_str());
        return 1;
    }
    std::remove(path.c_str());
    return 0;
}
