// The Runner end to end on small Fashion-MNIST tasks: determinism, the upstream cache,
// pause/step/stop, live knobs, divergence, checkpoints; and the safetensors format.
#include <torch/torch.h>

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <mutex>
#include <thread>
#include <tuple>

#include "engine/train/runner.h"
#include "engine/models/internal/safetensors.h"
#include "tests/engine/test_device.h"

using namespace forgetlab;

namespace {

ExperimentConfig smallConfig() {
    ExperimentConfig c;
    c.name = "small";
    c.seed = 5;
    c.device = test::testDevice();
    c.model.hidden = {32};
    c.upstream.task.train_size = 1000;
    c.upstream.task.test_size = 300;
    c.upstream.steps = 80;
    c.downstream.task.classes = {5, 6, 7, 8, 9};
    c.downstream.task.train_size = 1000;
    c.downstream.task.test_size = 300;
    c.downstream.steps = 40;
    c.eval.every = 10;
    c.eval.hessian_every = 20;
    c.eval.probe_size = 64;
    c.eval.hessian_max_iters = 20;
    return c;
}

// Collects everything a run reports; thread-safe for the pause/step test.
class Collector : public MetricSink {
public:
    void onMetrics(const std::vector<MetricPoint>& p) override {
        std::lock_guard<std::mutex> l(m);
        points.insert(points.end(), p.begin(), p.end());
    }
    void onEvent(int64_t step, const std::string& kind, const std::string& json) override {
        std::lock_guard<std::mutex> l(m);
        events.push_back(kind + "@" + std::to_string(step) + ":" + json);
    }
    void onCheckpoint(int64_t, const std::string& tag, const std::string& file) override {
        std::lock_guard<std::mutex> l(m);
        checkpoints.emplace_back(tag, file);
    }
    void onProgress(Phase phase, int64_t step, int64_t) override {
        if (phase == Phase::Downstream) lastStep = step;
    }
    std::vector<MetricPoint> series(const std::string& key) {
        std::lock_guard<std::mutex> l(m);
        std::vector<MetricPoint> out;
        for (const auto& p : points)
            if (p.key == key) out.push_back(p);
        return out;
    }
    std::mutex m;
    std::vector<MetricPoint> points;
    std::vector<std::string> events;
    std::vector<std::pair<std::string, std::string>> checkpoints;
    std::atomic<int64_t> lastStep{0};
};

// The same points (by step and key; on a GPU losses arrive in groups, so the order of
// arrival may differ) with the same values: bit for bit on the CPU, within the GPU
// tolerance there (tests/engine/test_device.h).
bool sameSeries(std::vector<MetricPoint> a, std::vector<MetricPoint> b) {
    if (a.size() != b.size()) return false;
    auto byStepKey = [](const MetricPoint& x, const MetricPoint& y) {
        return std::tie(x.step, x.key) < std::tie(y.step, y.key);
    };
    std::stable_sort(a.begin(), a.end(), byStepKey);
    std::stable_sort(b.begin(), b.end(), byStepKey);
    for (size_t i = 0; i < a.size(); ++i)
        if (a[i].step != b[i].step || a[i].key != b[i].key ||
            !test::sameValue(a[i].value, b[i].value))
            return false;
    return true;
}

std::vector<MetricPoint> fineTuning(const std::vector<MetricPoint>& all) {
    std::vector<MetricPoint> out;
    for (const auto& p : all)
        if (p.key.rfind("pre.", 0) != 0) out.push_back(p);
    return out;
}

}  // namespace

