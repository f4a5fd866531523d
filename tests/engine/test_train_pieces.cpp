// The shared pieces of the one training loop (engine/train): tests that would have caught
// the drift between the two runners' copies — a checkpoint writer that did not fold LoRA or
// write its format, and clipping over all parameters instead of the trainable ones.
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <map>

#include "engine/models/internal/gpt_model.h"
#include "engine/models/internal/safetensors.h"
#include "engine/train/internal/checkpoints.h"
#include "engine/train/internal/step_loop.h"

using namespace forgetlab;
namespace fs = std::filesystem;

namespace {

GptConfig tinyGpt() {
    GptConfig g;
    g.vocab_size = 16;
    g.n_layer = 1;
    g.n_head = 2;
    g.n_embd = 8;
    g.n_positions = 6;
    return g;
}

// A LoRA model whose adapters are non-zero (B starts at 0, so the fold would be invisible).
std::shared_ptr<GptModel> loraModel() {
    torch::manual_seed(3);
    auto model = std::make_shared<GptModel>(tinyGpt());
    GptModel& m = *model;
    LoraConfig lora;
    lora.rank = 2;
    lora.alpha = 4;
    lora.targets = {"attn.c_attn"};
    m.enableLora(lora);
    torch::NoGradGuard noGrad;
    for (auto& item : m.named_parameters(true))
        if (item.key().find("lora.B") != std::string::npos) item.value().normal_(0, 0.5);
    return model;
}

}  // namespace

class TestTrainPieces : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void writeCheckpointStoresLoraMergedWithFormat() {
        QTemporaryDir dir;
        auto model = loraModel();
        GptModel& m = *model;
        const std::string file = writeCheckpoint(m, dir.path().toStdString(), "final", 12);
        QCOMPARE(QString::fromStdString(fs::path(file).filename().string()),
                 QStringLiteral("final.safetensors"));
        std::map<std::string, std::string> meta;
        const NamedTensors stored = loadSafetensors(file, &meta);
        QCOMPARE(meta.at("format"), std::string(kCheckpointFormat));
        QCOMPARE(meta.at("tag"), std::string("final"));
        QCOMPARE(meta.at("step"), std::string("12"));
        // Plain GPT-2 names only: the adapters are folded, not stored.
        for (const auto& [name, t] : stored)
            QVERIFY2(name.find("lora") == std::string::npos, name.c_str());
        // It loads into a plain model of the same sizes, and that model computes what the
        // LoRA model computes (W + (alpha / rank) A B folded in).
        GptModel plain(tinyGpt());
        loadIntoModule(plain, stored, file);
        m.eval();
        plain.eval();
        torch::NoGradGuard noGrad;
        const torch::Tensor tokens = torch::tensor({{1, 5, 7, 2, 9}}, torch::kInt64);
        const torch::Tensor a = m.forward(tokens), b = plain.forward(tokens);
        QVERIFY(torch::allclose(a, b, 1e-5, 1e-6));
        // And the fold is really there: without the adapters the logits differ.
        GptModel base(tinyGpt());
        NamedTensors baseTensors;
        for (const auto& item : m.named_parameters(true))
            if (item.key().find("lora") == std::string::npos)
                baseTensors.emplace_back(item.key(), item.value());
        loadIntoModule(base, baseTensors, "base");
        base.eval();
        QVERIFY(!torch::allclose(a, base.forward(tokens), 1e-5, 1e-6));
    }

    void writeCheckpointWithoutDirectoryWritesNothing() {
        GptModel m(tinyGpt());
        QCOMPARE(writeCheckpoint(m, "", "final", 0), std::string());
    }

    void clippingLeavesFrozenGradientsUntouched() {
        auto model = loraModel();
        GptModel& m = *model;
        // Gradients on every parameter, frozen ones included (as a stale gradient would be).
        std::vector<torch::Tensor> frozen, trainable;
        for (auto& p : m.parameters()) {
            p.mutable_grad() = torch::full_like(p, 3.0);
            (p.requires_grad() ? trainable : frozen).push_back(p);
        }
        QVERIFY(!frozen.empty());
        QVERIFY(!trainable.empty());
        double before = 0;
        for (const auto& p : trainable) before += p.grad().pow(2).sum().item<double>();
        const double maxNorm = 0.5;
        clipTrainableGradients(m, maxNorm);
        for (const auto& p : frozen) QVERIFY(torch::equal(p.grad(), torch::full_like(p, 3.0)));
        // The trainable gradients are scaled to the norm asked for: 3 * 0.5 / ||g||.
        double after = 0;
        for (const auto& p : trainable) after += p.grad().pow(2).sum().item<double>();
        QVERIFY(std::abs(std::sqrt(after) - maxNorm) < 1e-4);
        QVERIFY(std::sqrt(before) > maxNorm);
        // 0 means no clipping.
        for (auto& p : trainable) p.mutable_grad() = torch::full_like(p, 3.0);
        clipTrainableGradients(m, 0.0);
        for (const auto& p : trainable) QVERIFY(torch::equal(p.grad(), torch::full_like(p, 3.0)));
    }
};

QTEST_APPLESS_MAIN(TestTrainPieces)
#include "test_train_pieces.moc"
