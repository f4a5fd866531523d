// Per-example forgetting, the task transforms sweeps use, sweeps stored in the database
// (interrupted and resumed), and targeted replay, on small Fashion-MNIST tasks.
#include <torch/torch.h>

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <numeric>
#include <set>

#include <nlohmann/json.hpp>

#include "engine/measure/internal/example_forgetting.h"
#include "engine/data/fashion_mnist.h"
#include "engine/sessions/forgetting_sweep.h"
#include "engine/sessions/run_session.h"
#include "engine/data/internal/tasks.h"

using namespace forgetlab;

namespace {

ExperimentConfig tinyConfig() {
    ExperimentConfig c;
    c.name = "tiny";
    c.seed = 3;
    c.model.hidden = {24};
    c.upstream.task.train_size = 600;
    c.upstream.task.test_size = 200;
    c.upstream.steps = 60;
    c.downstream.task.classes = {5, 6, 7};
    c.downstream.task.train_size = 400;
    c.downstream.task.test_size = 150;
    c.downstream.steps = 20;
    c.eval.every = 10;
    c.eval.hessian_every = 0;
    c.eval.probe_size = 32;
    c.eval.example_losses = 80;
    return c;
}

SweepConfig tinySweep() {
    SweepConfig s;
    s.families = {"pair", "rotate"};  // 3 pairs of {5,6,7} + 2 rotations
    s.per_family = 2;
    s.steps = 6;
    s.examples = 80;
    return s;
}

}  // namespace

