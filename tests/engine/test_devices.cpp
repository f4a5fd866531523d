// Devices: what "auto" resolves to, the refusals for a device or precision this machine
// cannot use (exact messages), stored configurations retargeted to this machine, the
// device record of a run, checkpoints moving between devices, and the step loop's
// deferred (GPU-style) loss reads giving exactly the series immediate reads give.
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include "engine/core/devices.h"
#include "engine/core/internal/torch_compat.h"
#include "engine/core/names.h"
#include "engine/core/run_control.h"
#include "engine/data/internal/tasks.h"
#include "engine/models/internal/models.h"
#include "engine/models/internal/safetensors.h"
#include "engine/optim/internal/optimizers.h"
#include "engine/sessions/run_session.h"
#include "engine/store/store.h"
#include "engine/train/internal/device_placement.h"
#include "engine/train/internal/step_loop.h"
#include "tests/engine/test_device.h"
#include "tests/engine/tiny_run.h"

using namespace forgetlab;

namespace {

const char* kNoCuda =
    "this LibTorch has no CUDA (Debian's libtorch-dev is CPU-only); build against a CUDA "
    "LibTorch (README: GPU build) or use --device cpu";

// A small separable task: 256 examples of 8 features, 3 classes.
Task toyTask() {
    torch::manual_seed(11);
    Task t;
    t.num_outputs = 3;
    torch::Tensor x = torch::randn({256, 8});
    torch::Tensor y = x.slice(1, 0, 3).argmax(1);
    t.train = {x, y};
    t.test = {x.slice(0, 0, 64), y.slice(0, 0, 64)};
    return t;
}

std::shared_ptr<ForgetModel> toyModel() {
    ModelConfig mc;
    mc.kind = "mlp";
    mc.hidden = {16};
    torch::manual_seed(5);
    auto model = std::make_shared<MlpModel>(8, mc.hidden, "relu", std::vector<int>{3});
    return model;
}

struct Series {
    std::vector<StepLosses> losses;
    std::vector<torch::Tensor> weights;
    std::string ended;  // EndRun status, or empty
    std::string error;
};

Series train(bool deferred, double lr) {
    Task task = toyTask();
    RunDevice rd = prepareDevice(test::testDevice(), "fp32");
    placeTask(task, rd);
    auto model = toyModel();
    placeModel(*model, rd);
    OptimizerConfig oc;
    oc.name = "sgd";
    oc.lr = lr;
    oc.momentum = 0.9;
    oc.grad_clip = lr > 1 ? 0.0 : 1.0;  // a huge rate without clipping diverges
    auto optimizer = makeOptimizer(model->parameters(), oc);
    BatchSampler sampler(task.train.size(), 32, 99);
    StepPhase sp;
    sp.task = &task;
    sp.sampler = &sampler;
    sp.steps = 70;  // more than one group of deferred reads
    sp.optimizer = &oc;
    sp.defer_reads = deferred;
    sp.where = [](int64_t step) { return "at step " + std::to_string(step); };
    Series out;
    sp.on_losses = [&](const StepLosses& l) { out.losses.push_back(l); };
    try {
        runSteps(
            *model, *optimizer, nullptr, sp, [](auto&&...) {}, [](const StepDone&) {});
    } catch (const EndRun& e) {
        out.ended = e.status;
        out.error = e.error;
    }
    for (const auto& p : model->parameters()) out.weights.push_back(p.detach().to(torch::kCPU));
    return out;
}

}  // namespace

