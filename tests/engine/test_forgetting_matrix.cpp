// The forgetting matrix: fit quality against matrices with known structure and R^2 worked
// out by hand, the SVD components, matrix completion on synthetic low-rank and clustered
// matrices, and the F1 / AUC / RMSE scores (CSV: test_matrix_csv.cpp).
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <cmath>
#include <fstream>
#include <random>

#include "engine/forgetting/forgetting_matrix.h"
#include "tests/engine/matrix_test_helpers.h"

using namespace forgetlab;
using namespace forgetlab::test;

namespace {

// z_ij = sum_k a[k][i] * b[k][j]
ForgetMatrix sumOfOuterProducts(const std::vector<std::vector<double>>& a,
                                const std::vector<std::vector<double>>& b) {
    ForgetMatrix z;
    z.rows = static_cast<int64_t>(a.front().size());
    z.cols = static_cast<int64_t>(b.front().size());
    z.values.assign(static_cast<size_t>(z.rows * z.cols), 0.0);
    for (size_t k = 0; k < a.size(); ++k)
        for (int64_t i = 0; i < z.rows; ++i)
            for (int64_t j = 0; j < z.cols; ++j)
                z.values[static_cast<size_t>(i * z.cols + j)] += a[k][size_t(i)] * b[k][size_t(j)];
    return z;
}

std::vector<double> gaussian(std::mt19937_64& rng, size_t n, double sigma = 1.0) {
    std::normal_distribution<double> d(0.0, sigma);
    std::vector<double> v(n);
    for (double& x : v) x = d(rng);
    return v;
}

// rows x cols matrix of rank `rank` (Gaussian factors) plus Gaussian noise of `sigma`.
ForgetMatrix lowRankPlusNoise(int64_t rows, int64_t cols, int rank, double sigma, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<std::vector<double>> a, b;
    for (int k = 0; k < rank; ++k) {
        a.push_back(gaussian(rng, size_t(rows)));
        b.push_back(gaussian(rng, size_t(cols)));
    }
    ForgetMatrix z = sumOfOuterProducts(a, b);
    const std::vector<double> noise = gaussian(rng, z.values.size(), sigma);
    for (size_t i = 0; i < noise.size(); ++i) z.values[i] += noise[i];
    return z;
}

// Rows drawn around `clusters` random prototype rows, with small noise: tasks that forget
// alike, but no low-dimensional additive structure.
ForgetMatrix clustered(int64_t rows, int64_t cols, int clusters, double sigma, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<std::vector<double>> prototypes;
    for (int c = 0; c < clusters; ++c) prototypes.push_back(gaussian(rng, size_t(cols)));
    ForgetMatrix z;
    z.rows = rows;
    z.cols = cols;
    for (int64_t i = 0; i < rows; ++i) {
        const std::vector<double> noise = gaussian(rng, size_t(cols), sigma);
        const auto& p = prototypes[size_t(i % clusters)];
        for (int64_t j = 0; j < cols; ++j) z.values.push_back(p[size_t(j)] + noise[size_t(j)]);
    }
    return z;
}

}  // namespace

