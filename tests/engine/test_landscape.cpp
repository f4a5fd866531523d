// Landscape slices and analyses: filter normalization, the analytic surface of a
// quadratic, interpolation end points, weights restored after finished and cancelled
// jobs, cancel latency, stored results, Hessian on a checkpoint.
#include <torch/torch.h>

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#include "engine/analysis/analysis.h"
#include "engine/analysis/internal/analysis_model.h"
#include "engine/measure/internal/evaluation.h"
#include "engine/analysis/internal/landscape.h"
#include "engine/train/runner.h"
#include "engine/store/store.h"
#include "tests/engine/tiny_run.h"

using namespace forgetlab;

namespace {

ExperimentConfig tinyConfig() {
    return test::tinyImageRun();
}

class NullSink : public MetricSink {
public:
    void onMetrics(const std::vector<MetricPoint>&) override {}
    void onCheckpoint(int64_t, const std::string& tag, const std::string& file) override {
        files[tag] = file;
    }
    std::map<std::string, std::string> files;
};

bool sameWeights(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (!torch::equal(a[i], b[i])) return false;
    return true;
}

}  // namespace

class TestLandscape : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    ModelSource m_source;

private Q_SLOTS:
    void initTestCase() {
        // One small run with checkpoints, shared by the tests below.
        RunnerOptions o{"", (m_dir.path() + "/ckpt").toStdString(), 0};
        NullSink sink;
        RunControl control;
        QCOMPARE(Runner(tinyConfig(), o).run(sink, control).status, std::string(status::kDone));
        m_source = {tinyConfig(), sink.files.at("final"), sink.files.at("pretrained")};
    }

    void filterNormalization() {
        torch::manual_seed(1);
        std::vector<torch::Tensor> w = {torch::randn({4, 3}), torch::randn({4}),
                                        torch::randn({2, 3, 3, 3}), torch::randn({5})};
        auto gen = torch::make_generator<torch::CPUGeneratorImpl>(42);
        const auto d = filterNormalizedDirection(w, gen);
        QCOMPARE(d.size(), w.size());
        for (size_t i = 0; i < w.size(); ++i) {
            QCOMPARE(d[i].sizes(), w[i].sizes());
            if (w[i].dim() <= 1) {
                QVERIFY(torch::equal(d[i], torch::zeros_like(w[i])));
                continue;
            }
            for (int64_t f = 0; f < w[i].size(0); ++f) {
                const double dn = d[i][f].norm().item<double>(), wn = w[i][f].norm().item<double>();
                QVERIFY2(std::abs(dn - wn) < 1e-5 * wn,
                         qPrintable(QString("%1 vs %2").arg(dn).arg(wn)));
            }
        }
        // Seeded: the same seed gives the same direction.
        auto gen2 = torch::make_generator<torch::CPUGeneratorImpl>(42);
        QVERIFY(sameWeights(d, filterNormalizedDirection(w, gen2)));
    }

    void quadraticSurfaceIsReproduced() {
        // L(w) = 0.5 sum c * w^2 on a 2x3 weight (dim 2, so it gets a direction) and a bias.
        auto w = torch::tensor({{0.5, -1.0, 2.0}, {1.5, 0.25, -0.75}}, torch::kFloat64);
        auto bias = torch::tensor({0.3, -0.2}, torch::kFloat64);
        auto c = torch::tensor({{1.0, 2.0, 3.0}, {4.0, 0.5, 1.5}}, torch::kFloat64);
        const std::vector<torch::Tensor> params = {w, bias};
        PointEvaluator eval = [&]() -> std::array<double, 4> {
            const double l = (0.5 * (c * w * w).sum() + (bias * bias).sum()).item<double>();
            return {l, 0.0, 2 * l, 0.0};
        };
        LandscapeRequest req;
        req.kind = "2d";
        req.grid = 7;
        req.range = 0.8;
        req.seed = 9;
        const auto before = std::vector<torch::Tensor>{w.clone(), bias.clone()};
        const LandscapeResult r = landscapeOnParameters(params, eval, req, nullptr, {}, nullptr);
        QVERIFY(sameWeights(params, before));
        QCOMPARE(r.up_loss.size(), size_t(49));
        // The same directions, recomputed from the seed.
        auto gen = torch::make_generator<torch::CPUGeneratorImpl>(9);
        const auto d1 = filterNormalizedDirection(before, gen);
        const auto d2 = filterNormalizedDirection(before, gen);
        QVERIFY(torch::equal(d1[1], torch::zeros_like(bias)));
        for (size_t j = 0; j < 7; ++j) {
            for (size_t i = 0; i < 7; ++i) {
                const double a = r.xs[i], b = r.ys[j];
                auto p = before[0] + a * d1[0] + b * d2[0];
                const double expected =
                    (0.5 * (c * p * p).sum() + (bias * bias).sum()).item<double>();
                QVERIFY2(std::abs(r.up_loss[j * 7 + i] - expected) < 1e-10,
                         qPrintable(QString("(%1,%2): %3 vs %4")
                                        .arg(a)
                                        .arg(b)
                                        .arg(r.up_loss[j * 7 + i])
                                        .arg(expected)));
                QCOMPARE(r.down_loss[j * 7 + i], 2 * r.up_loss[j * 7 + i]);
            }
        }
        // The centre is the unperturbed loss; flatness of a convex quadratic is positive.
        QCOMPARE(r.xs[3], 0.0);
        QVERIFY(r.up_mean_curvature > 0);
        QVERIFY(r.up_mean_grad > 0);
    }

    void flatnessOfAPlane() {
        // L = 2x + 3y: gradient magnitude sqrt(13) everywhere, curvature 0.
        std::vector<double> xs = {-1, -0.5, 0, 0.5, 1}, ys = xs, v;
        for (double y : ys)
            for (double x : xs) v.push_back(2 * x + 3 * y);
        double g = 0, c = 0;
        flatnessSummary(v, xs, ys, &g, &c);
        QVERIFY(std::abs(g - std::sqrt(13.0)) < 1e-12);
        QVERIFY(std::abs(c) < 1e-12);
    }

    void interpolationEndsAreTheCheckpoints() {
        LandscapeRequest req;
        req.kind = "interp";
        req.grid = 9;  // -0.5 .. 1.5 in steps of 0.25
        req.subset = 100;
        const LandscapeResult r = computeLandscape(m_source, req);
        QCOMPARE(r.xs.front(), -0.5);
        QCOMPARE(r.xs.back(), 1.5);
        const auto i0 = std::find(r.xs.begin(), r.xs.end(), 0.0) - r.xs.begin();
        const auto i1 = std::find(r.xs.begin(), r.xs.end(), 1.0) - r.xs.begin();
        QVERIFY(i0 < long(r.xs.size()) && i1 < long(r.xs.size()));
        for (auto [file, idx] :
             {std::pair{m_source.pretrainedFile, i0}, std::pair{m_source.checkpointFile, i1}}) {
            LoadedModel m = loadModel(m_source.config, file);
            const EvalResult u = evaluateSplit(*m.model, headOf(m.up.test, 100), m.up.head);
            const EvalResult d = evaluateSplit(*m.model, headOf(m.down.test, 100), m.down.head);
            QCOMPARE(r.up_loss[size_t(idx)], u.loss);
            QCOMPARE(r.down_loss[size_t(idx)], d.loss);
            QCOMPARE(r.up_acc[size_t(idx)], u.acc);
        }
        // Grids whose linspace misses 0 or 1 still get them.
        req.grid = 6;
        const auto axis = landscapeAxis(req);
        QVERIFY(std::count(axis.begin(), axis.end(), 0.0) == 1);
        QVERIFY(std::count(axis.begin(), axis.end(), 1.0) == 1);
        QVERIFY(std::is_sorted(axis.begin(), axis.end()));
    }

    void weightsRestoredAfterFinishedAndCancelledJobs() {
        LoadedModel m = loadModel(m_source.config, m_source.checkpointFile);
        const auto before = copyParameters(*m.model);
        const EvalSets sets{headOf(m.up.test, 50), headOf(m.down.test, 50), m.up.head, m.down.head};
        LandscapeRequest req;
        req.kind = "2d";
        req.grid = 5;
        const LandscapeResult done = landscapeOnModel(*m.model, sets, req, nullptr, {}, nullptr);
        QVERIFY(!done.cancelled);
        QCOMPARE(done.evaluations, int64_t(25));
        QVERIFY(sameWeights(m.model->parameters(), before));

        // Cancel during evaluation 3: the job stops before evaluation 4.
        std::atomic<bool> cancel{false};
        req.grid = 21;
        ProgressFn progress = [&](int64_t n, int64_t) {
            if (n == 3) cancel = true;
        };
        const LandscapeResult stopped =
            landscapeOnModel(*m.model, sets, req, nullptr, progress, &cancel);
        QVERIFY(stopped.cancelled);
        QCOMPARE(stopped.evaluations, int64_t(3));
        QVERIFY(sameWeights(m.model->parameters(), before));
    }

    void hessianOnACheckpoint() {
        HessianRequest req;
        req.topk = 3;
        req.trace_samples = 10;
        req.probe_size = 64;
        const HessianResult r = computeHessian(m_source, req);
        QCOMPARE(r.eigenvalues.size(), size_t(3));
        QVERIFY(std::is_sorted(r.eigenvalues.rbegin(), r.eigenvalues.rend()));
        QVERIFY(r.eigenvalues[0] > 0);
        QVERIFY(r.trace_stderr > 0);
        // Cancelled before it starts: no eigenvalues, marked cancelled.
        std::atomic<bool> cancel{true};
        QVERIFY(computeHessian(m_source, req, {}, &cancel).cancelled);
        req.topk = 9;
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, computeHessian(m_source, req));
    }

    void storedLandscapeReopens() {
        LandscapeRequest req;
        req.kind = "1d";
        req.grid = 5;
        req.subset = 50;
        const LandscapeResult r = computeLandscape(m_source, req);
        Store store((m_dir.path() + "/runs.db").toStdString());
        const int64_t run = store.createRun("x", "{}", 1, "cpu");
        const int64_t id = store.saveLandscape(run, 30, "1d", landscapeToJson(r));
        const auto rows = store.landscapes(run);
        QCOMPARE(rows.size(), size_t(1));
        QCOMPARE(rows[0].id, id);
        QCOMPARE(rows[0].step, int64_t(30));
        const LandscapeResult back = landscapeFromJson(rows[0].result_json);
        QCOMPARE(back.xs, r.xs);
        QCOMPARE(back.up_loss, r.up_loss);
        QCOMPARE(back.down_acc, r.down_acc);
        QCOMPARE(back.request.kind, std::string("1d"));
        const std::string csv = landscapeToCsv(r);
        QCOMPARE(std::count(csv.begin(), csv.end(), '\n'), long(6));  // header + 5 points
    }

    void badRequestsAreRefused() {
        LandscapeRequest req;
        req.kind = "3d";
        QVERIFY(!validateLandscapeRequest(req).empty());
        req.kind = "2d";
        req.grid = 1;
        QVERIFY(!validateLandscapeRequest(req).empty());
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, computeLandscape(m_source, req));
        ModelSource missing = m_source;
        missing.checkpointFile = "/nonexistent/final.safetensors";
        req.grid = 5;
        try {
            computeLandscape(missing, req);
            QFAIL("expected an error");
        } catch (const std::runtime_error& e) {
            QVERIFY2(
                std::string(e.what()).find("/nonexistent/final.safetensors") != std::string::npos,
                e.what());
        }
    }
};

QTEST_APPLESS_MAIN(TestLandscape)
#include "test_landscape.moc"
