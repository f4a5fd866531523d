// SAM and ASAM steps against hand-computed updates on a two-parameter quadratic
// L(w) = 0.5 (a w1^2 + b w2^2), and the learning-rate schedules.
#include <torch/torch.h>

#include <QtTest>

#include <cmath>

#include "engine/optim/lr_schedule.h"
#include "engine/optim/internal/optimizers.h"
#include "engine/optim/internal/sam_optimizer.h"
#include "engine/optim/internal/sgd_optimizer.h"

using namespace forgetlab;

namespace {
constexpr double kA = 1.0, kB = 4.0;

// W is a 1x2 weight tensor (dim 2, so ASAM scales it).
torch::Tensor quadLoss(const torch::Tensor& w) {
    auto coef = torch::tensor({{kA, kB}}, torch::kFloat64);
    return 0.5 * (coef * w * w).sum();
}
}  // namespace

class TestOptimizers : public QObject {
    Q_OBJECT

    // One step of `optimizer` on the quadratic starting at (w1, w2); returns new w.
    static std::pair<double, double> stepOnce(const OptimizerConfig& cfg, double w1, double w2) {
        auto w = torch::tensor({{w1, w2}}, torch::kFloat64).requires_grad_(true);
        auto opt = makeOptimizer({w}, cfg);
        auto closure = [&]() {
            opt->zero_grad();
            auto loss = quadLoss(w);
            loss.backward();
            return loss.detach();
        };
        opt->step(closure);
        return {w[0][0].item<double>(), w[0][1].item<double>()};
    }

private Q_SLOTS:
    // The engine's SGD must be LibTorch's SGD, bit for bit, for every option combination.
    void sgdMatchesLibTorchBitForBit_data() {
        QTest::addColumn<double>("momentum");
        QTest::addColumn<bool>("nesterov");
        QTest::addColumn<double>("wd");
        QTest::newRow("plain") << 0.0 << false << 0.0;
        QTest::newRow("momentum") << 0.9 << false << 0.0;
        QTest::newRow("nesterov+wd") << 0.9 << true << 5e-4;
        QTest::newRow("wd") << 0.0 << false << 1e-2;
    }
    void sgdMatchesLibTorchBitForBit() {
        QFETCH(double, momentum);
        QFETCH(bool, nesterov);
        QFETCH(double, wd);
        torch::manual_seed(3);
        auto w0 = torch::randn({5, 7});
        auto b0 = torch::randn({7});
        auto x = torch::randn({16, 5});
        auto opts =
            torch::optim::SGDOptions(0.05).momentum(momentum).nesterov(nesterov).weight_decay(wd);
        auto run = [&](bool ours) {
            auto w = w0.clone().requires_grad_(true);
            auto b = b0.clone().requires_grad_(true);
            std::unique_ptr<torch::optim::Optimizer> opt;
            if (ours)
                opt = std::make_unique<SgdOptimizer>(std::vector<torch::Tensor>{w, b}, opts);
            else
                opt = std::make_unique<torch::optim::SGD>(std::vector<torch::Tensor>{w, b}, opts);
            for (int s = 0; s < 5; ++s) {
                auto closure = [&] {
                    if (ours)
                        zeroGrad(*opt);
                    else
                        opt->zero_grad();
                    auto loss = torch::tanh(x.mm(w) + b).pow(2).mean();
                    loss.backward();
                    return loss;
                };
                opt->step(closure);
            }
            return std::make_pair(w.detach(), b.detach());
        };
        auto [wRef, bRef] = run(false);
        auto [w, b] = run(true);
        QVERIFY(torch::equal(w, wRef));
        QVERIFY(torch::equal(b, bRef));
        QVERIFY(!torch::equal(w, w0));
    }

    void sgdStep() {
        OptimizerConfig c;
        c.lr = 0.1;
        c.momentum = 0.0;
        auto [x, y] = stepOnce(c, 1.0, 1.0);
        QVERIFY(std::abs(x - (1.0 - 0.1 * kA)) < 1e-12);
        QVERIFY(std::abs(y - (1.0 - 0.1 * kB)) < 1e-12);
    }

    void samStepMatchesHandComputation() {
        const double w1 = 1.0, w2 = -0.5, rho = 0.3, lr = 0.1;
        // g = (a w1, b w2) = (1, -2); e = rho g / ||g||
        const double g1 = kA * w1, g2 = kB * w2, n = std::sqrt(g1 * g1 + g2 * g2);
        const double e1 = rho * g1 / (n + 1e-12), e2 = rho * g2 / (n + 1e-12);
        // g' = grad at w + e; SGD steps with g'
        const double x = w1 - lr * kA * (w1 + e1), y = w2 - lr * kB * (w2 + e2);
        OptimizerConfig c;
        c.lr = lr;
        c.momentum = 0.0;
        c.sam = "sam";
        c.rho = rho;
        auto [gx, gy] = stepOnce(c, w1, w2);
        QVERIFY2(std::abs(gx - x) < 1e-12, qPrintable(QString::number(gx, 'g', 17)));
        QVERIFY2(std::abs(gy - y) < 1e-12, qPrintable(QString::number(gy, 'g', 17)));
    }