class TestForgettingMatrix : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // ---- Fit quality ------------------------------------------------------------------------

    void rankOneMatrixIsFittedByRankOne() {
        const std::vector<double> a = {1, 2, 3, -1}, b = {0.5, -1, 2, 3, 0.25, 1.5};
        const FitReport fit = fitMatrix(sumOfOuterProducts({a}, {b}));
        QCOMPARE(fit.rows, int64_t(4));
        QCOMPARE(fit.cols, int64_t(6));
        QCOMPARE(fit.r2_rank.size(), size_t(4));  // capped at min(M, N)
        for (double r2 : fit.r2_rank) QVERIFY(near(r2, 1.0, 1e-12));
        // The only singular value is |a| |b| = sqrt(15) * sqrt(16.5625).
        QCOMPARE(fit.singular_values.size(), size_t(4));
        QVERIFY(near(fit.singular_values[0], std::sqrt(15.0 * 16.5625), 1e-9));
        for (size_t k = 1; k < 4; ++k) QVERIFY(near(fit.singular_values[k], 0.0, 1e-6));
    }

    void rankTwoMatrixNeedsTwoComponents() {
        const ForgetMatrix z = sumOfOuterProducts({{1, 2, 3, 4, 5}, {1, -1, 1, -1, 0}},
                                                  {{1, 1, 2, 0, 1, 3, 1}, {2, -1, 0, 1, 1, 0, -2}});
        const FitReport fit = fitMatrix(z, 3);
        QCOMPARE(fit.r2_rank.size(), size_t(3));
        QVERIFY(fit.r2_rank[0] < 0.99);
        QVERIFY(near(fit.r2_rank[1], 1.0, 1e-12));
        QVERIFY(near(fit.r2_rank[2], 1.0, 1e-12));
        QCOMPARE(fit.singular_values.size(), size_t(5));
        QVERIFY(fit.singular_values[0] >= fit.singular_values[1]);
        QVERIFY(fit.singular_values[1] > 1.0);
    }

    void additiveMatrixIsFittedByTheAdditiveModel() {
        // z_ij = r_i + c_j has rank 2 when neither r nor c is constant: additive R^2 = 1,
        // rank 1 falls short, rank 2 is exact.
        const std::vector<double> r = {0, 1, 5}, c = {0, 2, -1, 4};
        const ForgetMatrix z = sumOfOuterProducts({r, {1, 1, 1}}, {{1, 1, 1, 1}, c});
        const FitReport fit = fitMatrix(z);
        QVERIFY(near(fit.r2_additive, 1.0, 1e-12));
        QVERIFY(fit.r2_rank[0] < 0.999);
        QVERIFY(near(fit.r2_rank[1], 1.0, 1e-12));
        QVERIFY(fit.r2_task_only < 1.0 && fit.r2_example_only < 1.0);
    }

    void smallMatrixByHand() {
        // Z = [1 2 3; 4 6 8]: mean 4, SST = 9+4+1+0+4+16 = 34.
        // Task-only (row means 2, 6): SSE = (1+0+1) + (4+0+4) = 10 -> R^2 = 24/34.
        // Example-only (column means 2.5, 4, 5.5): SSE = 2*2.25 + 2*4 + 2*6.25 = 25 -> 9/34.
        // Additive r_i + c_j - mu = [0.5 2 3.5; 4.5 6 7.5]: residuals +-0.5 four times,
        // SSE = 1 -> 33/34.
        // Rank 1: Z Z^T = [14 40; 40 116], eigenvalues (130 +- sqrt(16804)) / 2; the rank-1
        // SVD leaves the smaller one as its squared error. Rank 2 is exact.
        const FitReport fit = fitMatrix(fromRows({{1, 2, 3}, {4, 6, 8}}));
        QVERIFY(near(fit.r2_task_only, 24.0 / 34.0));
        QVERIFY(near(fit.r2_example_only, 9.0 / 34.0));
        QVERIFY(near(fit.r2_additive, 33.0 / 34.0));
        const double small = (130.0 - std::sqrt(16804.0)) / 2,
                     large = (130.0 + std::sqrt(16804.0)) / 2;
        QCOMPARE(fit.r2_rank.size(), size_t(2));
        QVERIFY(near(fit.r2_rank[0], 1.0 - small / 34.0));
        QVERIFY(near(fit.r2_rank[1], 1.0, 1e-12));
        QCOMPARE(fit.singular_values.size(), size_t(2));
        QVERIFY(near(fit.singular_values[0], std::sqrt(large)));
        QVERIFY(near(fit.singular_values[1], std::sqrt(small), 1e-7));
    }

    void tallMatrixByHand() {
        // The transpose of the case above (M > N takes the other Gram matrix): task and
        // example swap, the SVD is the same.
        const FitReport fit = fitMatrix(fromRows({{1, 4}, {2, 6}, {3, 8}}));
        QVERIFY(near(fit.r2_task_only, 9.0 / 34.0));
        QVERIFY(near(fit.r2_example_only, 24.0 / 34.0));
        QVERIFY(near(fit.r2_additive, 33.0 / 34.0));
        QVERIFY(near(fit.r2_rank[0], 1.0 - (130.0 - std::sqrt(16804.0)) / 2 / 34.0));
    }

    void constantMatrixFitsEveryModel() {
        // SST = 0: R^2 is 1 for a model that reproduces the matrix (all of them do).
        ForgetMatrix z = fromRows({{0.1, 0.1, 0.1}, {0.1, 0.1, 0.1}, {0.1, 0.1, 0.1}});
        FitReport fit = fitMatrix(z);
        QCOMPARE(fit.r2_task_only, 1.0);
        QCOMPARE(fit.r2_example_only, 1.0);
        QCOMPARE(fit.r2_additive, 1.0);
        QCOMPARE(fit.r2_rank[0], 1.0);
        std::fill(z.values.begin(), z.values.end(), 0.0);
        fit = fitMatrix(z);
        QCOMPARE(fit.r2_rank[0], 1.0);
        QCOMPARE(fit.r2_additive, 1.0);
    }

    void fitRefusesBadInput() {
        ForgetMatrix z = fromRows({{1, 2}, {3, 4}});
        QVERIFY(mentions(expectMatrixError([&] { fitMatrix(z, 0); }), "at least 1"));
        z.values[3] = std::nan("");
        z.row_names = {"t1", "t2"};
        z.col_names = {"a", "b"};
        QCOMPARE(z.missingCount(), int64_t(1));
        const MatrixError e = expectMatrixError([&] { fitMatrix(z); });
        QVERIFY2(mentions(e, "row 2 (t2), column 2 (b)"), e.what());
        QVERIFY(mentions(e, "1 missing cell"));
        QVERIFY(mentions(expectMatrixError([] { fitMatrix(ForgetMatrix{}); }), "empty"));
    }

    void leadingComponentsReproduceTheMatrix() {
        const ForgetMatrix wide = fromRows(
            {{0.3, -1.2, 2.0, 0.7, 1.1}, {1.5, 0.4, -0.6, 2.2, -0.3}, {-0.8, 1.9, 0.5, -1.4, 0.9}});
        const ForgetMatrix tall = fromRows({{0.3, -1.2}, {2.0, 0.7}, {1.1, 1.5}, {0.4, -0.6}});
        for (const ForgetMatrix* z : {&wide, &tall}) {
            const SvdComponents c = leadingComponents(*z, 5);
            const int r = static_cast<int>(std::min(z->rows, z->cols));
            QCOMPARE(c.rank, r);  // capped at min(M, N)
            QCOMPARE(c.u.size(), size_t(z->rows * r));
            QCOMPARE(c.v.size(), size_t(z->cols * r));
            for (int k = 0; k + 1 < r; ++k)
                QVERIFY(c.singular[size_t(k)] >= c.singular[size_t(k + 1)]);
            for (int64_t i = 0; i < z->rows; ++i) {
                for (int64_t j = 0; j < z->cols; ++j) {
                    double sum = 0;
                    for (int k = 0; k < r; ++k)
                        sum +=
                            c.singular[size_t(k)] * c.u[size_t(i * r + k)] * c.v[size_t(j * r + k)];
                    QVERIFY(near(sum, z->at(i, j), 1e-10));
                }
            }
            for (int k = 0; k < r; ++k) {
                double vsum = 0, vnorm = 0, unorm = 0;
                for (int64_t j = 0; j < z->cols; ++j) {
                    vsum += c.v[size_t(j * r + k)];
                    vnorm += c.v[size_t(j * r + k)] * c.v[size_t(j * r + k)];
                }
                for (int64_t i = 0; i < z->rows; ++i)
                    unorm += c.u[size_t(i * r + k)] * c.u[size_t(i * r + k)];
                QVERIFY(vsum >= 0);  // the sign convention
                QVERIFY(near(vnorm, 1.0, 1e-10));
                QVERIFY(near(unorm, 1.0, 1e-10));
            }
        }
    }

    void leadingComponentSignPointsAtForgetting() {
        // Z = a b^T with b < 0: v_1 must come out as +(1, 2, 3) / sqrt(14) and u_1 carry
        // the sign, -(1, 2) / sqrt(5).
        const SvdComponents c = leadingComponents(sumOfOuterProducts({{1, 2}}, {{-1, -2, -3}}), 1);
        QCOMPARE(c.rank, 1);
        QVERIFY(near(c.singular[0], std::sqrt(5.0 * 14.0)));
        for (int j = 0; j < 3; ++j) QVERIFY(near(c.v[size_t(j)], (j + 1) / std::sqrt(14.0)));
        QVERIFY(near(c.u[0], -1 / std::sqrt(5.0)));
        QVERIFY(near(c.u[1], -2 / std::sqrt(5.0)));
    }

    // ---- Completion --------------------------------------------------------------------------

    void lowRankCompletionReachesTheNoiseLevel() {
        const double sigma = 0.05;
        const ForgetMatrix z = lowRankPlusNoise(60, 400, 3, sigma, 11);
        CompletionOptions o;
        o.seeds = 3;
        o.observed = 30;
        int calls = 0;
        const CompletionReport rep = completeMatrix(z, o, [&](int done, int total) {
            ++calls;
            QCOMPARE(done, calls);
            QCOMPARE(total, 3);
        });
        QCOMPARE(calls, 3);
        QCOMPARE(rep.holdout_rows, 12);  // rows / 5
        QCOMPARE(rep.observed, 30);
        QCOMPARE(rep.seeds, 3);
        QCOMPARE(rep.methods.size(), size_t(3));
        QCOMPARE(rep.methods[0].method, CompletionMethod::Additive);
        QCOMPARE(rep.methods[1].method, CompletionMethod::Knn);
        QCOMPARE(rep.methods[2].method, CompletionMethod::LowRank);
        QCOMPARE(rep.actual.size(), size_t(12 * (400 - 30)));
        QCOMPARE(rep.predicted.size(), size_t(3));
        for (const auto& p : rep.predicted) QCOMPARE(p.size(), rep.actual.size());
        const MethodScores& add = rep.methods[0];
        const MethodScores& low = rep.methods[2];
        QCOMPARE(low.rmse_seeds.size(), size_t(3));
        QVERIFY2(low.rmse < 2 * sigma, qPrintable(QString::number(low.rmse)));
        QVERIFY(low.rmse >= 0.8 * sigma);  // cannot beat the noise
        QVERIFY(low.rmse < add.rmse / 5);
        QVERIFY(low.f1 > 0.95 && low.f1 > add.f1);
        QVERIFY(low.auc > 0.99 && low.auc > add.auc);
        QVERIFY(near(low.rmse, (low.rmse_seeds[0] + low.rmse_seeds[1] + low.rmse_seeds[2]) / 3));
        QVERIFY(near(rmse(rep.actual, rep.predicted[2]), low.rmse_seeds[0]));
    }

    void lowRankCompletionOnATallMatrix() {
        // More tasks than examples: the SVD goes through Z^T Z of the reference rows.
        const double sigma = 0.05;
        const ForgetMatrix z = lowRankPlusNoise(80, 40, 2, sigma, 21);
        CompletionOptions o;
        o.seeds = 2;
        o.observed = 15;
        o.rank = 2;
        const CompletionReport rep = completeMatrix(z, o);
        QVERIFY2(rep.methods[2].rmse < 2 * sigma, qPrintable(QString::number(rep.methods[2].rmse)));
        QVERIFY(rep.methods[2].rmse < rep.methods[0].rmse / 5);
    }

    void knnCompletionFindsSimilarTasks() {
        const ForgetMatrix z = clustered(60, 300, 3, 0.1, 5);
        CompletionOptions o;
        o.seeds = 2;
        o.knn_k = 10;
        const CompletionReport rep = completeMatrix(z, o);
        const MethodScores& add = rep.methods[0];
        const MethodScores& knn = rep.methods[1];
        QVERIFY2(knn.rmse < 0.2, qPrintable(QString::number(knn.rmse)));
        QVERIFY(knn.rmse < add.rmse / 3);
        QVERIFY(knn.auc > add.auc);
        // With k capped at the reference rows (48 < 100), every row votes, the own cluster
        // more: still better than the additive baseline.
        o.knn_k = 100;
        const CompletionReport all = completeMatrix(z, o);
        QVERIFY(all.methods[1].rmse < all.methods[0].rmse);
        QVERIFY(all.methods[1].rmse > knn.rmse);
    }

    void completionIsDeterministic() {
        const ForgetMatrix z = lowRankPlusNoise(20, 80, 2, 0.1, 3);
        CompletionOptions o;
        o.seeds = 2;
        o.observed = 10;
        o.seed = 42;
        const CompletionReport a = completeMatrix(z, o), b = completeMatrix(z, o);
        QVERIFY(sameValues(a.actual, b.actual));
        for (size_t m = 0; m < 3; ++m) {
            QVERIFY(sameValues(a.predicted[m], b.predicted[m]));
            QVERIFY(sameValues(a.methods[m].rmse_seeds, b.methods[m].rmse_seeds));
            QVERIFY(sameValues(a.methods[m].auc_seeds, b.methods[m].auc_seeds));
        }
        // Seed s of a run is seed (first + s) of any run.
        CompletionOptions shifted = o;
        shifted.seed = 43;
        shifted.seeds = 1;
        const CompletionReport c = completeMatrix(z, shifted);
        QCOMPARE(c.methods[2].rmse_seeds[0], a.methods[2].rmse_seeds[1]);
        QVERIFY(c.methods[2].rmse_seeds[0] != a.methods[2].rmse_seeds[0]);
    }

    void completionRefusesTooSmallMatrices() {
        const ForgetMatrix z = lowRankPlusNoise(5, 40, 1, 0.1, 1);
        CompletionOptions o;
        o.holdout_rows = 4;
        MatrixError e = expectMatrixError([&] { completeMatrix(z, o); });
        QVERIFY2(mentions(e, "matrix has 5 rows; holding out 4 rows needs at least 6 (H + 2)"),
                 e.what());
        QVERIFY(mentions(e, "--holdout-rows"));
        o.holdout_rows = 0;  // automatic: 1 row
        o.observed = 40;
        e = expectMatrixError([&] { completeMatrix(z, o); });
        QVERIFY2(mentions(e, "needs at least 41 (K + 1)"), e.what());
        QVERIFY(mentions(e, "--observed"));
        o.observed = 39;  // the largest K that leaves one entry to predict
        QCOMPARE(completeMatrix(z, o).actual.size(), size_t(1));
        const ForgetMatrix two = lowRankPlusNoise(2, 40, 1, 0.1, 1);
        QVERIFY(mentions(expectMatrixError([&] { completeMatrix(two, CompletionOptions{}); }),
                         "needs at least 3"));
    }

    void completionRefusesBadOptions() {
        const ForgetMatrix z = lowRankPlusNoise(10, 50, 1, 0.1, 1);
        const std::vector<std::pair<std::function<void(CompletionOptions&)>, const char*>> cases = {
            {[](CompletionOptions& o) { o.seeds = 0; }, "--seeds"},
            {[](CompletionOptions& o) { o.observed = 0; }, "--observed"},
            {[](CompletionOptions& o) { o.holdout_rows = -1; }, "--holdout-rows"},
            {[](CompletionOptions& o) { o.knn_k = 0; }, "--knn-k"},
            {[](CompletionOptions& o) { o.rank = -2; }, "--rank"},
        };
        for (const auto& [change, option] : cases) {
            CompletionOptions o;
            o.observed = 10;
            change(o);
            const MatrixError e = expectMatrixError([&] { completeMatrix(z, o); });
            QVERIFY2(mentions(e, option), e.what());
        }
        ForgetMatrix gap = z;
        gap.values[7] = std::nan("");
        CompletionOptions o;
        o.observed = 10;
        QVERIFY(mentions(expectMatrixError([&] { completeMatrix(gap, o); }), "row 1, column 8"));
    }

    void completionCancelsBetweenSeeds() {
        const ForgetMatrix z = lowRankPlusNoise(10, 50, 1, 0.1, 1);
        CompletionOptions o;
        o.observed = 10;
        o.seeds = 4;
        std::atomic<bool> cancel{false};
        int calls = 0;
        const MatrixError e = expectMatrixError([&] {
            completeMatrix(
                z, o,
                [&](int done, int) {
                    ++calls;
                    if (done == 2) cancel = true;
                },
                &cancel);
        });
        QCOMPARE(std::string(e.what()), std::string("cancelled"));
        QCOMPARE(calls, 2);
    }

    void predictRowRecoversARankOneRow() {
        const std::vector<double> b = {0.5, -1, 2, 3, 0.25, 1.5, -0.75, 1, 2.5, -2};
        const ForgetMatrix ref = sumOfOuterProducts({{1, 2, -1, 0.5, 3, 1.5}}, {b});
        const std::vector<int64_t> cols = {1, 4, 8};
        const std::vector<double> vals = {2.5 * b[1], 2.5 * b[4], 2.5 * b[8]};
        const std::vector<double> row = predictRow(ref, cols, vals, CompletionMethod::LowRank);
        QCOMPARE(row.size(), b.size());
        for (size_t j = 0; j < b.size(); ++j) QVERIFY(near(row[j], 2.5 * b[j], 1e-4));
        // Every method returns a full row and keeps the observed values.
        for (CompletionMethod m : {CompletionMethod::Additive, CompletionMethod::Knn}) {
            const std::vector<double> p = predictRow(ref, cols, vals, m);
            QCOMPARE(p.size(), b.size());
            QCOMPARE(p[4], vals[1]);
        }
        // Additive on this reference: column means + the mean revealed offset.
        const std::vector<double> add = predictRow(ref, {0}, {10.0}, CompletionMethod::Additive);
        const double meanA = (1 + 2 - 1 + 0.5 + 3 + 1.5) / 6.0;
        QVERIFY(near(add[1], meanA * b[1] + (10.0 - meanA * b[0])));
        QVERIFY(mentions(
            expectMatrixError([&] { predictRow(ref, {10}, {1.0}, CompletionMethod::Knn); }),
            "outside"));
        QVERIFY(mentions(expectMatrixError([&] {
                             predictRow(ref, {1, 2}, {1.0}, CompletionMethod::Knn);
                         }),
                         "one value per column"));
        QVERIFY(mentions(expectMatrixError([&] {
                             predictRow(ref, {1, 1}, {1.0, 2.0}, CompletionMethod::Knn);
                         }),
                         "twice"));
    }

    void methodNames() {
        QCOMPARE(std::string(completionMethodName(CompletionMethod::Additive)),
                 std::string("additive"));
        QCOMPARE(std::string(completionMethodName(CompletionMethod::Knn)), std::string("knn"));
        QCOMPARE(std::string(completionMethodName(CompletionMethod::LowRank)),
                 std::string("lowrank"));
    }

    // ---- Scores --------------------------------------------------------------------------------

    void rmseByHand() {
        QVERIFY(near(rmse({1, 2, 3}, {1, 4, 1}), std::sqrt(8.0 / 3.0)));
        QVERIFY(std::isnan(rmse({}, {})));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, rmse({1, 2}, {1}));
    }

    void f1ByHand() {
        // forgotten (> 0): T F T F T; predicted: T T F F T -> TP 2, FP 1, FN 1: 4 / 6.
        // Zero is not forgotten on either side.
        QVERIFY(near(f1Forgotten({1, -1, 2, 0, 3}, {0.5, 0.2, -1, 0, 2}), 2.0 / 3.0));
        QCOMPARE(f1Forgotten({-1, 0, -2}, {-1, -3, 0}), 1.0);  // no positives on either side
        QCOMPARE(f1Forgotten({}, {}), 1.0);
        QCOMPARE(f1Forgotten({-1, -2}, {1, -1}), 0.0);  // only a false positive
        QCOMPARE(f1Forgotten({1, 2}, {-1, -1}), 0.0);   // only misses
        QCOMPARE(f1Forgotten({1, -2}, {3, -1}), 1.0);
    }

    void aucByHand() {
        // Positives score 0.35 and 0.8, negatives 0.1 and 0.4: 3 of 4 pairs ordered.
        QVERIFY(near(aucForgotten({-1, -1, 1, 1}, {0.1, 0.4, 0.35, 0.8}), 0.75));
        // A tie between a positive and a negative counts 1/2: sorted 0.2 (rank 1), 0.5 0.5
        // (2.5 each), 0.9 (4); positives' ranks 2.5 + 4 - 3 = 3.5 of 4 pairs.
        QVERIFY(near(aucForgotten({1, -1, -1, 1}, {0.5, 0.5, 0.2, 0.9}), 0.875));
        QVERIFY(near(aucForgotten({1, -1, 2, 0}, {7, 7, 7, 7}), 0.5));     // all tied
        QVERIFY(near(aucForgotten({1, 2, -1, -2}, {-1, -2, 1, 2}), 0.0));  // reversed
        QVERIFY(near(aucForgotten({1, 2, -1, -2}, {3, 4, 1, 2}), 1.0));
        QVERIFY(std::isnan(aucForgotten({1, 2, 3}, {0.1, 0.2, 0.3})));  // no negatives
        QVERIFY(std::isnan(aucForgotten({0, -1}, {0.1, 0.2})));         // no positives
        QVERIFY(std::isnan(aucForgotten({}, {})));
    }
};

QTEST_APPLESS_MAIN(TestForgettingMatrix)
#include "test_forgetting_matrix.moc"
