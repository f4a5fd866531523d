#include "engine/forgetting/forgetting_matrix.h"

#include "engine/forgetting/internal/forgetting_matrix_detail.h"
#include "engine/forgetting/internal/symmetric_eigen.h"

#include <torch/torch.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <numeric>
#include <random>
#include <sstream>
#include <string_view>
#include <utility>

namespace forgetlab {

using detail::checkShape;
using detail::plural;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Fit and completion need a non-empty matrix of finite numbers.
void requireUsable(const ForgetMatrix& z) {
    checkShape(z);
    if (z.rows == 0 || z.cols == 0)
        throw MatrixError("the matrix is empty (" + std::to_string(z.rows) + " x " +
                          std::to_string(z.cols) + "): it needs at least one task and one example");
    z.requireComplete();
    for (size_t k = 0; k < z.values.size(); ++k) {
        if (!std::isfinite(z.values[k]))
            throw MatrixError("row " + std::to_string(k / size_t(z.cols) + 1) + ", column " +
                              std::to_string(k % size_t(z.cols) + 1) +
                              " is infinite: every cell must be a finite number");
    }
}

// A read-only tensor view of the matrix (never written through).
torch::Tensor tensorView(const ForgetMatrix& z) {
    return torch::from_blob(const_cast<double*>(z.values.data()), {z.rows, z.cols},
                            torch::kFloat64);
}

// ---- Linear algebra -------------------------------------------------------------------------

std::vector<double> toVector(const torch::Tensor& t) {
    const torch::Tensor c = t.to(torch::kFloat64).contiguous();
    return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

// Eigenvalues this far below the largest are rounding noise of the Gram matrix: set to 0.
constexpr double kEigenNoise = 1e-13;

// The eigen-decomposition of a symmetric Gram matrix, descending, noise eigenvalues zeroed.
struct GramEigen {
    torch::Tensor values;   // n, descending, >= 0
    torch::Tensor vectors;  // n x n, columns in the same order
};

// Up to this size the Gram matrix is decomposed by symmetricEigen, beyond by LAPACK.
constexpr int64_t kOwnEigenMax = 256;

GramEigen gramEigen(const torch::Tensor& gram) {
    const int64_t n = gram.size(0);
    torch::Tensor values, vectors;
    if (n <= kOwnEigenMax) {
        std::vector<double> a = toVector(gram);
        const std::vector<double> ascending = symmetricEigen(a, n);
        values = torch::tensor(ascending, torch::kFloat64);
        vectors = torch::from_blob(a.data(), {n, n}, torch::kFloat64).t().clone();
    } else {
        std::tie(values, vectors) = torch::linalg::eigh(gram, "L");
    }
    values = values.flip(0);
    vectors = vectors.flip(1);
    const double top = std::max(values.numel() ? values[0].item<double>() : 0.0, 0.0);
    values = torch::where(values > kEigenNoise * top, values, torch::zeros_like(values));
    return {values.contiguous(), vectors.contiguous()};
}

// The leading r singular triplets of z[rows] (all rows when `rows` is undefined), through
// the smaller Gram matrix. `rowGram` may hold z z^T of the full z to save recomputing it.
// u has one row per selected row; v is cols x r. Triplets with a zero singular value get
// zero vectors. Signs: each column of v sums to >= 0.
struct Triplets {
    torch::Tensor s, u, v;
};

Triplets leadingTriplets(const torch::Tensor& z, const torch::Tensor& rows, int64_t r,
                         const torch::Tensor& rowGram = {}) {
    const int64_t m = rows.defined() ? rows.numel() : z.size(0);
    const int64_t n = z.size(1);
    Triplets t;
    if (m <= n) {
        torch::Tensor g = rowGram.defined() ? rowGram : z.mm(z.t());
        if (rows.defined()) g = g.index_select(0, rows).index_select(1, rows);
        const GramEigen e = gramEigen(g);
        t.s = e.values.narrow(0, 0, r).sqrt();
        t.u = e.vectors.narrow(1, 0, r);
        torch::Tensor uFull = t.u;
        if (rows.defined())  // z[rows]^T u = z^T (u placed at `rows`, 0 elsewhere): no copy of z
            uFull = torch::zeros({z.size(0), r}, z.options()).index_copy_(0, rows, t.u);
        const torch::Tensor safe = torch::where(t.s > 0, t.s, torch::ones_like(t.s));
        t.v = z.t().mm(uFull) / safe * (t.s > 0);
        t.u = t.u * (t.s > 0);
    } else {
        const torch::Tensor zr = rows.defined() ? z.index_select(0, rows) : z;
        const GramEigen e = gramEigen(zr.t().mm(zr));
        t.s = e.values.narrow(0, 0, r).sqrt();
        t.v = e.vectors.narrow(1, 0, r);
        const torch::Tensor safe = torch::where(t.s > 0, t.s, torch::ones_like(t.s));
        t.u = zr.mm(t.v) / safe * (t.s > 0);
        t.v = t.v * (t.s > 0);
    }
    const torch::Tensor sign =
        torch::where(t.v.sum(0) < 0, -torch::ones_like(t.s), torch::ones_like(t.s));
    t.u = (t.u * sign).contiguous();
    t.v = (t.v * sign).contiguous();
    t.s = t.s.contiguous();
    return t;
}

// R^2 = 1 - SSE / SST. A constant matrix (SST zero up to rounding of the mean) is fitted
// perfectly (R^2 = 1) by a model whose SSE is zero up to the same rounding, else R^2 = 0.
double rSquared(double sse, double sst, double sumSquares) {
    const double rounding = 1e-24 * sumSquares;
    if (sst <= rounding) return sse <= rounding ? 1.0 : 0.0;
    return 1.0 - sse / sst;
}

// ---- Completion -----------------------------------------------------------------------------

// Unbiased and the same on every platform (std::uniform_int_distribution is not).
uint64_t uniformBelow(std::mt19937_64& rng, uint64_t n) {
    const uint64_t max = std::numeric_limits<uint64_t>::max();
    const uint64_t limit = max - max % n;
    uint64_t x;
    do x = rng();
    while (x >= limit);
    return x % n;
}

// The first k entries of `pool` become a uniform random k-subset (partial Fisher-Yates).
void drawSubset(std::mt19937_64& rng, std::vector<int64_t>& pool, int64_t k) {
    const uint64_t n = pool.size();
    for (int64_t i = 0; i < k; ++i) {
        const uint64_t j = uint64_t(i) + uniformBelow(rng, n - uint64_t(i));
        std::swap(pool[size_t(i)], pool[size_t(j)]);
    }
}

torch::Tensor indexTensor(const std::vector<int64_t>& idx) {
    return torch::tensor(idx, torch::kInt64);
}

// What the predictors need from the reference rows of z.
struct Reference {
    torch::Tensor z;        // the full matrix, M x N
    torch::Tensor rows;     // int64 indices of the reference rows
    torch::Tensor rowGram;  // z z^T when M <= N (shared across seeds), else undefined
    int64_t count() const { return rows.numel(); }
};

void checkMethodOptions(const CompletionOptions& o) {
    if (o.knn_k < 1)
        throw MatrixError("--knn-k (neighbours) must be at least 1 (got " +
                          std::to_string(o.knn_k) + ")");
    if (o.rank < 1)
        throw MatrixError("--rank (low-rank factorisation rank) must be at least 1 (got " +
                          std::to_string(o.rank) + ")");
}

// Predictions (H x N) for the held-out rows from their revealed entries: `revealed` (H x K,
// column indices) and `values` (H x K).
torch::Tensor predictRows(const Reference& ref, const torch::Tensor& revealed,
                          const torch::Tensor& values, CompletionMethod method,
                          const CompletionOptions& options) {
    const torch::Tensor& z = ref.z;
    const int64_t h = revealed.size(0), k = revealed.size(1), m = z.size(0);
    const int64_t mRef = ref.count();
    switch (method) {
        case CompletionMethod::Additive: {
            // b_j: column means over the reference rows, as a weighted row sum (no copy of z).
            const torch::Tensor w =
                torch::zeros({1, m}, z.options()).index_fill_(1, ref.rows, 1.0 / double(mRef));
            const torch::Tensor b = w.mm(z).squeeze(0);
            const torch::Tensor bK = b.index_select(0, revealed.reshape(-1)).view({h, k});
            const torch::Tensor a = (values - bK).mean(1, true);
            return b.unsqueeze(0) + a;
        }
        case CompletionMethod::Knn: {
            // Reference rows at each held-out row's revealed columns: H x M_ref x K.
            const torch::Tensor refK = z.index_select(1, revealed.reshape(-1))
                                           .index_select(0, ref.rows)
                                           .view({mRef, h, k})
                                           .permute({1, 0, 2});
            const torch::Tensor msd = (values.unsqueeze(1) - refK).square().mean(2);
            const torch::Tensor sim = 1.0 / (1.0 + msd);
            const int64_t kk = std::min<int64_t>(options.knn_k, mRef);
            auto [top, which] = sim.topk(kk, 1);
            const torch::Tensor w =
                torch::zeros({h, m}, z.options())
                    .scatter_(1, ref.rows.index_select(0, which.reshape(-1)).view({h, kk}),
                              top / top.sum(1, true));
            return w.mm(z);
        }
        case CompletionMethod::LowRank: {
            const int64_t r = std::min<int64_t>({options.rank, mRef, k, z.size(1)});
            const Triplets t = leadingTriplets(z, ref.rows, r, ref.rowGram);
            // Ridge least squares per row: (V_K^T V_K + lambda I) u = V_K^T z_K with lambda
            // = 1e-6 trace(V_K^T V_K) / r, which only matters when V_K is (nearly) singular.
            const torch::Tensor vK = t.v.index_select(0, revealed.reshape(-1)).view({h, k, r});
            const torch::Tensor vKt = vK.transpose(1, 2);
            torch::Tensor a = vKt.bmm(vK);
            torch::Tensor lambda = 1e-6 * a.diagonal(0, 1, 2).sum(1) / double(r);
            lambda = torch::where(lambda > 0, lambda, torch::ones_like(lambda));
            a = a + lambda.view({h, 1, 1}) * torch::eye(r, z.options());
            const torch::Tensor rhs = vKt.bmm(values.unsqueeze(2));
            const torch::Tensor u = torch::linalg::solve(a, rhs, true).squeeze(2);  // H x r
            return u.mm(t.v.t());
        }
    }
    throw MatrixError("unknown completion method");
}

double meanOf(const std::vector<double>& v) {
    double sum = 0;
    int count = 0;
    for (double x : v)
        if (!std::isnan(x)) sum += x, ++count;
    return count ? sum / count : kNaN;
}

}  // namespace

// ---- ForgetMatrix ---------------------------------------------------------------------------

int64_t ForgetMatrix::missingCount() const {
    return std::count_if(values.begin(), values.end(), [](double v) { return std::isnan(v); });
}

void ForgetMatrix::requireComplete() const {
    const auto first =
        std::find_if(values.begin(), values.end(), [](double v) { return std::isnan(v); });
    if (first == values.end()) return;
    const size_t k = static_cast<size_t>(first - values.begin());
    const size_t i = cols ? k / size_t(cols) : 0, j = cols ? k % size_t(cols) : 0;
    std::string where = "row " + std::to_string(i + 1);
    if (i < row_names.size()) where += " (" + row_names[i] + ")";
    where += ", column " + std::to_string(j + 1);
    if (j < col_names.size()) where += " (" + col_names[j] + ")";
    const int64_t n = missingCount();
    throw MatrixError("the matrix has " + plural(n, "missing cell", "missing cells") +
                      ", the first at " + where +
                      ": fitting and completion need every cell; fill them in or drop the "
                      "rows or columns that have gaps");
}

// ---- Fit quality --------------------------------------------------------------------------

FitReport fitMatrix(const ForgetMatrix& z, int maxRank) {
    if (maxRank < 1)
        throw MatrixError("the largest rank to fit must be at least 1 (got " +
                          std::to_string(maxRank) + ")");
    requireUsable(z);
    torch::NoGradGuard noGrad;
    const int64_t m = z.rows, n = z.cols;
    const double* p = z.values.data();

    // Row, column and grand means, then every model's squared error in one pass. Sums go
    // through per-row slots so that the result does not depend on the thread count.
    std::vector<double> rowMean(static_cast<size_t>(m)), colMean(static_cast<size_t>(n), 0.0);
    at::parallel_for(0, m, 1, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i) {
            const double* row = p + i * n;
            rowMean[size_t(i)] = std::accumulate(row, row + n, 0.0) / double(n);
        }
    });
    at::parallel_for(0, n, 4096, [&](int64_t b, int64_t e) {
        for (int64_t i = 0; i < m; ++i) {
            const double* row = p + i * n;
            for (int64_t j = b; j < e; ++j) colMean[size_t(j)] += row[j];
        }
        for (int64_t j = b; j < e; ++j) colMean[size_t(j)] /= double(m);
    });
    const double mu = std::accumulate(rowMean.begin(), rowMean.end(), 0.0) / double(m);
    struct Sums {
        double total = 0, task = 0, example = 0, additive = 0, squares = 0;
    };
    std::vector<Sums> rowSums(static_cast<size_t>(m));
    at::parallel_for(0, m, 1, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i) {
            const double* row = p + i * n;
            const double ri = rowMean[size_t(i)];
            Sums s;
            for (int64_t j = 0; j < n; ++j) {
                const double v = row[j], cj = colMean[size_t(j)];
                s.total += (v - mu) * (v - mu);
                s.task += (v - ri) * (v - ri);
                s.example += (v - cj) * (v - cj);
                s.additive += (v - ri - cj + mu) * (v - ri - cj + mu);
                s.squares += v * v;
            }
            rowSums[size_t(i)] = s;
        }
    });
    Sums sums;
    for (const Sums& s : rowSums) {
        sums.total += s.total;
        sums.task += s.task;
        sums.example += s.example;
        sums.additive += s.additive;
        sums.squares += s.squares;
    }

    FitReport report;
    report.rows = m;
    report.cols = n;
    report.r2_task_only = rSquared(sums.task, sums.total, sums.squares);
    report.r2_example_only = rSquared(sums.example, sums.total, sums.squares);
    report.r2_additive = rSquared(sums.additive, sums.total, sums.squares);

    // Squared singular values are the eigenvalues of the smaller Gram matrix; the truncated
    // SVD of rank r leaves the sum of the others as its squared error.
    const torch::Tensor zt = tensorView(z);
    const torch::Tensor gram = m <= n ? zt.mm(zt.t()) : zt.t().mm(zt);
    const std::vector<double> eig = toVector(gramEigen(gram).values);
    const int64_t full = std::min(m, n);
    for (int64_t k = 0; k < std::min<int64_t>(full, 5); ++k)
        report.singular_values.push_back(std::sqrt(eig[size_t(k)]));
    for (int64_t r = 1; r <= std::min<int64_t>(maxRank, full); ++r) {
        double residual = 0;  // smallest first
        for (int64_t k = int64_t(eig.size()) - 1; k >= r; --k) residual += eig[size_t(k)];
        report.r2_rank.push_back(rSquared(std::max(residual, 0.0), sums.total, sums.squares));
    }
    return report;
}

