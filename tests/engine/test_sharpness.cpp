// Sharpness measures against exact values: SAM sharpness on a quadratic, and Hessian top
// eigenvalues / trace on linear least squares (H = X'X / n).
#include <torch/torch.h>

#include <QtTest>

#include <cmath>

#include "engine/measure/internal/sharpness.h"

using namespace forgetlab;

class TestSharpness : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void samSharpnessOnQuadratic() {
        // L = 0.5 w'Aw with A = diag(1, 4): L(w + rho g/|g|) - L(w) by hand.
        auto w = torch::tensor({1.0, -0.5}, torch::kFloat64).requires_grad_(true);
        auto a = torch::tensor({1.0, 4.0}, torch::kFloat64);
        LossFn loss = [&] { return 0.5 * (a * w * w).sum(); };
        const double rho = 0.2;
        const double g1 = 1.0, g2 = -2.0, n = std::sqrt(5.0);
        const double p1 = 1.0 + rho * g1 / n, p2 = -0.5 + rho * g2 / n;
        const double expected = 0.5 * (p1 * p1 + 4 * p2 * p2) - 0.5 * (1.0 + 4 * 0.25);
        const double s = samSharpness({w}, loss, rho);
        QVERIFY2(std::abs(s - expected) < 1e-9, qPrintable(QString::number(s - expected)));
        // Weights restored exactly and .grad untouched.
        QCOMPARE(w[0].item<double>(), 1.0);
        QCOMPARE(w[1].item<double>(), -0.5);
        QVERIFY(!w.grad().defined());
    }

    void hessianOnLeastSquares() {
        torch::manual_seed(3);
        const int64_t n = 200, d = 6;
        auto x =
            torch::randn({n, d}, torch::kFloat64) * torch::linspace(0.5, 3.0, d, torch::kFloat64);
        auto y = torch::randn({n}, torch::kFloat64);
        auto w = torch::zeros({d}, torch::kFloat64).requires_grad_(true);
        auto bias = torch::zeros({1}, torch::kFloat64).requires_grad_(true);
        // Bias folded in as a constant-1 column: H = Z'Z / n with Z = [X 1].
        LossFn loss = [&] { return 0.5 * (torch::matmul(x, w) + bias - y).pow(2).mean(); };
        auto z = torch::cat({x, torch::ones({n, 1}, torch::kFloat64)}, 1);
        auto h = torch::matmul(z.t(), z) / double(n);
        auto exact = std::get<0>(torch::linalg_eigh(h));  // ascending
        const double l1 = exact[d].item<double>(), l2 = exact[d - 1].item<double>();

        const auto r = hessianTopEigenvalues({w, bias}, loss, 2, 500, 1e-10, 7);
        QCOMPARE(r.eigenvalues.size(), size_t(2));
        QVERIFY2(std::abs(r.eigenvalues[0] - l1) / l1 < 0.01,
                 qPrintable(QString("%1 vs %2").arg(r.eigenvalues[0]).arg(l1)));
        QVERIFY2(std::abs(r.eigenvalues[1] - l2) / l2 < 0.01,
                 qPrintable(QString("%1 vs %2").arg(r.eigenvalues[1]).arg(l2)));

        // The default stopping rule (relative change < 1e-3) also lands within 1%.
        const auto quick = hessianTopEigenvalues({w, bias}, loss, 1, 100, 1e-3, 11);
        QVERIFY(std::abs(quick.eigenvalues[0] - l1) / l1 < 0.01);

        const auto tr = hessianTrace({w, bias}, loss, 400, 5);
        const double exactTrace = h.trace().item<double>();
        QVERIFY2(std::abs(tr.mean - exactTrace) / exactTrace < 0.05,
                 qPrintable(QString("%1 vs %2").arg(tr.mean).arg(exactTrace)));
        QVERIFY(tr.stderr_ > 0);
    }

    void hessianVectorProductOnQuadratic() {
        auto w = torch::tensor({0.3, 0.7}, torch::kFloat64).requires_grad_(true);
        auto a = torch::tensor({{2.0, 1.0}, {1.0, 3.0}}, torch::kFloat64);
        LossFn loss = [&] { return 0.5 * torch::dot(w, torch::mv(a, w)); };
        auto v = torch::tensor({1.0, -2.0}, torch::kFloat64);
        auto hv = hessianVectorProduct({w}, loss, {v});
        QVERIFY(torch::allclose(hv[0], torch::mv(a, v)));
    }
};

QTEST_APPLESS_MAIN(TestSharpness)
#include "test_sharpness.moc"