class TestDevices : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void autoResolvesToTheFirstGpuElseTheCpu() {
        const DeviceChoice c = resolveDevice("auto");
        QVERIFY2(c.ok(), c.error.c_str());
        QCOMPARE(c.device, defaultDevice());
        const std::vector<DeviceInfo> devices = listDevices();
        QCOMPARE(devices.front().device, std::string("cpu"));
        if (!torchHasCuda()) {
            QCOMPARE(c.device, std::string("cpu"));
            QCOMPARE(devices.size(), size_t(1));
        } else if (devices.size() > 1) {
            QCOMPARE(c.device, std::string("cuda:0"));
        }
        QCOMPARE(resolveDevice("cpu").device, std::string("cpu"));
    }

    void cudaRequestsAreRefusedWithTheReason() {
        QCOMPARE(resolveDevice("gpu").error,
                 std::string("unknown device 'gpu'; use auto, cpu, cuda or cuda:N"));
        QVERIFY(!resolveDevice("cuda:x").ok());
        if (!torchHasCuda()) {
            QCOMPARE(resolveDevice("cuda").error, std::string(kNoCuda));
            QCOMPARE(resolveDevice("cuda:7").error, std::string(kNoCuda));
        } else {
            const int gpus = int(listDevices().size()) - 1;
            const DeviceChoice far = resolveDevice("cuda:" + std::to_string(gpus));
            QVERIFY(!far.ok());
            QVERIFY2(far.error.find("does not exist") != std::string::npos, far.error.c_str());
            if (gpus > 0) QVERIFY(far.error.find("cuda:0") != std::string::npos);
        }
    }

    void precisionNeedsADeviceThatCanDoIt() {
        QCOMPARE(precisionProblem("cpu", "fp32"), std::string());
        QCOMPARE(precisionProblem("cpu", "bf16"),
                 std::string("precision bf16 (bfloat16 autocast) is for CUDA devices; on the CPU "
                             "use precision fp32"));
        QVERIFY(precisionProblem("cpu", "tf32").find("TF32") != std::string::npos);
        QCOMPARE(precisionProblem("cpu", "fp16"),
                 std::string("unknown precision 'fp16'; use fp32, bf16 or tf32"));
    }

    void validationRefusesBeforeAnythingIsStored() {
        ExperimentConfig c = test::tinyImageRun();
        c.device = "cpu";
        c.precision = "bf16";
        auto errors = validateConfig(c);
        QCOMPARE(errors.size(), size_t(1));
        QCOMPARE(errors[0].field, std::string("precision"));
        if (!torchHasCuda()) {
            c.device = "cuda";
            c.precision = "fp32";
            errors = validateConfig(c);
            QCOMPARE(errors.size(), size_t(1));
            QCOMPARE(errors[0].field, std::string("device"));
            QCOMPARE(errors[0].message, std::string(kNoCuda));
        }
        // The default is auto, and it validates wherever the tests run.
        QCOMPARE(ExperimentConfig{}.device, std::string("auto"));
        QVERIFY(parseConfig(R"({"name": "x"})").ok());
    }

    void storedConfigsAreRetargetedToThisMachine() {
        ExperimentConfig c = test::tinyImageRun();
        nlohmann::json j = nlohmann::json::parse(configToJson(c));
        j["device"] = "cuda:3";
        j["precision"] = "bf16";
        const ConfigParseResult parsed = parseStoredConfig(j.dump());
        QVERIFY2(parsed.ok(), formatErrors(parsed.errors).c_str());
        const DeviceChoice here = resolveDevice("cuda:3");
        QCOMPARE(parsed.config.device, here.ok() ? here.device : defaultDevice());
        if (!torchHasCuda()) QCOMPARE(parsed.config.precision, std::string("fp32"));
    }

    void devicesJsonListsWhatLibTorchSees() {
        const auto j = nlohmann::json::parse(devicesJson());
        QCOMPARE(j.at("default").get<std::string>(), defaultDevice());
        QCOMPARE(j.at("devices").size(), listDevices().size());
        QCOMPARE(j.at("devices").at(0).at("device").get<std::string>(), std::string("cpu"));
        QCOMPARE(j.at("cuda").get<bool>(), torchHasCuda());
        QVERIFY(!deviceMemory("cpu").known);
        QVERIFY(runtimeVersions().rfind("libtorch ", 0) == 0);
    }

    void aRunRecordsTheDeviceItResolvedTo() {
        QTemporaryDir dir;
        Store store((dir.path() + "/runs.db").toStdString());
        ExperimentConfig c = test::tinyImageRun();
        c.upstream.steps = 10;
        c.downstream.steps = 5;
        c.eval.every = 5;
        c.device = "auto";
        RunControl control;
        const RunSummary s = runAndRecord(c, store, control);
        QCOMPARE(s.status, std::string(status::kDone));
        const RunInfo info = store.run(store.listRuns().front().id);
        QCOMPARE(info.device, defaultDevice());
        QCOMPARE(nlohmann::json::parse(info.config_json).at("device").get<std::string>(),
                 defaultDevice());
        QVERIFY2(info.versions.find("libtorch") != std::string::npos, info.versions.c_str());
        bool recorded = false;
        for (const EventRow& e : store.events(info.id))
            if (e.kind == "device") {
                const auto j = nlohmann::json::parse(e.json);
                QCOMPARE(j.at("device").get<std::string>(), defaultDevice());
                QCOMPARE(j.at("precision").get<std::string>(), std::string("fp32"));
                recorded = true;
            }
        QVERIFY(recorded);
    }

    void checkpointsLoadOntoAnyDevice() {
        QTemporaryDir dir;
        const std::string file = (dir.path() + "/m.safetensors").toStdString();
        auto written = toyModel();
        placeModel(*written, prepareDevice(test::testDevice(), "fp32"));
        saveSafetensors(file, moduleTensors(*written), {});
        for (const std::string& target : {std::string("cpu"), test::testDevice()}) {
            torch::manual_seed(123);  // other initial weights than the written ones
            auto loaded =
                std::make_shared<MlpModel>(8, std::vector<int>{16}, "relu", std::vector<int>{3});
            placeModel(*loaded, prepareDevice(target, "fp32"));
            loadIntoModule(*loaded, loadSafetensors(file), file);
            auto a = written->parameters(), b = loaded->parameters();
            QCOMPARE(a.size(), b.size());
            for (size_t i = 0; i < a.size(); ++i) {
                QCOMPARE(b[i].device().str(), torch::Device(resolveDevice(target).device).str());
                QVERIFY(torch::equal(a[i].detach().cpu(), b[i].detach().cpu()));
            }
        }
    }

    void deferredLossReadsGiveTheSameSeries() {
        const Series now = train(false, 0.05), later = train(true, 0.05);
        QVERIFY(now.ended.empty());
        QVERIFY(later.ended.empty());
        QCOMPARE(now.losses.size(), size_t(70));
        QCOMPARE(later.losses.size(), now.losses.size());
        for (size_t i = 0; i < now.losses.size(); ++i) {
            QCOMPARE(later.losses[i].reported, int64_t(i + 1));
            QCOMPARE(later.losses[i].reported, now.losses[i].reported);
            QVERIFY(test::sameValue(later.losses[i].loss, now.losses[i].loss));
            QCOMPARE(later.losses[i].lr, now.losses[i].lr);
        }
        for (size_t i = 0; i < now.weights.size(); ++i)
            QVERIFY(sameTensor(now.weights[i], later.weights[i]));
    }

    void deferredReadsNameTheFirstDivergedStep() {
        const Series now = train(false, 1e12), later = train(true, 1e12);
        QCOMPARE(now.ended, std::string(status::kDiverged));
        QCOMPARE(later.ended, std::string(status::kDiverged));
        QCOMPARE(later.error, now.error);
        // Only the finite steps before it were reported, in both modes.
        QCOMPARE(later.losses.size(), now.losses.size());
    }

    void outOfMemoryIsNamedWithItsFiguresAndTheFix() {
        const torch::Device device(resolveDevice(test::testDevice()).device);
        try {
            // 2^42 floats (16 TiB): more than any machine the tests run on.
            torch::Tensor t = torch::empty({int64_t(1) << 42}, torch::TensorOptions(device));
            QFAIL("a 16 TiB allocation succeeded");
        } catch (const std::exception& e) {
            QVERIFY2(compat::isOutOfMemory(e), e.what());
            const std::string m = outOfMemoryMessage(e, "at fine-tuning step 12");
            QVERIFY2(m.rfind("out of memory at fine-tuning step 12: ", 0) == 0, m.c_str());
            QVERIFY2(m.find("17592186044416 bytes") != std::string::npos ||
                         m.find("Tried to allocate") != std::string::npos,
                     m.c_str());  // LibTorch's figures are kept
            QVERIFY(m.find("lower the batch size") != std::string::npos);
            QVERIFY(m.find("LoRA") != std::string::npos);
            QVERIFY(m.find("bf16") != std::string::npos);
        }
        QVERIFY(!compat::isOutOfMemory(std::runtime_error("shape mismatch")));
    }

private:
    static bool sameTensor(const torch::Tensor& a, const torch::Tensor& b) {
        return test::testOnCpu() ? torch::equal(a, b)
                                 : torch::allclose(a, b, test::kGpuRelativeTolerance, 1e-6);
    }
};

QTEST_GUILESS_MAIN(TestDevices)
#include "test_devices.moc"
