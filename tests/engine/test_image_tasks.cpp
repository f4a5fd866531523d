// A person's own images, CSV table and IDX pair as training tasks (issue 15, item 4), on
// small, easily separable data the test writes itself: the tasks' shapes, class subsets,
// label and pixel permutations, rotation and noise, the split (an IDX folder's t10k pair, a
// seeded fifth held out otherwise) and its determinism, the standardisation, the model's
// input shape from the data, the configuration checks, and real runs that train and store
// their metrics (MLP on each source, CNN on RGB images), analyse, sweep and repeat by seed.
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <random>
#include <tuple>

#include <stb_image_write.h>

#include "engine/core/config.h"
#include "engine/core/names.h"
#include "engine/data/data_files.h"
#include "engine/data/idx_reader.h"
#include "engine/data/input_shape.h"
#include "engine/data/internal/experiment_tasks.h"
#include "engine/models/internal/models.h"
#include "engine/sessions/analysis_session.h"
#include "engine/sessions/forgetting_sweep.h"
#include "engine/sessions/run_session.h"
#include "engine/sessions/seed_set.h"
#include "engine/train/internal/step_loop.h"
#include "tests/engine/test_device.h"

using namespace forgetlab;
namespace fs = std::filesystem;

namespace {

constexpr int kClasses = 4;
constexpr int kImagesPerClass = 40;           // a fifth (8) of each held out
constexpr int kRowsPerClass = 100;            // a fifth (20) of each held out
constexpr int kIdxTrain = 50, kIdxTest = 20;  // per class

// An image folder of 20 x 20 RGB PNGs, one subfolder per class: class k is mostly red,
// green, blue or grey, with per-pixel noise.
void writeImageFolder(const std::string& dir) {
    const int colours[kClasses][3] = {{220, 40, 40}, {40, 220, 40}, {40, 40, 220}, {150, 150, 150}};
    std::mt19937 rng(11);
    std::uniform_int_distribution<int> noise(-30, 30);
    for (int k = 0; k < kClasses; ++k) {
        const std::string sub = dir + "/class" + std::to_string(k);
        fs::create_directories(sub);
        for (int i = 0; i < kImagesPerClass; ++i) {
            std::vector<uint8_t> px(20 * 20 * 3);
            for (size_t p = 0; p < px.size(); ++p)
                px[p] = uint8_t(std::clamp(colours[k][p % 3] + noise(rng), 0, 255));
            const std::string file = sub + "/img" + std::to_string(100 + i) + ".png";
            QVERIFY(stbi_write_png(file.c_str(), 20, 20, 3, px.data(), 20 * 3));
        }
    }
}

// A CSV with the label column "y" between the features; f2 is in the thousands and f3 is
// constant, so only a per-column standardisation makes them comparable.
void writeCsv(const std::string& path) {
    std::mt19937 rng(12);
    std::normal_distribution<double> g(0.0, 0.3);
    std::vector<std::string> rows;
    for (int k = 0; k < kClasses; ++k)
        for (int i = 0; i < kRowsPerClass; ++i) {
            char line[200];
            std::snprintf(line, sizeof line, "%.5f,%.5f,%d,%.3f,7\n", k + g(rng), (k % 2) + g(rng),
                          k, 1000.0 * (k / 2) + 300 * g(rng));
            rows.push_back(line);
        }
    std::shuffle(rows.begin(), rows.end(), rng);
    std::ofstream out(path);
    out << "f0,f1,y,f2,f3\n";
    for (const auto& r : rows) out << r;
}

// An IDX folder of 12 x 12 images (train pair gzip-compressed, t10k pair plain): class k
// has a bright band in rows 3k to 3k + 2.
void writeIdxFolder(const std::string& dir) {
    fs::create_directories(dir);
    std::mt19937 rng(13);
    std::uniform_int_distribution<int> noise(0, 40);
    auto make = [&](int perClass, IdxArray& images, IdxArray& labels) {
        images.dims = {perClass * kClasses, 12, 12};
        labels.dims = {perClass * kClasses};
        for (int i = 0; i < perClass * kClasses; ++i) {
            const int k = i % kClasses;
            labels.data.push_back(uint8_t(k));
            for (int y = 0; y < 12; ++y)
                for (int x = 0; x < 12; ++x)
                    images.data.push_back(uint8_t(noise(rng) + (y / 3 == k ? 200 : 0)));
        }
    };
    IdxArray trImg, trLbl, teImg, teLbl;
    make(kIdxTrain, trImg, trLbl);
    make(kIdxTest, teImg, teLbl);
    writeIdxGz(dir + "/train-images-idx3-ubyte.gz", trImg);
    writeIdxGz(dir + "/train-labels-idx1-ubyte.gz", trLbl);
    writeIdx(dir + "/t10k-images-idx3-ubyte", teImg);
    writeIdx(dir + "/t10k-labels-idx1-ubyte", teLbl);
}

// Classes 0, 1 upstream, 2, 3 downstream, from one source; small enough to run in seconds.
ExperimentConfig ownRun(const std::string& source, const std::string& path) {
    ExperimentConfig c;
    c.name = "own " + source;
    c.seed = 4;
    c.device = test::testDevice();
    c.model.hidden = {32};
    for (PhaseConfig* p : {&c.upstream, &c.downstream}) {
        p->task.source = source;
        p->task.path = path;
        p->task.train_size = 1000;
        p->task.test_size = 1000;
        p->task.image_size = 16;
        p->task.channels = 3;
        p->task.label_column = "y";
        p->batch_size = 32;
    }
    c.upstream.task.classes = {0, 1};
    c.downstream.task.classes = {2, 3};
    c.upstream.steps = 60;
    c.downstream.steps = 40;
    c.eval.every = 20;
    c.eval.hessian_every = 0;
    c.eval.probe_size = 32;
    c.eval.example_losses = 40;
    return c;
}

bool hasError(const std::vector<ConfigError>& errors, const std::string& field,
              const std::string& part) {
    for (const auto& e : errors)
        if (e.field == field && e.message.find(part) != std::string::npos) return true;
    return false;
}

std::string dataErrorOf(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const DataError& e) {
        return e.what();
    }
    return "(no DataError)";
}