class TestRunner : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sameSeedSameSeriesAndCacheReuse() {
        QTemporaryDir dir;
        RunnerOptions a{(dir.path() + "/cacheA").toStdString(), "", 0};
        RunnerOptions b{(dir.path() + "/cacheB").toStdString(), "", 0};
        Collector c1, c2, c3;
        RunControl k1, k2, k3;
        const RunSummary s1 = Runner(smallConfig(), a).run(c1, k1);
        QCOMPARE(s1.status, std::string(status::kDone));
        QVERIFY(!s1.upstream_from_cache);
        const RunSummary s2 = Runner(smallConfig(), b).run(c2, k2);
        QVERIFY2(sameSeries(c1.points, c2.points), "two runs with one seed differ");
        QVERIFY(test::sameValue(s1.forgetting, s2.forgetting));
        // Third run reuses run 1's cached upstream checkpoint and fine-tunes identically.
        const RunSummary s3 = Runner(smallConfig(), a).run(c3, k3);
        QVERIFY(s3.upstream_from_cache);
        QVERIFY(c3.series(keys::kPreTrainLoss).empty());
        QVERIFY2(sameSeries(fineTuning(c1.points), fineTuning(c3.points)),
                 "fine-tuning from the cache differs from fine-tuning after pre-training");
        // Metric cadence: train loss every step, evaluation every 10, Hessian every 20.
        QCOMPARE(c1.series(keys::kTrainLoss).size(), size_t(40));
        QCOMPARE(c1.series(keys::kUpTestAcc).size(), size_t(5));    // steps 0,10,..,40
        QCOMPARE(c1.series(keys::kHessianLmax).size(), size_t(3));  // steps 0,20,40
        QCOMPARE(c1.series(keys::kSharpness).size(), size_t(5));
        QCOMPARE(s1.upstream_acc_before, c1.series(keys::kUpTestAcc).front().value);
        QCOMPARE(s1.upstream_acc_after, c1.series(keys::kUpTestAcc).back().value);
        QVERIFY(s1.hessian_lmax_last > 0);
        // Class-incremental fine-tuning forgets.
        QVERIFY2(s1.forgetting > 0.2, qPrintable(QString::number(s1.forgetting)));
        QVERIFY(s1.downstream_acc_after > 0.5);
        // A different seed gives a different series.
        ExperimentConfig other = smallConfig();
        other.seed = 6;
        Collector c4;
        RunControl k4;
        Runner(other, RunnerOptions{}).run(c4, k4);
        QVERIFY(!sameSeries(c1.points, c4.points));
    }

    void fixedUpstreamSeedSharesOnePreTraining() {
        // upstream.seed fixes the pre-training: seeds 5 and 6 of a seed set fine-tune one
        // pre-trained model (the second from the cache) but differently.
        QTemporaryDir dir;
        const RunnerOptions opts{(dir.path() + "/cache").toStdString(), "", 0};
        ExperimentConfig a = smallConfig();
        a.upstream.seed = 11;
        a.downstream.steps = 10;
        a.eval.hessian_every = 0;
        ExperimentConfig b = a;
        b.seed = 6;
        QCOMPARE(upstreamHash(a), upstreamHash(b));
        ExperimentConfig plain = a;
        plain.upstream.seed = -1;
        plain.seed = 11;  // unset = the run's seed: the same pre-training as upstream.seed 11
        QCOMPARE(upstreamHash(plain), upstreamHash(a));
        Collector ca, cb;
        RunControl ka, kb;
        const RunSummary sa = Runner(a, opts).run(ca, ka);
        const RunSummary sb = Runner(b, opts).run(cb, kb);
        QVERIFY(!sa.upstream_from_cache);
        QVERIFY(sb.upstream_from_cache);
        // The same model and test split before fine-tuning, a different fine-tuning.
        QCOMPARE(sa.upstream_acc_before, sb.upstream_acc_before);
        QVERIFY(!sameSeries(fineTuning(ca.points), fineTuning(cb.points)));
        // Without upstream.seed, seed 6 pre-trains its own model.
        ExperimentConfig own = b;
        own.upstream.seed = -1;
        QVERIFY(upstreamHash(own) != upstreamHash(b));
        Collector co;
        RunControl ko;
        QVERIFY(!Runner(own, opts).run(co, ko).upstream_from_cache);
    }
    void pauseStepStop() {
        ExperimentConfig cfg = smallConfig();
        cfg.upstream.steps = 0;
        cfg.downstream.steps = 1000;
        Collector sink;
        RunControl control;
        control.setPaused(true);
        RunSummary summary;
        std::thread worker([&] { summary = Runner(cfg, RunnerOptions{}).run(sink, control); });
        control.requestStep();
        control.requestStep();
        control.requestStep();
        QTRY_COMPARE_WITH_TIMEOUT(sink.lastStep.load(), int64_t(3), 20000);
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        QCOMPARE(sink.lastStep.load(), int64_t(3));  // paused: no further steps
        control.setPaused(false);
        QTRY_VERIFY_WITH_TIMEOUT(sink.lastStep.load() > 10, 20000);
        control.requestStop();
        worker.join();
        QCOMPARE(summary.status, std::string(status::kStopped));
        QVERIFY(summary.steps >= 10 && summary.steps < 1000);
        const auto losses = sink.series(keys::kTrainLoss);
        QCOMPARE(int64_t(losses.size()), summary.steps);  // every step done was recorded
    }

    void liveKnobIsAppliedAndRecorded() {
        ExperimentConfig cfg = smallConfig();
        cfg.upstream.steps = 0;
        cfg.downstream.steps = 5;
        Collector sink;
        RunControl control;
        control.setKnob("lr", 0.0125);
        control.setKnob("rho", 0.2);  // not a SAM run: recorded as not applied
        Runner(cfg, RunnerOptions{}).run(sink, control);
        const auto lr = sink.series(keys::kLr);
        QCOMPARE(lr.front().value, 0.0125);
        std::vector<std::string> knobs;  // the run also records where it ran ("device@0")
        for (const auto& e : sink.events)
            if (e.rfind("knob@", 0) == 0) knobs.push_back(e);
        QCOMPARE(knobs.size(), size_t(2));
        QVERIFY(knobs[0].find("knob@0") == 0);
        QVERIFY(knobs[0].find("\"applied\":true") != std::string::npos);
        QVERIFY(knobs[1].find("\"applied\":false") != std::string::npos);
    }

    void nanLossEndsDiverged() {
        ExperimentConfig cfg = smallConfig();
        cfg.upstream.steps = 0;
        cfg.downstream.steps = 200;
        cfg.downstream.optimizer.lr = 1e8;
        cfg.downstream.optimizer.momentum = 0.0;
        Collector sink;
        RunControl control;
        const RunSummary s = Runner(cfg, RunnerOptions{}).run(sink, control);
        QCOMPARE(s.status, std::string(status::kDiverged));
        QVERIFY(s.error.find("learning rate") != std::string::npos);
        QVERIFY(!sink.series(keys::kUpTestAcc).empty());  // step-0 evaluation kept
        QVERIFY(sink.events.back().find("diverged") == 0);
    }

    void checkpointsAreWrittenAndLoadable() {
        QTemporaryDir dir;
        ExperimentConfig cfg = smallConfig();
        cfg.upstream.steps = 10;
        cfg.downstream.steps = 10;
        Collector sink;
        RunControl control;
        RunnerOptions o{"", (dir.path() + "/ckpt").toStdString(), 0};
        QCOMPARE(Runner(cfg, o).run(sink, control).status, std::string(status::kDone));
        QCOMPARE(sink.checkpoints.size(), size_t(2));
        QCOMPARE(sink.checkpoints[0].first, std::string("pretrained"));
        QCOMPARE(sink.checkpoints[1].first, std::string("final"));
        const auto pre = loadSafetensors(sink.checkpoints[0].second);
        const auto fin = loadSafetensors(sink.checkpoints[1].second);
        QCOMPARE(pre.size(), fin.size());
        QVERIFY(!pre.empty());
        bool changed = false;
        for (size_t i = 0; i < pre.size(); ++i)
            changed |= !torch::equal(pre[i].second, fin[i].second);
        QVERIFY(changed);
    }

    void missingDataFailsClearly() {
        ExperimentConfig cfg = smallConfig();
        cfg.data_dir = "/nonexistent";
        Collector sink;
        RunControl control;
        const RunSummary s = Runner(cfg, RunnerOptions{}).run(sink, control);
        QCOMPARE(s.status, std::string(status::kFailed));
        QVERIFY(s.error.find("dataset-fashion-mnist") != std::string::npos);
    }

    void safetensorsRoundTrip() {
        QTemporaryDir dir;
        const std::string p = dir.filePath("t.safetensors").toStdString();
        NamedTensors in = {
            {"f32", torch::randn({2, 3})},
            {"f64", torch::randn({4}, torch::kFloat64)},
            {"f16", torch::randn({3, 1}).to(torch::kFloat16)},
            {"bf16", torch::randn({5}).to(torch::kBFloat16)},
            {"i64", torch::arange(6, torch::kInt64).reshape({2, 3})},
            {"i32", torch::arange(3, torch::kInt32)},
            {"u8", torch::arange(4, torch::kUInt8)},
            {"empty", torch::zeros({0, 2})},
        };
        saveSafetensors(p, in, {{"k", "v"}});
        std::map<std::string, std::string> meta;
        const auto out = loadSafetensors(p, &meta);
        QCOMPARE(meta["k"], std::string("v"));
        QCOMPARE(out.size(), in.size());
        std::map<std::string, torch::Tensor> byName(out.begin(), out.end());
        for (const auto& [name, t] : in) {
            QVERIFY2(byName.count(name), name.c_str());
            QCOMPARE(byName[name].scalar_type(), t.scalar_type());
            QVERIFY2(torch::equal(byName[name], t), name.c_str());
        }
    }

    void safetensorsRejectsMalformed() {
        QTemporaryDir dir;
        const std::string p = dir.filePath("bad.safetensors").toStdString();
        auto write = [&](const std::string& header, size_t dataBytes) {
            std::ofstream out(p, std::ios::binary | std::ios::trunc);
            uint64_t n = header.size();
            out.write(reinterpret_cast<const char*>(&n), 8);
            out << header << std::string(dataBytes, '\0');
        };
        write("{not json", 0);
        QVERIFY_THROWS_EXCEPTION(SafetensorsError, loadSafetensors(p));
        write(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,8]}})", 16);
        QVERIFY_THROWS_EXCEPTION(SafetensorsError, loadSafetensors(p));  // size mismatch
        write(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", 8);
        QVERIFY_THROWS_EXCEPTION(SafetensorsError, loadSafetensors(p));  // past the end
        write(R"({"a":{"dtype":"Q7","shape":[1],"data_offsets":[0,1]}})", 1);
        QVERIFY_THROWS_EXCEPTION(SafetensorsError, loadSafetensors(p));  // unknown dtype
        {
            std::ofstream(p, std::ios::binary | std::ios::trunc)
                << "\xff\xff\xff\xff\xff\xff\xff\x7f";
        }
        QVERIFY_THROWS_EXCEPTION(SafetensorsError, loadSafetensors(p));  // absurd length
    }
};

QTEST_APPLESS_MAIN(TestRunner)
#include "test_runner.moc"