SvdComponents leadingComponents(const ForgetMatrix& z, int rank) {
    if (rank < 1)
        throw MatrixError("the number of components must be at least 1 (got " +
                          std::to_string(rank) + ")");
    requireUsable(z);
    torch::NoGradGuard noGrad;
    const int64_t r = std::min<int64_t>(rank, std::min(z.rows, z.cols));
    const Triplets t = leadingTriplets(tensorView(z), {}, r);
    SvdComponents c;
    c.rank = static_cast<int>(r);
    c.singular = toVector(t.s);
    c.u = toVector(t.u);
    c.v = toVector(t.v);
    return c;
}

// ---- Completion ---------------------------------------------------------------------------

const char* completionMethodName(CompletionMethod m) {
    switch (m) {
        case CompletionMethod::Additive:
            return "additive";
        case CompletionMethod::Knn:
            return "knn";
        case CompletionMethod::LowRank:
            return "lowrank";
    }
    return "unknown";
}

CompletionReport completeMatrix(const ForgetMatrix& z, const CompletionOptions& options,
                                const std::function<void(int, int)>& progress,
                                const std::atomic<bool>* cancel) {
    if (options.holdout_rows < 0)
        throw MatrixError(
            "--holdout-rows must be 0 (automatic: a fifth of the rows) or more (got " +
            std::to_string(options.holdout_rows) + ")");
    if (options.observed < 1)
        throw MatrixError(
            "--observed (entries revealed per held-out row) must be at least 1 (got " +
            std::to_string(options.observed) + ")");
    if (options.seeds < 1)
        throw MatrixError("--seeds must be at least 1 (got " + std::to_string(options.seeds) + ")");
    checkMethodOptions(options);
    requireUsable(z);
    const int64_t m = z.rows, n = z.cols;
    const int64_t h = options.holdout_rows ? options.holdout_rows : std::max<int64_t>(1, m / 5);
    const int64_t k = options.observed;
    if (m < h + 2)
        throw MatrixError("matrix has " + plural(m, "row", "rows") + "; holding out " +
                          plural(h, "row", "rows") + " needs at least " + std::to_string(h + 2) +
                          " (H + 2): lower --holdout-rows or add rows");
    if (n < k + 1)
        throw MatrixError("matrix has " + plural(n, "column", "columns") + "; revealing " +
                          plural(k, "entry", "entries") + " of each held-out row needs at least " +
                          std::to_string(k + 1) + " (K + 1): lower --observed or add columns");

    torch::NoGradGuard noGrad;
    const CompletionMethod methods[] = {CompletionMethod::Additive, CompletionMethod::Knn,
                                        CompletionMethod::LowRank};
    CompletionReport report;
    report.holdout_rows = static_cast<int>(h);
    report.observed = static_cast<int>(k);
    report.seeds = options.seeds;
    for (CompletionMethod method : methods) {
        MethodScores s;
        s.method = method;
        report.methods.push_back(s);
    }
    report.predicted.resize(3);

    Reference ref;
    ref.z = tensorView(z);
    if (m <= n) ref.rowGram = ref.z.mm(ref.z.t());  // the reference Grams are its sub-blocks
    for (int seed = 0; seed < options.seeds; ++seed) {
        if (cancel && cancel->load()) throw MatrixError("cancelled");
        std::mt19937_64 rng(options.seed + uint64_t(seed));
        std::vector<int64_t> rowPool(static_cast<size_t>(m));
        std::iota(rowPool.begin(), rowPool.end(), 0);
        drawSubset(rng, rowPool, h);
        std::vector<int64_t> held(rowPool.begin(), rowPool.begin() + h);
        std::vector<int64_t> refRows(rowPool.begin() + h, rowPool.end());
        std::sort(held.begin(), held.end());
        std::sort(refRows.begin(), refRows.end());

        std::vector<int64_t> colPool(static_cast<size_t>(n));
        std::iota(colPool.begin(), colPool.end(), 0);
        std::vector<int64_t> revealed;
        revealed.reserve(size_t(h * k));
        for (int64_t i = 0; i < h; ++i) {
            drawSubset(rng, colPool, k);
            std::vector<int64_t> cols(colPool.begin(), colPool.begin() + k);
            std::sort(cols.begin(), cols.end());
            revealed.insert(revealed.end(), cols.begin(), cols.end());
        }

        ref.rows = indexTensor(refRows);
        const torch::Tensor heldRows = ref.z.index_select(0, indexTensor(held));  // H x N
        const torch::Tensor revealedT = indexTensor(revealed).view({h, k});
        const torch::Tensor values = heldRows.gather(1, revealedT);
        const torch::Tensor hidden =
            torch::ones({h, n}, torch::kBool).scatter_(1, revealedT, false);
        const std::vector<double> actual = toVector(heldRows.masked_select(hidden));
        for (size_t mi = 0; mi < 3; ++mi) {
            const torch::Tensor pred = predictRows(ref, revealedT, values, methods[mi], options);
            std::vector<double> predicted = toVector(pred.masked_select(hidden));
            MethodScores& s = report.methods[mi];
            s.rmse_seeds.push_back(rmse(actual, predicted));
            s.f1_seeds.push_back(f1Forgotten(actual, predicted));
            s.auc_seeds.push_back(aucForgotten(actual, predicted));
            if (seed == 0) report.predicted[mi] = std::move(predicted);
        }
        if (seed == 0) report.actual = actual;
        if (progress) progress(seed + 1, options.seeds);
    }
    for (MethodScores& s : report.methods) {
        s.rmse = meanOf(s.rmse_seeds);
        s.f1 = meanOf(s.f1_seeds);
        s.auc = meanOf(s.auc_seeds);
    }
    return report;
}