// Whether any row of a equals any row of b.
bool sharesRow(const torch::Tensor& a, const torch::Tensor& b) {
    return (a.unsqueeze(1) == b.unsqueeze(0)).all(-1).any().item<bool>();
}

std::vector<int64_t> values(const torch::Tensor& t) {
    const torch::Tensor c = t.contiguous();
    return {c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel()};
}

}  // namespace

class TestImageTasks : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string m_images, m_csv, m_idx;

    std::string dbPath() const { return (m_dir.path() + "/runs.db").toStdString(); }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        const std::string d = m_dir.path().toStdString();
        m_images = d + "/images";
        m_csv = d + "/table.csv";
        m_idx = d + "/idx";
        writeImageFolder(m_images);
        writeCsv(m_csv);
        writeIdxFolder(m_idx);
    }

    void inputShapesFromHeaders() {
        QCOMPARE(taskInputShape(ownRun("images", m_images).upstream.task),
                 InputShape::image(3, 16, 16));
        QCOMPARE(taskInputShape(ownRun("csv", m_csv).upstream.task), InputShape::table(4));
        QCOMPARE(taskInputShape(ownRun("idx", m_idx).upstream.task), InputShape::image(1, 12, 12));
        QCOMPARE(taskInputShape(ExperimentConfig{}.upstream.task), InputShape::image(1, 28, 28));
        QCOMPARE(InputShape{}, InputShape::image(1, 28, 28));
        QCOMPARE(InputShape::table(4).text(), std::string("4 features"));
        QCOMPARE(InputShape::image(3, 16, 16).text(), std::string("3 x 16 x 16 RGB images"));
        ExperimentConfig bad = ownRun("csv", m_csv);
        bad.upstream.task.label_column = "label";
        QVERIFY(dataErrorOf([&] { taskInputShape(bad.upstream.task); }).find("\"label\"") !=
                std::string::npos);
    }

    void tasksFromEachSource() {
        struct Case {
            std::string source, path;
            InputShape shape;
            int64_t upTrain, upTest;  // classes 0 and 1 with train/test sizes above the pools
        };
        const std::vector<Case> cases = {
            {"images", m_images, InputShape::image(3, 16, 16), 2 * 32, 2 * 8},
            {"csv", m_csv, InputShape::table(4), 2 * 80, 2 * 20},
            {"idx", m_idx, InputShape::image(1, 12, 12), 2 * kIdxTrain, 2 * kIdxTest}};
        for (const Case& k : cases) {
            const ExperimentConfig c = ownRun(k.source, k.path);
            QVERIFY2(validateConfig(c).empty(), formatErrors(validateConfig(c)).c_str());
            const ExperimentTasks t = buildExperimentTasks(c);
            QCOMPARE(t.input, k.shape);
            QCOMPARE(t.heads, std::vector<int>{kClasses});  // shared head: the source's classes
            QCOMPARE(t.up.num_outputs, kClasses);
            QCOMPARE(t.up.train.size(), k.upTrain);
            QCOMPARE(t.up.test.size(), k.upTest);
            QCOMPARE(t.up.train.input.sizes(), (torch::IntArrayRef{k.upTrain, k.shape.features}));
            QCOMPARE(t.up.train.target.dtype(), torch::kInt64);
            QVERIFY(t.up.train.target.lt(2).all().item<bool>());
            QVERIFY(t.down.train.target.ge(2).all().item<bool>());
            // Both classes of each task are there.
            QCOMPARE(std::get<0>(torch::_unique(t.up.test.target)).numel(), int64_t(2));
            QCOMPARE(std::get<0>(torch::_unique(t.down.train.target)).numel(), int64_t(2));

            // Determinism: the same config, the same tensors.
            const ExperimentTasks again = buildExperimentTasks(c);
            QVERIFY(torch::equal(again.up.train.input, t.up.train.input));
            QVERIFY(torch::equal(again.down.test.target, t.down.test.target));

            // train_size and test_size cap the draw.
            ExperimentConfig small = c;
            small.upstream.task.train_size = 10;
            small.upstream.task.test_size = 5;
            const ExperimentTasks s = buildExperimentTasks(small);
            QCOMPARE(s.up.train.size(), int64_t(10));
            QCOMPARE(s.up.test.size(), int64_t(5));

            // The split does not depend on the task: what the downstream phase trains on
            // (the same classes, relabelled) is never an upstream test example.
            ExperimentConfig same = c;
            same.downstream.task.classes = {0, 1};
            same.downstream.task.label_permutation_seed = 1;
            const ExperimentTasks u = buildExperimentTasks(same);
            QVERIFY(!sharesRow(u.up.test.input, u.down.train.input));
            QVERIFY(sharesRow(u.up.train.input, u.down.train.input));
        }
    }

    void seededSplitAndStandardisation() {
        ExperimentConfig c = ownRun("csv", m_csv);
        c.upstream.task.classes = {0, 1, 2, 3};
        const ExperimentTasks t = buildExperimentTasks(c);
        QCOMPARE(t.up.train.size(), int64_t(kClasses * 80));
        QCOMPARE(t.up.test.size(), int64_t(kClasses * 20));
        // Every training example of every class: each column has mean 0 and std 1; the
        // constant column f3 stays 0 (std taken as 1).
        const torch::Tensor x = t.up.train.input;
        QVERIFY(x.mean(0).slice(0, 0, 3).abs().max().item<float>() < 1e-4f);
        QVERIFY((x.std(0, /*unbiased=*/false).slice(0, 0, 3) - 1).abs().max().item<float>() <
                1e-3f);
        QVERIFY(x.select(1, 3).abs().max().item<float>() == 0.0f);
        // Another seed holds out other rows.
        ExperimentConfig other = c;
        other.seed = 5;
        const ExperimentTasks o = buildExperimentTasks(other);
        QCOMPARE(o.up.test.size(), t.up.test.size());
        QVERIFY(!torch::equal(o.up.test.input, t.up.test.input));

        // Images: per channel over the training part.
        ExperimentConfig img = ownRun("images", m_images);
        img.upstream.task.classes = {0, 1, 2, 3};
        const torch::Tensor px = buildExperimentTasks(img).up.train.input.view({-1, 3, 256});
        const torch::Tensor perChannel = px.transpose(0, 1).reshape({3, -1});
        QVERIFY(perChannel.mean(1).abs().max().item<float>() < 1e-4f);
        QVERIFY((perChannel.std(1, false) - 1).abs().max().item<float>() < 1e-3f);

        // An IDX folder's own split: the t10k pair is the test split.
        ExperimentConfig idx = ownRun("idx", m_idx);
        idx.upstream.task.classes = {0, 1, 2, 3};
        const ExperimentTasks it = buildExperimentTasks(idx);
        QCOMPARE(it.up.train.size(), int64_t(kClasses * kIdxTrain));
        QCOMPARE(it.up.test.size(), int64_t(kClasses * kIdxTest));
    }

    void classSubsetsLabelsAndTransforms() {
        const ExperimentConfig base = ownRun("images", m_images);
        ExperimentConfig c = base;
        c.upstream.task.classes = {1, 3};
        const Task plain = buildExperimentTasks(c).up;
        QCOMPARE(std::get<0>(torch::_unique(plain.train.target)).sizes(), torch::IntArrayRef{2});
        QVERIFY((plain.train.target.eq(1) | plain.train.target.eq(3)).all().item<bool>());
        // Label permutation: the same examples, classes 1 and 3 swap labels.
        ExperimentConfig lp = c;
        lp.upstream.task.label_permutation_seed = 1;
        const Task swapped = buildExperimentTasks(lp).up;
        QVERIFY(torch::equal(swapped.train.input, plain.train.input));
        QVERIFY(torch::equal(swapped.train.target, 4 - plain.train.target));
        // Multi-head: targets are positions in task.classes, one head per task.
        ExperimentConfig multi = c;
        multi.model.head = "multi";
        const ExperimentTasks m = buildExperimentTasks(multi);
        QCOMPARE(m.heads, (std::vector<int>{2, 2}));
        QCOMPARE(values(m.up.train.target), values(plain.train.target.eq(3).to(torch::kInt64)));
        // Permuted: the same pixel permutation in every channel.
        ExperimentConfig perm = c;
        perm.upstream.task.kind = "permuted";
        perm.upstream.task.permutation_seed = 2;
        const Task p = buildExperimentTasks(perm).up;
        const torch::Tensor index = torch::tensor(pixelPermutation(2, 256), torch::kInt64);
        QVERIFY(torch::equal(p.train.input.view({-1, 3, 256}),
                             plain.train.input.view({-1, 3, 256}).index_select(2, index)));
        QVERIFY(!torch::equal(p.train.input, plain.train.input));
        // Rotation by a full turn is the identity (up to rounding); by 90 degrees it is not.
        ExperimentConfig turn = c;
        turn.upstream.task.rotation = 360;
        QVERIFY(torch::allclose(buildExperimentTasks(turn).up.train.input, plain.train.input, 1e-4,
                                1e-4));
        turn.upstream.task.rotation = 90;
        QVERIFY(!torch::allclose(buildExperimentTasks(turn).up.train.input, plain.train.input, 1e-2,
                                 1e-2));
        // Noise of std 0.5 on the standardised values.
        ExperimentConfig noisy = c;
        noisy.upstream.task.noise = 0.5;
        const float sd =
            (buildExperimentTasks(noisy).up.train.input - plain.train.input).std().item<float>();
        QVERIFY2(std::abs(sd - 0.5f) < 0.02f, std::to_string(sd).c_str());
        // A table's features are permuted as columns.
        ExperimentConfig table = ownRun("csv", m_csv);
        const Task tp = buildExperimentTasks(table).up;
        table.upstream.task.kind = "permuted";
        table.upstream.task.permutation_seed = 3;
        const torch::Tensor cols = torch::tensor(pixelPermutation(3, 4), torch::kInt64);
        QVERIFY(torch::equal(buildExperimentTasks(table).up.train.input,
                             tp.train.input.index_select(1, cols)));
    }

    void mixedSourcesAndBadConfigs() {
        // Fashion-MNIST's shape is 1 x 28 x 28: grey 28 x 28 images agree with it, and the
        // shared head counts the larger source's classes.
        ExperimentConfig mixed;
        mixed.upstream.task.train_size = 50;
        mixed.upstream.task.test_size = 20;
        mixed.downstream.task = ownRun("images", m_images).downstream.task;
        mixed.downstream.task.image_size = 28;
        mixed.downstream.task.channels = 1;
        QVERIFY2(validateConfig(mixed).empty(), formatErrors(validateConfig(mixed)).c_str());
        const ExperimentTasks t = buildExperimentTasks(mixed);
        QCOMPARE(t.input, InputShape::image(1, 28, 28));
        QCOMPARE(t.heads, std::vector<int>{10});
        QCOMPARE(t.down.train.input.size(1), int64_t(784));

        // Shapes that differ: named at validation and when the tasks are built.
        ExperimentConfig differ = ownRun("images", m_images);
        differ.downstream.task.image_size = 8;
        QVERIFY(hasError(validateConfig(differ), "downstream.task.source", "3 x 8 x 8"));
        const std::string msg = dataErrorOf([&] { buildExperimentTasks(differ); });
        QVERIFY2(msg.find("3 x 16 x 16") != std::string::npos &&
                     msg.find("3 x 8 x 8") != std::string::npos,
                 msg.c_str());
        ExperimentConfig tableVsImage = ownRun("csv", m_csv);
        tableVsImage.downstream.task = ownRun("idx", m_idx).downstream.task;
        QVERIFY(hasError(validateConfig(tableVsImage), "downstream.task.source", "4 features"));

        // A CNN or a rotation on a table, a sequence on own data: refused at validation.
        ExperimentConfig cnn = ownRun("csv", m_csv);
        cnn.model.kind = "cnn";
        QVERIFY(hasError(validateConfig(cnn), "model.kind", "table"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 buildModel(cnn.model, {4}, InputShape::table(4)));
        ExperimentConfig rot = ownRun("csv", m_csv);
        rot.downstream.task.rotation = 30;
        QVERIFY(hasError(validateConfig(rot), "downstream.task.rotation", "table"));
        QVERIFY(dataErrorOf([&] { buildExperimentTasks(rot); }).find("rotation") !=
                std::string::npos);
        ExperimentConfig seq = ownRun("idx", m_idx);
        seq.sequence.tasks = 2;
        QVERIFY(hasError(validateConfig(seq), "sequence.tasks", "Fashion-MNIST"));
        // A class the source lacks.
        ExperimentConfig out = ownRun("idx", m_idx);
        out.downstream.task.classes = {3, 4};
        QVERIFY(dataErrorOf([&] { buildExperimentTasks(out); }).find("class 4") !=
                std::string::npos);
        // A sweep cannot rotate a table.
        SweepConfig rotate;
        rotate.families = {"rotate"};
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, sweepPlan(ownRun("csv", m_csv), rotate));
    }

    void modelInputComesFromTheData() {
        ModelConfig mlp;
        mlp.hidden = {8};
        auto m = buildModel(mlp, {3}, InputShape::table(5));
        QCOMPARE(m->forward(torch::randn({2, 5}), 0).sizes(), (torch::IntArrayRef{2, 3}));
        QCOMPARE(m->inputShape(), InputShape::table(5));
        ModelConfig cnn = mlp;
        cnn.kind = "cnn";
        for (const InputShape& shape : {InputShape::image(3, 16, 16), InputShape::image(1, 12, 10),
                                        InputShape::image(1, 28, 28)}) {
            auto c = buildModel(cnn, {4}, shape);
            QCOMPARE(c->forward(torch::randn({2, shape.features}), 0).sizes(),
                     (torch::IntArrayRef{2, 4}));
            // A frozen copy (LwF's teacher) is built for the same shape.
            auto copy = frozenCopy(*c, cnn, {4});
            QCOMPARE(copy->inputShape(), shape);
            const torch::Tensor x = torch::randn({3, shape.features});
            QVERIFY(torch::equal(copy->forward(x, 0), c->forward(x, 0)));
        }
        // The default is Fashion-MNIST's, as before.
        QCOMPARE(buildModel(cnn, {10})->inputShape(), InputShape::image(1, 28, 28));
    }

    void trainsOnEachSource() {
        Store store(dbPath());
        for (const auto& [source, path, kind] :
             {std::tuple<std::string, std::string, std::string>{"images", m_images, "mlp"},
              {"csv", m_csv, "mlp"},
              {"idx", m_idx, "mlp"},
              {"images", m_images, "cnn"}}) {
            ExperimentConfig c = ownRun(source, path);
            c.model.kind = kind;
            if (kind == "cnn") {
                // The pre-trained CNN is so sure of classes 0 and 1 (first downstream loss
                // about 18) that SGD at 0.05 kills its ReLUs; a smaller step and clipping
                // fine-tune it.
                c.upstream.optimizer.lr = c.downstream.optimizer.lr = 0.01;
                c.downstream.optimizer.grad_clip = 1.0;
            }
            c.name += " " + kind;
            QVERIFY2(validateConfig(c).empty(), formatErrors(validateConfig(c)).c_str());
            RunControl control;
            const RunSummary s = runAndRecord(c, store, control);
            const std::string what = c.name + ": " + s.status + " " + s.error;
            QVERIFY2(s.status == status::kDone, what.c_str());
            // Two separable classes each: well above chance (0.5) before and after.
            QVERIFY2(s.upstream_acc_before >= 0.8,
                     (what + std::to_string(s.upstream_acc_before)).c_str());
            QVERIFY2(s.downstream_acc_after >= 0.8,
                     (what + std::to_string(s.downstream_acc_after)).c_str());
            QCOMPARE(s.examples_tracked, int64_t(40));
            std::vector<double> preLoss, upAcc;
            for (const MetricPoint& p : store.metrics(s.run_id)) {
                if (p.key == keys::kPreTrainLoss) preLoss.push_back(p.value);
                if (p.key == keys::kUpTestAcc) upAcc.push_back(p.value);
            }
            QCOMPARE(preLoss.size(), size_t(60));
            QVERIFY2(preLoss.back() < 0.5 * preLoss.front(), what.c_str());
            QCOMPARE(upAcc.size(), size_t(3));  // steps 0, 20, 40
            if (kind == "cnn") {
                // A stored run reopens for analysis with the data's shape.
                AnalysisSessionRequest r;
                r.kind = AnalysisKind::Timing;
                r.run_id = s.run_id;
                r.timing_subset = 20;
                QVERIFY(runAnalysisSession(store, r).seconds_per_pass > 0);
            }
            if (source == "csv") sweepAndSeeds(store, c, s.run_id);
        }
    }

private:
    // A sweep from the CSV run (its default families without rotate) and a seed set of it.
    void sweepAndSeeds(Store& store, const ExperimentConfig& c, int64_t runId) {
        SweepConfig sweep;
        sweep.families = {"class"};
        sweep.steps = 5;
        sweep.examples = 20;
        const int64_t matrix = createSweep(store, runId, sweep, "csv sweep");
        RunControl control;
        const SweepResult r = runSweep(store, matrix, control, {});
        QCOMPARE(r.status, std::string(status::kDone));
        QCOMPARE(r.rows_done, 2);  // class 2, class 3
        const std::vector<RunSummary> seeds = runSeedSet(c, 7, 2, store, control, nullptr, {});
        QCOMPARE(seeds.size(), size_t(2));
        for (const RunSummary& s : seeds) QCOMPARE(s.status, std::string(status::kDone));
    }
};

QTEST_APPLESS_MAIN(TestImageTasks)
#include "test_image_tasks.moc"
