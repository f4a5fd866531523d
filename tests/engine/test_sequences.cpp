// Task sequences (accuracy matrix and its metrics) and Wise-FT (exact ends, derived run).
#include <torch/torch.h>

#include <QTemporaryDir>
#include <QtTest>

#include "engine/analysis/internal/analysis_model.h"
#include "engine/measure/cl_metrics.h"
#include "engine/sessions/run_session.h"
#include "engine/train/runner.h"
#include "engine/models/internal/safetensors.h"
#include "engine/train/internal/sequence_runner.h"
#include "engine/analysis/wise_ft.h"

using namespace forgetlab;

namespace {

class Collector : public MetricSink {
public:
    void onMetrics(const std::vector<MetricPoint>& p) override {
        points.insert(points.end(), p.begin(), p.end());
    }
    void onEvent(int64_t, const std::string& kind, const std::string&) override {
        events.push_back(kind);
    }
    std::vector<MetricPoint> points;
    std::vector<std::string> events;
};

ExperimentConfig sequenceConfig(const std::string& head) {
    ExperimentConfig c;
    c.name = "seq";
    c.model.hidden = {32};
    c.model.head = head;
    c.downstream.optimizer.lr = 0.02;
    c.sequence.tasks = 3;
    c.sequence.kind = "split";
    c.sequence.steps_per_task = 40;
    c.sequence.train_size = 600;
    c.sequence.test_size = 150;
    c.eval.every = 20;
    return c;
}

}  // namespace

class TestSequences : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void splitTasks() {
        SequenceConfig sq;
        sq.tasks = 5;
        const auto t = sequenceTasks(sq);
        QCOMPARE(t.size(), size_t(5));
        QCOMPARE(t[0].classes, (std::vector<int>{0, 1}));
        QCOMPARE(t[4].classes, (std::vector<int>{8, 9}));
        sq.tasks = 3;  // uneven: 3, 3, 4 classes
        const auto u = sequenceTasks(sq);
        QCOMPARE(u[0].classes.size() + u[1].classes.size() + u[2].classes.size(), size_t(10));
        sq.kind = "permuted";
        const auto p = sequenceTasks(sq);
        QCOMPARE(p[0].permutation_seed, 0);
        QCOMPARE(p[2].permutation_seed, 2);
        QCOMPARE(p[1].classes.size(), size_t(10));
    }

    void sequenceFillsTheAccuracyMatrix() {
        for (const std::string head : {"shared", "multi"}) {
            Collector sink;
            RunControl control;
            const RunSummary s = Runner(sequenceConfig(head), RunnerOptions{}).run(sink, control);
            QCOMPARE(s.status, std::string(status::kDone));
            QCOMPARE(s.accuracy_matrix.size(), size_t(3));
            for (const auto& row : s.accuracy_matrix) QCOMPARE(row.size(), size_t(3));
            QCOMPARE(s.steps, int64_t(120));
            const ContinualMetrics m = continualMetrics(s.accuracy_matrix, s.initial_accuracy);
            QCOMPARE(s.avg_acc, m.avg_acc);
            QCOMPARE(s.forgetting, m.forgetting);
            QCOMPARE(s.bwt, m.bwt);
            QCOMPARE(s.fwt, m.fwt);
            // Each task is learned when trained on.
            for (int i = 0; i < 3; ++i) QVERIFY(s.accuracy_matrix[i][i] > 0.5);
            QCOMPARE(
                std::count(sink.events.begin(), sink.events.end(), std::string("accuracy_row")),
                3L);
            int task2 = 0;
            for (const auto& p : sink.points) task2 += p.key == "task2_acc";
            QCOMPARE(task2, 6);                                 // steps 20, 40, ..., 120
            if (head == "shared") QVERIFY(s.forgetting > 0.3);  // class-incremental forgets
        }
    }

    void replayReducesClassIncrementalForgetting() {
        ExperimentConfig plain = sequenceConfig("shared");
        ExperimentConfig replay = plain;
        replay.strategies.replay_ratio = 0.3;
        replay.strategies.replay_buffer = 500;
        Collector a, b;
        RunControl k1, k2;
        const RunSummary s1 = Runner(plain, RunnerOptions{}).run(a, k1);
        const RunSummary s2 = Runner(replay, RunnerOptions{}).run(b, k2);
        QVERIFY2(s2.forgetting < s1.forgetting,
                 qPrintable(QString("%1 vs %2").arg(s2.forgetting).arg(s1.forgetting)));
    }

    void wiseFtEndsAndDerivedRun() {
        QTemporaryDir dir;
        Store store(dir.filePath("runs.db").toStdString());
        ExperimentConfig c;
        c.name = "w";
        c.model.hidden = {16};
        c.upstream.steps = 30;
        c.upstream.task.train_size = 400;
        c.upstream.task.test_size = 100;
        c.downstream.steps = 30;
        c.downstream.task = {"classes", {5, 6, 7, 8, 9}, 1, 400, 100};
        c.eval.hessian_every = 0;
        RunControl control;
        const RunSummary s = runAndRecord(c, store, control);
        QCOMPARE(s.status, std::string(status::kDone));
        const ModelSource src = [&] {
            ModelSource m;
            m.config = c;
            for (const auto& row : store.checkpoints(s.run_id)) {
                if (row.tag == "pretrained") m.pretrainedFile = store.checkpointPath(row);
                if (row.tag == "final") m.checkpointFile = store.checkpointPath(row);
            }
            return m;
        }();
        const auto curve = wiseFtCurve(src, 11, 100);
        QCOMPARE(curve.size(), size_t(11));
        QCOMPARE(curve.front().alpha, 0.0);
        QCOMPARE(curve.back().alpha, 1.0);
        QCOMPARE(curve[5].alpha, 0.5);
        // alpha 0 is the pre-trained model, alpha 1 the fine-tuned one.
        QCOMPARE(curve.back().up_acc, s.upstream_acc_after);
        QVERIFY(curve.front().up_acc > curve.back().up_acc);

        // Apply at alpha 1 and 0: the derived runs' weights equal the checkpoints exactly.
        for (double alpha : {0.0, 1.0}) {
            const int64_t id = wiseFtApply(store, s.run_id, alpha, 100);
            const RunInfo info = store.run(id);
            QCOMPARE(info.status, std::string(status::kDone));
            QVERIFY(info.name.find("wise-ft") != std::string::npos);
            std::string derived;
            for (const auto& row : store.checkpoints(id))
                if (row.tag == "final") derived = store.checkpointPath(row);
            const auto got = loadSafetensors(derived);
            const auto want =
                loadSafetensors(alpha == 0.0 ? src.pretrainedFile : src.checkpointFile);
            QCOMPARE(got.size(), want.size());
            std::map<std::string, torch::Tensor> byName(want.begin(), want.end());
            for (const auto& [name, t] : got)
                QVERIFY2(torch::equal(t, byName.at(name)), name.c_str());
        }
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, wiseFtApply(store, s.run_id, 1.5));
    }
};

QTEST_APPLESS_MAIN(TestSequences)
#include "test_sequences.moc"