std::vector<double> predictRow(const ForgetMatrix& reference,
                               const std::vector<int64_t>& observedCols,
                               const std::vector<double>& observedValues, CompletionMethod method,
                               const CompletionOptions& options) {
    checkMethodOptions(options);
    requireUsable(reference);
    if (observedCols.size() != observedValues.size())
        throw MatrixError(std::to_string(observedCols.size()) + " observed columns but " +
                          std::to_string(observedValues.size()) +
                          " observed values: give one value per column");
    if (observedCols.empty())
        throw MatrixError("no observed entries: predicting a row needs at least one");
    std::vector<char> seen(size_t(reference.cols), 0);
    for (size_t q = 0; q < observedCols.size(); ++q) {
        const int64_t c = observedCols[q];
        if (c < 0 || c >= reference.cols)
            throw MatrixError("observed column " + std::to_string(c) +
                              " is outside the matrix (columns 0 to " +
                              std::to_string(reference.cols - 1) + ")");
        if (seen[size_t(c)]++)
            throw MatrixError("observed column " + std::to_string(c) + " is given twice");
        if (!std::isfinite(observedValues[q]))
            throw MatrixError("the observed value for column " + std::to_string(c) +
                              " is not a finite number");
    }
    torch::NoGradGuard noGrad;
    Reference ref;
    ref.z = tensorView(reference);
    ref.rows = torch::arange(reference.rows, torch::kInt64);
    const int64_t k = static_cast<int64_t>(observedCols.size());
    const torch::Tensor revealed = indexTensor(observedCols).view({1, k});
    const torch::Tensor values = torch::tensor(observedValues, torch::kFloat64).view({1, k});
    std::vector<double> row = toVector(predictRows(ref, revealed, values, method, options));
    for (size_t q = 0; q < observedCols.size(); ++q)
        row[size_t(observedCols[q])] = observedValues[q];
    return row;
}

}  // namespace forgetlab
