// Anti-forgetting strategies and continual-learning metrics against hand-computed values.
#include <torch/torch.h>

#include <QtTest>

#include <cmath>

#include "engine/measure/cl_metrics.h"
#include "engine/train/internal/strategies.h"

using namespace forgetlab;

namespace {

// A task whose inputs identify their origin: upstream rows are all +1, downstream -1.
Task markedTask(double value, int rows, int head) {
    Task t;
    t.head = head;
    t.train = {torch::full({rows, 784}, value), torch::arange(rows, torch::kInt64) % 5};
    t.test = t.train;
    return t;
}

bool near(double a, double b, double tol = 1e-9) {
    return std::abs(a - b) <= tol;
}

}  // namespace

class TestStrategies : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void ewcPenaltyAndGradient() {
        auto w = torch::tensor({1.0, -2.0, 0.5}, torch::kFloat64).requires_grad_(true);
        auto anchor = torch::tensor({0.5, -1.0, 0.5}, torch::kFloat64);
        auto fisher = torch::tensor({2.0, 0.25, 9.0}, torch::kFloat64);
        const double lambda = 3.0;
        auto p = ewcPenalty({w}, {fisher}, {anchor}, lambda);
        // lambda/2 * (2*0.25 + 0.25*1 + 9*0) = 1.5 * 0.75
        QVERIFY(near(p.item<double>(), 1.125));
        p.backward();
        // gradient lambda * F * (w - w*) = 3 * (2*0.5, 0.25*-1, 0)
        QVERIFY(near(w.grad()[0].item<double>(), 3.0));
        QVERIFY(near(w.grad()[1].item<double>(), -0.75));
        QVERIFY(near(w.grad()[2].item<double>(), 0.0));
    }

    void l2spGradient() {
        auto w = torch::tensor({{1.0, 2.0}, {3.0, 4.0}}, torch::kFloat64).requires_grad_(true);
        auto pre = torch::tensor({{0.0, 2.0}, {1.0, 5.0}}, torch::kFloat64);
        auto p = l2spPenalty({w}, {pre}, 0.5);
        QVERIFY(near(p.item<double>(), 0.25 * (1 + 0 + 4 + 1)));
        p.backward();
        QVERIFY(torch::allclose(w.grad(), 0.5 * (w.detach() - pre)));
    }

    void lwfLossAtTemperature() {
        // One example, two classes, T = 2: teacher logits (2, 0), student (0, 1).
        auto s = torch::tensor({{0.0, 1.0}}, torch::kFloat64);
        auto t = torch::tensor({{2.0, 0.0}}, torch::kFloat64);
        const double T = 2.0;
        const double q1 = std::exp(1.0) / (std::exp(1.0) + 1.0), q2 = 1.0 - q1;  // softmax(t/T)
        const double z = std::log(1.0 + std::exp(0.5));                          // logsumexp(0, .5)
        const double expected = -(q1 * (0.0 - z) + q2 * (0.5 - z));
        QVERIFY(near(lwfLoss(s, t, T).item<double>(), expected));
        // Identical logits at any temperature give the entropy of the softened teacher.
        auto same = lwfLoss(t, t, T).item<double>();
        QVERIFY(near(same, -(q1 * std::log(q1) + q2 * std::log(q2))));
    }

    void empiricalFisherMatchesPerExampleGradients() {
        torch::manual_seed(2);
        ModelConfig mc;
        mc.hidden = {4};
        auto model = buildModel(mc, {10});
        Task up = markedTask(0.0, 6, 0);
        up.train.input = torch::randn({6, 784});
        const auto fisher = empiricalFisher(*model, up.train, 0, 6);
        const auto params = model->parameters();
        std::vector<torch::Tensor> manual;
        for (const auto& p : params) manual.push_back(torch::zeros_like(p));
        for (int i = 0; i < 6; ++i) {
            auto out = model->forward(up.train.input.slice(0, i, i + 1), 0);
            auto loss =
                torch::nn::functional::cross_entropy(out, up.train.target.slice(0, i, i + 1));
            auto g = torch::autograd::grad({loss}, params);
            for (size_t k = 0; k < params.size(); ++k) manual[k] += g[k].pow(2) / 6.0;
        }
        for (size_t k = 0; k < params.size(); ++k)
            QVERIFY(torch::allclose(fisher[k], manual[k], 1e-5, 1e-8));
    }

    void replayBatchComposition() {
        ModelConfig mc;
        mc.hidden = {4};
        auto model = buildModel(mc, {10});
        StrategyConfig sc;
        sc.replay_ratio = 0.3;
        sc.replay_buffer = 20;
        StrategySet set(sc, *model, nullptr, markedTask(+1.0, 50, 0), 7);
        const Task down = markedTask(-1.0, 10, 0);
        const MixedBatch m = set.compose(down.train.slice(0, 10, 0));
        QCOMPARE(m.down.input.size(0), int64_t(7));
        QCOMPARE(m.replay.input.size(0), int64_t(3));
        QVERIFY(torch::all(m.down.input == -1.0).item<bool>());
        QVERIFY(torch::all(m.replay.input == 1.0).item<bool>());
        // The knob changes the composition; ratio 0 replays nothing.
        QVERIFY(set.setKnob("replay_ratio", 0.5));
        QCOMPARE(set.compose(down.train.slice(0, 10, 0)).replay.input.size(0), int64_t(5));
        QVERIFY(set.setKnob("replay_ratio", 0.0));
        QVERIFY(!set.compose(down.train.slice(0, 10, 0)).replay.input.defined());
        QVERIFY(!set.setKnob("replay_ratio", 1.5));
        QVERIFY(!set.setKnob("ewc_lambda", 1.0));  // no Fisher was computed for this run
        // Loss over a mixed batch through one shared head is the plain mean over rows.
        set.setKnob("replay_ratio", 0.3);
        const MixedBatch m2 = set.compose(down.train.slice(0, 10, 0));
        const auto x = torch::cat({m2.down.input, m2.replay.input});
        const auto y = torch::cat({m2.down.target, m2.replay.target});
        QVERIFY(torch::allclose(set.loss(*model, m2), taskLoss(model->forward(x, 0), y)));
    }

    void continualMetricsByHand() {
        // T = 3. Row i: after training task i.
        const AccuracyMatrix r = {{0.9, 0.1, 0.2}, {0.6, 0.8, 0.1}, {0.5, 0.7, 0.95}};
        const ContinualMetrics m = continualMetrics(r, {0.1, 0.15, 0.05});
        QVERIFY(near(m.avg_acc, (0.5 + 0.7 + 0.95) / 3));
        QVERIFY(near(m.forgetting, ((0.9 - 0.5) + (0.8 - 0.7)) / 2));
        QVERIFY(near(m.bwt, ((0.5 - 0.9) + (0.7 - 0.8)) / 2));
        QVERIFY(near(m.fwt, ((0.1 - 0.15) + (0.1 - 0.05)) / 2));
    }

    void continualMetricsSingleTaskAndNegativeForgetting() {
        const ContinualMetrics one = continualMetrics({{0.8}}, {0.1});
        QVERIFY(near(one.avg_acc, 0.8));
        QCOMPARE(one.forgetting, 0.0);
        QCOMPARE(one.bwt, 0.0);
        QCOMPARE(one.fwt, 0.0);
        // Accuracy on task 0 improves after task 1: negative forgetting, positive BWT.
        const ContinualMetrics neg = continualMetrics({{0.6, 0.2}, {0.7, 0.9}});
        QVERIFY(near(neg.forgetting, 0.6 - 0.7));
        QVERIFY(near(neg.bwt, 0.7 - 0.6));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, continualMetrics({{0.1, 0.2}}));
    }
};

QTEST_APPLESS_MAIN(TestStrategies)
#include "test_strategies.moc"