    void asamStepMatchesHandComputation() {
        const double w1 = 2.0, w2 = -0.5, rho = 0.5, eta = 0.01, lr = 0.05;
        const double g1 = kA * w1, g2 = kB * w2;
        const double t1 = std::abs(w1) + eta, t2 = std::abs(w2) + eta;
        const double n = std::sqrt(t1 * g1 * t1 * g1 + t2 * g2 * t2 * g2);  // ||T g||
        const double e1 = rho * t1 * t1 * g1 / (n + 1e-12), e2 = rho * t2 * t2 * g2 / (n + 1e-12);
        const double x = w1 - lr * kA * (w1 + e1), y = w2 - lr * kB * (w2 + e2);
        OptimizerConfig c;
        c.lr = lr;
        c.momentum = 0.0;
        c.sam = "asam";
        c.rho = rho;
        c.asam_eta = eta;
        auto [gx, gy] = stepOnce(c, w1, w2);
        QVERIFY2(std::abs(gx - x) < 1e-12, qPrintable(QString::number(gx - x, 'g', 17)));
        QVERIFY2(std::abs(gy - y) < 1e-12, qPrintable(QString::number(gy - y, 'g', 17)));
    }

    void asamLeavesBiasesUnscaled() {
        // A 1-D parameter uses T = 1, so ASAM's perturbation equals SAM's.
        auto b = torch::tensor({3.0, -1.0}, torch::kFloat64).requires_grad_(true);
        OptimizerConfig c;
        c.momentum = 0.0;
        c.sam = "asam";
        c.rho = 0.2;
        auto opt = makeOptimizer({b}, c);
        auto loss = quadLoss(b.unsqueeze(0));
        loss.backward();
        auto e = static_cast<SamOptimizer&>(*opt).perturbation();
        const double g1 = kA * 3.0, g2 = kB * -1.0, n = std::sqrt(g1 * g1 + g2 * g2);
        QVERIFY(std::abs(e[0][0].item<double>() - 0.2 * g1 / n) < 1e-12);
        QVERIFY(std::abs(e[0][1].item<double>() - 0.2 * g2 / n) < 1e-12);
    }

    void samWithAdamWrapsBase() {
        OptimizerConfig c;
        c.name = "adam";
        c.lr = 0.01;
        c.sam = "sam";
        c.rho = 0.05;
        auto [x, y] = stepOnce(c, 1.0, 1.0);
        // Adam's first step moves each coordinate by lr in the sign of the gradient.
        QVERIFY(std::abs(x - 0.99) < 1e-6);
        QVERIFY(std::abs(y - 0.99) < 1e-6);
    }

    void liveKnobs() {
        auto w = torch::zeros({2, 2}).requires_grad_(true);
        OptimizerConfig c;
        c.sam = "sam";
        auto opt = makeOptimizer({w}, c);
        setLearningRate(*opt, 0.123);
        auto& sam = static_cast<SamOptimizer&>(*opt);
        QCOMPARE(sam.base().param_groups()[0].options().get_lr(), 0.123);
        QVERIFY(setRho(*opt, 0.7));
        QCOMPARE(sam.samOptions().rho(), 0.7);
        c.sam = "none";
        auto plain = makeOptimizer({w}, c);
        QVERIFY(!setRho(*plain, 0.7));
    }

    void schedules() {
        QCOMPARE(scheduledLr("constant", 0, 0.1, 50, 100), 0.1);
        QCOMPARE(scheduledLr("cosine", 0, 0.1, 0, 100), 0.1);
        QVERIFY(std::abs(scheduledLr("cosine", 0, 0.1, 50, 100) - 0.05) < 1e-12);
        QVERIFY(std::abs(scheduledLr("cosine", 0, 0.1, 100, 100)) < 1e-12);
        // Linear warm-up: step 0 of 10 gives lr/10, step 9 gives lr.
        QVERIFY(std::abs(scheduledLr("constant", 10, 0.1, 0, 100) - 0.01) < 1e-12);
        QVERIFY(std::abs(scheduledLr("constant", 10, 0.1, 9, 100) - 0.1) < 1e-12);
        QVERIFY(std::abs(scheduledLr("cosine", 10, 0.1, 55, 100) - 0.05) < 1e-12);
    }
};

QTEST_APPLESS_MAIN(TestOptimizers)
#include "test_optimizers.moc"
