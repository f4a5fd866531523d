// Resuming a run: a run stopped right after (or a few steps past) a checkpoint step and
// resumed ends with the same metric series, events, per-example losses, checkpoints and
// summary as the same run uninterrupted — bit for bit on the CPU — for SGD with momentum
// and a schedule, AdamW with SAM, replay with EWC and L2-SP, and a tiny GPT with LoRA and
// live samples; live knobs before and after the resume point included. Also the pieces: a
// batch sampler's state, and what cannot be resumed.
#include <torch/torch.h>

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>

#include "engine/data/internal/tasks.h"
#include "engine/sessions/run_resume.h"
#include "engine/sessions/run_session.h"
#include "engine/store/store.h"
#include "tests/engine/test_device.h"
#include "tests/engine/tiny_run.h"

using namespace forgetlab;
using namespace forgetlab::test;
namespace fs = std::filesystem;

namespace {

// The shared tiny run (tests/engine/tiny_run.h), with resume points every 10 steps.
ExperimentConfig imageRun() {
    ExperimentConfig c = tinyImageRun();
    c.name = "resume";
    c.seed = 7;
    c.model.hidden = {24};
    c.downstream.steps = 40;
    c.eval.probe_size = 32;
    c.eval.example_losses = 40;
    c.eval.checkpoint_every = 10;
    return c;
}

ExperimentConfig languageRun() {
    ExperimentConfig c;
    c.name = "resume-lm";
    c.seed = 3;
    c.device = testDevice();
    c.model.kind = "gpt";
    c.model.n_layer = 1;
    c.model.n_head = 2;
    c.model.n_embd = 32;
    c.model.context = 32;
    for (PhaseConfig* p : {&c.upstream, &c.downstream}) {
        p->task.kind = "text";
        p->task.train_size = 200;
        p->task.test_size = 40;
        p->batch_size = 8;
        p->optimizer.name = "adamw";
        p->optimizer.lr = 0.003;
    }
    c.upstream.task.language = "en";
    c.downstream.task.language = "de";
    c.upstream.steps = 20;
    c.downstream.steps = 16;
    c.model.lora_rank = 4;
    c.eval.every = 4;
    c.eval.hessian_every = 0;
    c.eval.probe_size = 16;
    c.eval.example_losses = 20;
    c.eval.samples_every = 4;
    c.eval.samples_tokens = 6;
    c.eval.samples_prompts = {"The cat"};
    c.eval.checkpoint_every = 6;
    return c;
}

// Steers a run as a person would: live knobs after given fine-tuning steps, and a stop
// request after one (the runner stops before the next step, after that step's checkpoint
// and resume point).
class Steering : public MetricSink {
public:
    Steering(RunControl& control, std::multimap<int64_t, Knob> knobs, int64_t stopAfter)
        : m_control(control), m_knobs(std::move(knobs)), m_stopAfter(stopAfter) {}
    void onMetrics(const std::vector<MetricPoint>&) override {}
    void onProgress(Phase phase, int64_t step, int64_t) override {
        if (phase != Phase::Downstream) return;
        auto [from, to] = m_knobs.equal_range(step);
        for (auto it = from; it != to; ++it) m_control.setKnob(it->second.name, it->second.value);
        if (m_stopAfter > 0 && step == m_stopAfter) m_control.requestStop();
    }

private:
    RunControl& m_control;
    std::multimap<int64_t, Knob> m_knobs;
    int64_t m_stopAfter;
};

RunSummary record(Store& store, const ExperimentConfig& c, const std::multimap<int64_t, Knob>& k,
                  int64_t stopAfter) {
    RunControl control;
    Steering steer(control, k, stopAfter);
    return runAndRecord(c, store, control, &steer);
}

RunSummary resume(Store& store, int64_t id, const std::multimap<int64_t, Knob>& k,
                  int64_t stopAfter) {
    RunControl control;
    Steering steer(control, k, stopAfter);
    return resumeAndRecord(store, id, control, &steer);
}

// Fine-tuning's series (pre-training's are absent where the upstream cache was used).
std::vector<MetricPoint> fineTuning(Store& store, int64_t id) {
    std::vector<MetricPoint> out;
    for (const MetricPoint& p : store.metrics(id))
        if (p.key.rfind("pre.", 0) != 0) out.push_back(p);
    return out;
}

// The events two runs of one configuration must share (not where or how often they ran).
std::vector<std::string> comparableEvents(Store& store, int64_t id) {
    std::vector<std::string> out;
    for (const EventRow& e : store.events(id)) {
        if (e.kind == "device" || e.kind == "resumed" || e.kind == "upstream_cache" ||
            e.kind == "resume_point")
            continue;
        out.push_back(e.kind + "@" + std::to_string(e.step) + " " + e.json);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string fileBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string finalCheckpoint(Store& store, int64_t id) {
    for (const CheckpointRow& c : store.checkpoints(id))
        if (c.tag == "final") return fileBytes(store.checkpointPath(c));
    return {};
}

std::vector<std::string> checkpointTags(Store& store, int64_t id) {
    std::vector<std::string> out;
    for (const CheckpointRow& c : store.checkpoints(id))
        out.push_back(c.tag + "@" + std::to_string(c.step));
    std::sort(out.begin(), out.end());
    return out;
}

QString firstDifference(const std::vector<MetricPoint>& a, const std::vector<MetricPoint>& b) {
    for (size_t i = 0; i < std::min(a.size(), b.size()); ++i)
        if (a[i].step != b[i].step || a[i].key != b[i].key || !sameValue(a[i].value, b[i].value))
            return QString("at %1: %2@%3 = %4 vs %5@%6 = %7")
                .arg(i)
                .arg(QString::fromStdString(a[i].key))
                .arg(a[i].step)
                .arg(a[i].value, 0, 'g', 17)
                .arg(QString::fromStdString(b[i].key))
                .arg(b[i].step)
                .arg(b[i].value, 0, 'g', 17);
    return a.size() == b.size() ? QString()
                                : QString("%1 points vs %2").arg(a.size()).arg(b.size());
}

}  // namespace

class TestResume : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void samplerStateRoundTrips() {
        BatchSampler a(37, 8, 11);
        for (int i = 0; i < 7; ++i) a.next();  // into its second epoch
        BatchSampler b(37, 8, 999);
        b.restore(a.state());
        for (int i = 0; i < 20; ++i) QVERIFY(torch::equal(a.next(), b.next()));
        BatchSampler other(36, 8, 11);
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, other.restore(a.state()));
    }