class TestForgettingSweep : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void trackedIndicesAreSeededDistinctAndSorted() {
        const auto a = trackedExampleIndices(500, 100, 7);
        const auto b = trackedExampleIndices(500, 100, 7);
        const auto c = trackedExampleIndices(500, 100, 8);
        QCOMPARE(a, b);
        QVERIFY(a != c);
        QCOMPARE(a.size(), size_t(100));
        QVERIFY(std::is_sorted(a.begin(), a.end()));
        QCOMPARE(std::set<int64_t>(a.begin(), a.end()).size(), size_t(100));
        QVERIFY(a.back() < 500 && a.front() >= 0);
        QCOMPARE(trackedExampleIndices(30, 100, 7).size(), size_t(30));  // capped by the pool
    }

    void exampleLossesMatchCrossEntropyPerRow() {
        torch::manual_seed(0);
        auto model = buildModel(ModelConfig{}, {10});
        DataSplit split{torch::randn({50, 784}), torch::randint(0, 10, {50}, torch::kInt64)};
        const std::vector<int64_t> idx = {3, 17, 42};
        const auto losses = exampleLosses(*model, split, idx, 0);
        QCOMPARE(losses.size(), size_t(3));
        torch::NoGradGuard g;
        model->eval();
        for (size_t i = 0; i < idx.size(); ++i) {
            auto x = split.input[idx[i]].unsqueeze(0);
            auto y = split.target[idx[i]].unsqueeze(0);
            const double expected =
                torch::nn::functional::cross_entropy(model->forward(x, 0), y).item<double>();
            QVERIFY2(std::abs(losses[i] - expected) < 1e-5, qPrintable(QString::number(losses[i])));
        }
    }

    void labelPermutationIsASeededDerangement() {
        const auto id = labelPermutation(5, 0);
        QCOMPARE(id, (std::vector<int>{0, 1, 2, 3, 4}));
        for (int seed = 1; seed <= 6; ++seed) {
            const auto p = labelPermutation(5, seed);
            QCOMPARE(p, labelPermutation(5, seed));
            std::vector<int> sorted = p;
            std::sort(sorted.begin(), sorted.end());
            QCOMPARE(sorted, id);
            for (int i = 0; i < 5; ++i) QVERIFY(p[size_t(i)] != i);
        }
    }

    void taskTransformsChangeInputsAndLabelsAsConfigured() {
        auto data = loadFashionMnist(ExperimentConfig{}.data_dir);
        ModelConfig shared;
        TaskConfig plain;
        plain.classes = {5, 6, 7};
        plain.train_size = 50;
        plain.test_size = 20;
        const Task base = buildFashionTask(*data, plain, shared, 1, 9);

        // A rotation by 360 degrees gives back the image (up to interpolation round-off);
        // 180 degrees maps pixel (y, x) to (27 - y, 27 - x).
        TaskConfig full = plain;
        full.rotation = 360;
        QVERIFY(torch::allclose(buildFashionTask(*data, full, shared, 1, 9).train.input,
                                base.train.input, 1e-4, 1e-4));
        TaskConfig half = plain;
        half.rotation = 180;
        const auto rotated =
            buildFashionTask(*data, half, shared, 1, 9).train.input.view({-1, 28, 28});
        QVERIFY(
            torch::allclose(rotated, base.train.input.view({-1, 28, 28}).flip({1, 2}), 1e-4, 1e-4));

        // Noise: same examples, inputs differ by Gaussian noise of the given std.
        TaskConfig noisy = plain;
        noisy.noise = 0.5;
        const Task n = buildFashionTask(*data, noisy, shared, 1, 9);
        QVERIFY(torch::equal(n.train.target, base.train.target));
        const double sd = (n.train.input - base.train.input).std().item<double>();
        QVERIFY2(std::abs(sd - 0.5) < 0.02, qPrintable(QString::number(sd)));

        // Label permutation: same inputs, labels mapped through the derangement.
        TaskConfig perm = plain;
        perm.label_permutation_seed = 2;
        const Task p = buildFashionTask(*data, perm, shared, 1, 9);
        QVERIFY(torch::equal(p.train.input, base.train.input));
        const auto map = labelPermutation(3, 2);
        for (int64_t i = 0; i < base.train.size(); ++i) {
            const int orig = static_cast<int>(base.train.target[i].item<int64_t>());
            const int pos =
                static_cast<int>(std::find(plain.classes.begin(), plain.classes.end(), orig) -
                                 plain.classes.begin());
            QCOMPARE(p.train.target[i].item<int64_t>(),
                     int64_t(plain.classes[size_t(map[size_t(pos)])]));
        }
    }

    void sweepPlanListsFamiliesInOrder() {
        ExperimentConfig c = tinyConfig();
        SweepConfig s;
        s.families = {"class", "pair", "noise", "labelperm", "permute", "rotate"};
        s.per_family = 3;
        const auto plan = sweepPlan(c, s);
        QCOMPARE(plan.size(), size_t(3 + 3 + 4 * 3));
        QCOMPARE(QString::fromStdString(plan[0].name), QString("class 5"));
        QCOMPARE(QString::fromStdString(plan[3].name), QString("pair 5+6"));
        QCOMPARE(plan[3].task.classes, (std::vector<int>{5, 6}));
        QCOMPARE(plan[6].task.noise, 0.5);
        QCOMPARE(plan[9].task.label_permutation_seed, 1);
        QCOMPARE(QString::fromStdString(plan[12].task.kind), QString("permuted"));
        QCOMPARE(plan[17].task.rotation, 90.0);
        s.families = {"pairs"};
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, sweepPlan(c, s));
    }

    // A run records every tracked example's loss before and after fine-tuning.
    void runStoresExampleLossesBeforeAndAfter() {
        QTemporaryDir dir;
        Store store((dir.path() + "/runs.db").toStdString());
        RunControl control;
        const RunSummary s = runAndRecord(tinyConfig(), store, control);
        QCOMPARE(QString::fromStdString(s.status), QString("done"));
        const auto rows = store.exampleLosses(s.run_id);
        QCOMPARE(rows.size(), size_t(2));
        QCOMPARE(rows[0].step, int64_t(0));
        QCOMPARE(rows[1].step, int64_t(20));
        QCOMPARE(rows[0].losses.size(), size_t(80));
        double mean = 0;
        int forgotten = 0;
        for (size_t j = 0; j < 80; ++j) {
            const double z = double(rows[1].losses[j]) - double(rows[0].losses[j]);
            mean += z / 80.0;
            forgotten += z > 0;
        }
        QCOMPARE(s.examples_tracked, int64_t(80));
        QVERIFY(std::abs(s.example_forgetting_mean - mean) < 1e-9);
        QVERIFY(std::abs(s.example_forgotten_fraction - forgotten / 80.0) < 1e-12);
        QVERIFY(mean > 0);  // fine-tuning on new classes makes the old examples' loss rise
    }

    // Stopped after two rows, a sweep keeps them; resuming finishes the rest and gives
    // the same matrix as an uninterrupted sweep.
    void sweepInterruptedAndResumedKeepsFinishedRows() {
        QTemporaryDir dir;
        Store store((dir.path() + "/runs.db").toStdString());
        RunControl runControl;
        const RunSummary source = runAndRecord(tinyConfig(), store, runControl);
        QCOMPARE(QString::fromStdString(source.status), QString("done"));

        const int64_t id = createSweep(store, source.run_id, tinySweep(), "resume test");
        RunControl control;
        SweepResult first = runSweep(store, id, control, [&](const SweepProgress& p) {
            if (p.done >= 2) control.requestStop();
        });
        QCOMPARE(QString::fromStdString(first.status), QString("stopped"));
        const auto kept = store.matrixRows(id);
        QCOMPARE(kept.size(), size_t(2));
        QCOMPARE(QString::fromStdString(store.matrixInfo(id).status), QString("stopped"));

        RunControl again;
        int resumedRows = 0;
        const SweepResult second = runSweep(store, id, again, [&](const SweepProgress& p) {
            if (p.row_fraction == 0) ++resumedRows;
        });
        QCOMPARE(QString::fromStdString(second.status), QString("done"));
        QCOMPARE(second.rows_done, 5);
        QCOMPARE(resumedRows, 3);  // only the missing rows ran
        const auto all = store.matrixRows(id);
        QCOMPARE(all.size(), size_t(5));
        for (size_t i = 0; i < 2; ++i) QCOMPARE(all[i].values, kept[i].values);

        const int64_t fresh = createSweep(store, source.run_id, tinySweep(), "fresh");
        RunControl c3;
        runSweep(store, fresh, c3);
        const ForgetMatrix a = loadStoredMatrix(store, id), b = loadStoredMatrix(store, fresh);
        QCOMPARE(a.rows, int64_t(5));
        QCOMPARE(a.cols, int64_t(80));
        QCOMPARE(a.values, b.values);  // deterministic, interrupted or not
        QCOMPARE(QString::fromStdString(a.row_names[3]), QString("rotate 30°"));
        QCOMPARE(QString::fromStdString(a.col_names[0]).left(2), QString("up"));

        // A row's z equals the change of the tracked losses of the same fine-tuning run.
        ExperimentConfig row = tinyConfig();
        row.downstream.task = sweepPlan(tinyConfig(), tinySweep())[0].task;
        row.downstream.steps = 6;
        row.eval.every = 6;
        RunControl c4;
        const RunSummary direct = runAndRecord(row, store, c4);
        const auto losses = store.exampleLosses(direct.run_id);
        for (int64_t j = 0; j < 80; j += 13)
            QVERIFY(std::abs(a.at(0, j) - (double(losses[1].losses[size_t(j)]) -
                                           double(losses[0].losses[size_t(j)]))) < 1e-6);
    }

    // A language model's sweep: one row per German fortune file (largest first), z the
    // change of each tracked English fortune's log-perplexity; image families refused.
    void languageSweepOverFortuneDomains() {
        ExperimentConfig lm;
        lm.name = "tiny-lm";
        lm.seed = 4;
        lm.model.kind = "gpt";
        lm.model.n_layer = 1, lm.model.n_head = 2, lm.model.n_embd = 16, lm.model.context = 24;
        for (PhaseConfig* p : {&lm.upstream, &lm.downstream}) {
            p->task.kind = "text";
            p->task.train_size = 150;
            p->task.test_size = 30;
            p->batch_size = 8;
            p->optimizer.name = "adamw";
            p->optimizer.lr = 0.003;
        }
        lm.downstream.task.language = "de";
        lm.upstream.steps = 10;
        lm.downstream.steps = 4;
        lm.eval.every = 4;
        lm.eval.hessian_every = 0;
        lm.eval.probe_size = 8;
        lm.eval.example_losses = 30;
        lm.eval.samples_every = 0;
        SweepConfig s;
        s.families = {"domain"};
        s.per_family = 2;
        s.steps = 3;
        s.examples = 30;
        const auto plan = sweepPlan(lm, s);
        QCOMPARE(plan.size(), size_t(2));
        QCOMPARE(QString::fromStdString(plan[0].name),
                 QString("domain de/zitate"));  // the largest file
        QCOMPARE(plan[0].task.domains, std::vector<std::string>{"zitate"});
        QCOMPARE(plan[0].task.test_size + plan[0].task.train_size,
                 180);  // capped by the phase sizes
        QVERIFY(plan[1].task.domains.front() != "zitate");

        QTemporaryDir dir;
        Store store((dir.path() + "/runs.db").toStdString());
        RunControl control;
        const RunSummary source = runAndRecord(lm, store, control);
        QVERIFY2(source.status == "done", source.error.c_str());
        const int64_t id = createSweep(store, source.run_id, SweepConfig{s.families, 2, 3, 30});
        RunControl c2;
        const SweepResult r = runSweep(store, id, c2);
        QVERIFY2(r.status == "done", r.error.c_str());
        const ForgetMatrix z = loadStoredMatrix(store, id);
        QCOMPARE(z.rows, int64_t(2));
        QCOMPARE(z.cols, int64_t(30));
        for (double v : z.values) QVERIFY(std::isfinite(v));
        const auto rows = store.matrixRows(id);
        QVERIFY(nlohmann::json::parse(rows[0].extra_json).contains("upstream_logppl_after"));
        // The default families of a language run are its domains.
        SweepConfig defaults;
        defaults.per_family = 1;
        defaults.steps = 2;
        defaults.examples = 30;
        QCOMPARE(QString::fromStdString(
                     store.matrixInfo(createSweep(store, source.run_id, defaults)).config_json)
                     .contains("\"domain\""),
                 true);

        SweepConfig images = s;
        images.families = {"rotate"};
        try {
            sweepPlan(lm, images);
            QFAIL("an image family must be refused for a language model");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(QString(e.what()).contains("domain"), e.what());
        }
        try {
            sweepPlan(tinyConfig(), s);
            QFAIL("the domain family must be refused for an image model");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(QString(e.what()).contains("language"), e.what());
        }
    }

    void sweepRefusedWhenCheckpointMissing() {
        QTemporaryDir dir;
        Store store((dir.path() + "/runs.db").toStdString());
        RunControl control;
        const RunSummary source = runAndRecord(tinyConfig(), store, control);
        for (const auto& c : store.checkpoints(source.run_id))
            if (c.tag == "pretrained") std::filesystem::remove(store.checkpointPath(c));
        const size_t before = store.listMatrices().size();
        try {
            createSweep(store, source.run_id, tinySweep());
            QFAIL("a sweep without its checkpoint must be refused");
        } catch (const std::runtime_error& e) {
            QVERIFY2(QString(e.what()).contains("missing"), e.what());
        }
        QCOMPARE(store.listMatrices().size(), before);  // nothing stored
        QVERIFY_THROWS_EXCEPTION(StoreError, createSweep(store, 999, tinySweep()));
    }

    void targetedReplayKeepsPredictedMostForgotten() {
        QTemporaryDir dir;
        Store store((dir.path() + "/runs.db").toStdString());
        RunControl control;
        const RunSummary source = runAndRecord(tinyConfig(), store, control);
        const int64_t id = createSweep(store, source.run_id, tinySweep());
        runSweep(store, id, control);

        ExperimentConfig t = tinyConfig();
        t.strategies.replay_ratio = 0.25;
        t.strategies.replay_buffer = 20;
        t.strategies.replay_select = "targeted";
        t.strategies.replay_matrix = id;
        t.strategies.replay_probe = 10;
        t.strategies.replay_probe_steps = 5;
        const RunSummary s = runAndRecord(t, store, control);
        QCOMPARE(QString::fromStdString(s.status), QString("done"));
        const auto sel = nlohmann::json::parse(s.replay_selection);
        QCOMPARE(sel.at("buffer").get<int>(), 20);
        QCOMPARE(sel.at("probe").get<int>(), 10);
        // The chosen examples are predicted to be forgotten more than the average one.
        QVERIFY(sel.at("predicted_mean_chosen").get<double>() >=
                sel.at("predicted_mean_all").get<double>());
        bool evented = false;
        for (const auto& e : store.events(s.run_id)) evented |= e.kind == "targeted_replay";
        QVERIFY(evented);

        // A matrix over other examples is refused with the reason.
        ExperimentConfig wrong = t;
        wrong.eval.example_losses = 40;
        const RunSummary w = runAndRecord(wrong, store, control);
        QCOMPARE(QString::fromStdString(w.status), QString("failed"));
        QVERIFY2(QString::fromStdString(w.error).contains("columns"), w.error.c_str());
        ExperimentConfig missing = t;
        missing.strategies.replay_matrix = 77;
        const RunSummary m = runAndRecord(missing, store, control);
        QCOMPARE(QString::fromStdString(m.status), QString("failed"));
        QVERIFY2(QString::fromStdString(m.error).contains("#77"), m.error.c_str());
    }

    void importedMatrixRoundTripsThroughTheStore() {
        QTemporaryDir dir;
        Store store((dir.path() + "/runs.db").toStdString());
        ForgetMatrix z;
        z.rows = 2;
        z.cols = 3;
        z.values = {0.5, -1.25, 2.0, 1e-9, 3.0, -0.125};
        z.row_names = {"a", "b"};
        z.col_names = {"x", "y", "w"};
        const int64_t id = importMatrix(store, z, "imported");
        const ForgetMatrix back = loadStoredMatrix(store, id);
        QCOMPARE(back.values, z.values);
        QCOMPARE(back.row_names, z.row_names);
        QCOMPARE(back.col_names, z.col_names);
        const MatrixInfo info = store.matrixInfo(id);
        QCOMPARE(QString::fromStdString(info.source), QString("csv"));
        QCOMPARE(info.rows_done, int64_t(2));
        store.deleteMatrix(id);
        QVERIFY_THROWS_EXCEPTION(StoreError, store.matrixInfo(id));
    }
};

QTEST_APPLESS_MAIN(TestForgettingSweep)
#include "test_forgetting_sweep.moc"