    void resumedRunEqualsUninterrupted_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<int>("stopAfter");    // the interrupted run stops after this step
        QTest::addColumn<int>("resumedFrom");  // ... and resumes from this resume point
        QTest::addColumn<int>("stopAgain");    // the resumed run stops again (0: no)
        // Exactly at a checkpoint step, and a few steps past one (those steps go again).
        QTest::newRow("sgd-momentum-schedule") << "sgd" << 20 << 20 << 33;
        QTest::newRow("adamw-sam") << "adamw-sam" << 23 << 20 << 0;
        QTest::newRow("replay-ewc-l2sp") << "replay-ewc" << 10 << 10 << 0;
        QTest::newRow("gpt-lora") << "gpt-lora" << 8 << 6 << 0;
    }

    void resumedRunEqualsUninterrupted() {
        QFETCH(QString, kind);
        QFETCH(int, stopAfter);
        QFETCH(int, resumedFrom);
        QFETCH(int, stopAgain);
        ExperimentConfig c = kind == "gpt-lora" ? languageRun() : imageRun();
        std::multimap<int64_t, Knob> turns;  // live knobs, before the resume point and after
        if (kind == "sgd") {
            c.downstream.optimizer.momentum = 0.9;
            c.downstream.optimizer.nesterov = true;
            c.downstream.optimizer.schedule = "cosine";
            c.downstream.optimizer.warmup_steps = 5;
            turns = {{5, {knobs::kLr, 0.05}}, {25, {knobs::kLr, 0.02}}, {36, {knobs::kLr, 0.03}}};
        } else if (kind == "adamw-sam") {
            c.downstream.optimizer.name = "adamw";
            c.downstream.optimizer.lr = 0.003;
            c.downstream.optimizer.sam = "sam";
            c.downstream.optimizer.rho = 0.05;
            c.eval.hessian_every = 20;
            c.eval.hessian_max_iters = 10;
            turns = {{4, {knobs::kRho, 0.1}}, {30, {knobs::kLr, 0.001}}};
        } else if (kind == "replay-ewc") {
            c.eval.every = 7;  // so the stop at step 10 adds an evaluation the resume drops
            c.strategies.replay_ratio = 0.25;
            c.strategies.replay_buffer = 100;
            c.strategies.ewc_lambda = 5;
            c.strategies.ewc_samples = 50;
            c.strategies.l2sp_lambda = 0.01;
            turns = {{3, {knobs::kEwcLambda, 20}}, {15, {knobs::kReplayRatio, 0.5}}};
        } else {
            turns = {{2, {knobs::kLr, 0.002}}, {10, {knobs::kLr, 0.001}}};
        }
        Store store((m_dir.path() + "/" + kind + ".db").toStdString());
        const RunSummary whole = record(store, c, turns, 0);
        QCOMPARE(whole.status, std::string(status::kDone));

        const RunSummary stopped = record(store, c, turns, stopAfter);
        QCOMPARE(stopped.status, std::string(status::kStopped));
        QCOMPARE(stopped.steps, int64_t(stopAfter));
        ResumePoint point;
        QCOMPARE(resumeRefusal(store, stopped.run_id, &point), std::string());
        QCOMPARE(point.step, int64_t(resumedFrom));
        QVERIFY(fs::exists(point.file));

        RunSummary resumed = resume(store, stopped.run_id, turns, stopAgain);
        if (stopAgain > 0) {
            QCOMPARE(resumed.status, std::string(status::kStopped));
            QCOMPARE(resumed.steps, int64_t(stopAgain));
            resumed = resume(store, stopped.run_id, turns, 0);
        }
        QCOMPARE(resumed.status, std::string(status::kDone));
        QCOMPARE(resumed.run_id, stopped.run_id);
        QCOMPARE(store.run(stopped.run_id).status, std::string(status::kDone));

        const auto a = fineTuning(store, whole.run_id), b = fineTuning(store, stopped.run_id);
        QVERIFY2(firstDifference(a, b).isEmpty(), qPrintable(firstDifference(a, b)));
        QCOMPARE(comparableEvents(store, stopped.run_id), comparableEvents(store, whole.run_id));
        QCOMPARE(checkpointTags(store, stopped.run_id), checkpointTags(store, whole.run_id));
        const auto la = store.exampleLosses(whole.run_id), lb = store.exampleLosses(stopped.run_id);
        QCOMPARE(la.size(), lb.size());
        for (size_t i = 0; i < la.size(); ++i) {
            QCOMPARE(la[i].step, lb[i].step);
            for (size_t j = 0; j < la[i].losses.size(); ++j)
                QVERIFY(sameValue(la[i].losses[j], lb[i].losses[j]));
        }
        QVERIFY(sameValue(resumed.forgetting, whole.forgetting));
        QVERIFY(sameValue(resumed.upstream_acc_before, whole.upstream_acc_before));
        QVERIFY(sameValue(resumed.downstream_acc_after, whole.downstream_acc_after));
        QVERIFY(sameValue(resumed.example_forgetting_mean, whole.example_forgetting_mean));
        QCOMPARE(resumed.steps, whole.steps);
        QCOMPARE(resumed.trainable_parameters, whole.trainable_parameters);
        if (testOnCpu())
            QVERIFY2(finalCheckpoint(store, stopped.run_id) == finalCheckpoint(store, whole.run_id),
                     "the final weights differ");
        // A run that ended for good keeps no resume points.
        QVERIFY(resumeRefusal(store, stopped.run_id).find("is done") != std::string::npos);
        for (const auto& e : fs::directory_iterator(store.runCheckpointDir(stopped.run_id)))
            QVERIFY2(e.path().filename().string().rfind("resume-", 0) != 0,
                     e.path().string().c_str());
    }

    void whatCannotBeResumed() {
        Store store((m_dir.path() + "/refusals.db").toStdString());
        ExperimentConfig c = imageRun();
        c.downstream.steps = 12;
        c.eval.checkpoint_every = 0;
        const RunSummary done = record(store, c, {}, 0);
        QVERIFY(resumeRefusal(store, done.run_id).find("is done") != std::string::npos);
        QVERIFY_THROWS_EXCEPTION(ResumeRefused, resume(store, done.run_id, {}, 0));
        const RunSummary plain = record(store, c, {}, 5);
        QCOMPARE(plain.status, std::string(status::kStopped));
        QVERIFY(resumeRefusal(store, plain.run_id).find("set eval.checkpoint_every") !=
                std::string::npos);
        c.eval.checkpoint_every = 10;
        const RunSummary early = record(store, c, {}, 4);
        QVERIFY(resumeRefusal(store, early.run_id).find("before fine-tuning step 10") !=
                std::string::npos);
        const RunSummary later = record(store, c, {}, 11);
        ResumePoint point;
        QCOMPARE(resumeRefusal(store, later.run_id, &point), std::string());
        fs::remove(point.file);
        const std::string missing = resumeRefusal(store, later.run_id);
        QVERIFY2(missing.find("missing") != std::string::npos, missing.c_str());
        // Nothing was changed by the refusals.
        QCOMPARE(store.run(later.run_id).status, std::string(status::kStopped));
        QVERIFY(resumeRefusal(store, 999).find("no run 999") != std::string::npos);
    }

private:
    QTemporaryDir m_dir;
};

QTEST_APPLESS_MAIN(TestResume)
#include "test_resume.moc"
