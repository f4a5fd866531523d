// The Model tab with a Hugging Face model folder: the folder (a tiny Llama written here by
// hand: config.json, a safetensors file whose tensors add up to the config's sizes,
// tokenizer.json) is summarised with the counts worked out below from its sizes, LoRA's
// boxes switch to the family's modules with its defaults checked and count the adapters,
// the memory estimate names the optimizer and warns when the model cannot fit, the size
// fields are locked while a folder is set and "From scratch" gives them back, a broken
// folder is named beside the field, and everything reads back as set.

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

#include "engine/models/model_folder.h"
#include "ui/setup/model_editor.h"
#include "ui/setup/model_folder_panel.h"
#include "ui/setup/setup_panel.h"

using forgetlab::ExperimentConfig;
using forgetlab::ui::ModelEditor;
using forgetlab::ui::SetupPanel;

namespace {

struct Tensor {
    QString name;
    QList<qint64> shape;
};

qint64 elements(const Tensor& t) {
    qint64 n = 1;
    for (qint64 d : t.shape) n *= d;
    return n;
}

// A safetensors file: 8-byte little-endian header length, the JSON header, then the
// tensors' bytes (zeros), bytesPerElement each. The zeros are a hole in the file (sparse),
// so a header of terabytes of weights costs no disk; where the file system cannot make one
// the file ends after the header (inspectModelFolder reads headers only).
qint64 writeSafetensors(const QString& path, const QList<Tensor>& tensors, const char* dtype,
                        int bytesPerElement) {
    QJsonObject header;
    qint64 offset = 0;
    for (const Tensor& t : tensors) {
        const qint64 bytes = elements(t) * bytesPerElement;
        QJsonArray shape;
        for (qint64 d : t.shape) shape.append(d);
        header.insert(t.name, QJsonObject{{QStringLiteral("dtype"), QString::fromLatin1(dtype)},
                                          {QStringLiteral("shape"), shape},
                                          {QStringLiteral("data_offsets"),
                                           QJsonArray{offset, offset + bytes}}});
        offset += bytes;
    }
    header.insert(QStringLiteral("__metadata__"),
                  QJsonObject{{QStringLiteral("format"), QStringLiteral("pt")}});
    const QByteArray json = QJsonDocument(header).toJson(QJsonDocument::Compact);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) qFatal("cannot write %s", qPrintable(path));
    QByteArray length(8, '\0');
    for (int i = 0; i < 8; ++i) length[i] = char((quint64(json.size()) >> (8 * i)) & 0xff);
    f.write(length);
    f.write(json);
    f.resize(f.size() + offset);
    return offset;
}

void writeFile(const QString& path, const QByteArray& text) {
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) qFatal("cannot write %s", qPrintable(path));
    f.write(text);
}

// The tiny Llama: E 64, 2 layers, 4 query heads and 2 key/value heads of 16 dims
// (Q = 64, K = 32), MLP 176, 128 positions, vocabulary 300, untied lm_head.
constexpr qint64 kE = 64, kLayers = 2, kQ = 64, kK = 32, kI = 176, kVocab = 300;

QByteArray llamaConfig(qint64 hidden = kE, qint64 layers = kLayers, qint64 heads = 4,
                       qint64 kvHeads = 2, qint64 mlp = kI) {
    return QStringLiteral(R"({"model_type": "llama", "architectures": ["LlamaForCausalLM"],
        "hidden_size": %1, "num_hidden_layers": %2, "num_attention_heads": %3,
        "num_key_value_heads": %4, "intermediate_size": %5, "max_position_embeddings": 128,
        "vocab_size": %6, "rms_norm_eps": 1e-6, "hidden_act": "silu",
        "tie_word_embeddings": false, "rope_theta": 10000.0})")
        .arg(hidden)
        .arg(layers)
        .arg(heads)
        .arg(kvHeads)
        .arg(mlp)
        .arg(kVocab)
        .toUtf8();
}

// Every tensor of a Llama (the tiny one unless told), in Hugging Face's names and
// [out, in] shapes.
QList<Tensor> llamaTensors(qint64 E = kE, qint64 layers = kLayers, qint64 Q = kQ, qint64 K = kK,
                           qint64 I = kI) {
    QList<Tensor> t = {{QStringLiteral("model.embed_tokens.weight"), {kVocab, E}},
                       {QStringLiteral("lm_head.weight"), {kVocab, E}},
                       {QStringLiteral("model.norm.weight"), {E}}};
    for (int l = 0; l < layers; ++l) {
        const QString p = QStringLiteral("model.layers.%1.").arg(l);
        t += {{p + QStringLiteral("self_attn.q_proj.weight"), {Q, E}},
              {p + QStringLiteral("self_attn.k_proj.weight"), {K, E}},
              {p + QStringLiteral("self_attn.v_proj.weight"), {K, E}},
              {p + QStringLiteral("self_attn.o_proj.weight"), {E, Q}},
              {p + QStringLiteral("mlp.gate_proj.weight"), {I, E}},
              {p + QStringLiteral("mlp.up_proj.weight"), {I, E}},
              {p + QStringLiteral("mlp.down_proj.weight"), {E, I}},
              {p + QStringLiteral("input_layernorm.weight"), {E}},
              {p + QStringLiteral("post_attention_layernorm.weight"), {E}}};
    }
    return t;
}

// By hand: embedding and lm_head V*E each; per layer q (E*Q), k and v (E*K each), o (Q*E),
// gate, up and down (E*I each) and two RMSNorms (E each); the final norm E.
constexpr qint64 kLlamaParameters =
    2 * kVocab * kE + kLayers * (kE * kQ + 2 * kE * kK + kQ * kE + 3 * kE * kI + 2 * kE) + kE;
static_assert(kLlamaParameters == 130'880);

QString count(qint64 n) {
    return QLocale(QLocale::English, QLocale::UnitedStates).toString(n);
}

QCheckBox* targetBox(QWidget* root, const char* name) {
    return root->findChild<QCheckBox*>(QStringLiteral("loraTarget.") + QLatin1String(name));
}

QStringList targetBoxNames(QWidget* root) {
    QStringList names;
    for (QCheckBox* box : root->findChildren<QCheckBox*>())
        if (box->objectName().startsWith(QLatin1String("loraTarget.")))
            names << box->objectName().mid(11);
    names.sort();
    return names;
}

ExperimentConfig gptConfig(int loraRank) {
    ExperimentConfig c;
    c.model.kind = "gpt";
    c.model.lora_rank = loraRank;
    c.downstream.optimizer.name = "adamw";
    return c;
}

}  // namespace

class TestModelFolder : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void folderSummaryCountsFromConfig();
    void shardedFolder();
    void fromScratchFamilyCountsItsParameters();
    void gpt2TargetsStayAsTheyWere();
    void tokenizerFilesSetTheVocabulary();
    void brokenFolderNamedBesideField();
    void modelTooLargeShowsAdvice();

private:
    QTemporaryDir m_settings;
};

void TestModelFolder::initTestCase() {
    QVERIFY(m_settings.isValid());
    // QSettings of this test only, in a temporary folder.
    QCoreApplication::setOrganizationName(QStringLiteral("forgetlab-test"));
    QCoreApplication::setApplicationName(QStringLiteral("test_model_folder"));
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settings.path());
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settings.path());
}

void TestModelFolder::folderSummaryCountsFromConfig() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    writeFile(dir.filePath(QStringLiteral("config.json")), llamaConfig());
    const qint64 bytes = writeSafetensors(dir.filePath(QStringLiteral("model.safetensors")),
                                          llamaTensors(), "BF16", 2);
    QCOMPARE(bytes, 2 * kLlamaParameters);  // the file holds exactly the config's weights
    writeFile(dir.filePath(QStringLiteral("tokenizer.json")),
              R"({"version": "1.0", "model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}})");

    SetupPanel panel;
    panel.show();
    panel.setConfig(gptConfig(4));
    auto* editor = panel.findChild<ModelEditor*>();
    QVERIFY(editor);
    editor->setTrainingContext("adamw", "cpu");
    auto* layers = panel.findChild<QSpinBox*>(QStringLiteral("model.gpt.n_layer"));
    auto* family = panel.findChild<QComboBox*>(QStringLiteral("model.gpt.family"));
    auto* tokenizer = panel.findChild<QComboBox*>(QStringLiteral("model.gpt.tokenizer"));
    auto* fromScratch = panel.findChild<QPushButton*>(QStringLiteral("model.gpt.checkpoint.clear"));
    QVERIFY(layers && family && tokenizer && fromScratch);
    QVERIFY(panel.findChild<QPushButton*>(QStringLiteral("model.gpt.checkpoint.choose")));
    // A new configuration: tokenizer auto, GPT-2's boxes with its defaults checked.
    QCOMPARE(tokenizer->currentData().toString(), QStringLiteral("auto"));
    for (const char* t : {"auto", "byte", "bpe", "hf"})
        QVERIFY2(tokenizer->findData(QString::fromLatin1(t)) >= 0, t);
    QVERIFY(targetBox(&panel, "attn.c_attn")->isChecked());
    QVERIFY(!fromScratch->isEnabled());
    QVERIFY(layers->isEnabled() && family->isEnabled());
    QVERIFY(editor->folderSummaryText().isEmpty());

    editor->chooseFolder(dir.path());
    QCOMPARE(QSettings().value(QLatin1String(ModelEditor::kLastFolderKey)).toString(), dir.path());
    QCOMPARE(panel.findChild<QLineEdit*>(QStringLiteral("model.gpt.checkpoint"))->text(),
             QDir::toNativeSeparators(dir.path()));
    QVERIFY2(editor->folderError().isEmpty(), qPrintable(editor->folderError()));
    QVERIFY(editor->folderSummary()->isVisibleTo(editor));
    const auto row = [editor](const char* key) {
        return editor->folderSummary()->value(QString::fromLatin1(key));
    };
    const QString summary = editor->folderSummaryText();
    QVERIFY2(row("family").contains(QStringLiteral("llama")), qPrintable(summary));
    QCOMPARE(row("layers"), QString::number(kLayers));
    QVERIFY2(row("hidden").startsWith(QStringLiteral("64 ")), qPrintable(summary));
    QVERIFY2(row("heads").contains(QStringLiteral("4 query, 2 key/value")), qPrintable(summary));
    QVERIFY2(row("context").contains(QStringLiteral("128")), qPrintable(summary));
    QCOMPARE(row("vocabulary"), QStringLiteral("300"));
    QVERIFY2(row("parameters").startsWith(count(kLlamaParameters)), qPrintable(summary));
    QVERIFY2(editor->parameterText().contains(count(kLlamaParameters)),
             qPrintable(editor->parameterText()));
    QVERIFY2(row("weights").contains(QStringLiteral("BF16")), qPrintable(summary));
    QVERIFY2(row("weights").contains(QString::fromStdString(forgetlab::formatBytes(bytes))),
             qPrintable(summary));
    QVERIFY2(row("tokenizer").contains(QStringLiteral("tokenizer.json")), qPrintable(summary));
    // The sizes come from config.json: the fields are locked, "From scratch" is offered.
    QVERIFY(!layers->isEnabled());
    QVERIFY(!family->isEnabled());
    QVERIFY(fromScratch->isEnabled());

    // LoRA: llama's modules, its defaults q_proj + v_proj checked.
    QCOMPARE(QString::fromStdString(editor->targetFamily()), QStringLiteral("llama"));
    QCOMPARE(targetBoxNames(&panel), (QStringList{"down_proj", "gate_proj", "k_proj", "o_proj",
                                                  "q_proj", "up_proj", "v_proj"}));
    QVERIFY(targetBox(&panel, "q_proj")->isChecked());
    QVERIFY(targetBox(&panel, "v_proj")->isChecked());
    QVERIFY(!targetBox(&panel, "k_proj")->isChecked());
    // layers x r x ((E+Q) + (E+K)) with r = 4
    const qint64 adapters = kLayers * 4 * ((kE + kQ) + (kE + kK));
    QCOMPARE(adapters, qint64(1792));
    QVERIFY2(row("trainable").contains(count(adapters)), qPrintable(summary));
    QVERIFY2(row("trainable").contains(QStringLiteral("q_proj, v_proj")), qPrintable(summary));
    QVERIFY2(editor->loraText().contains(count(adapters)), qPrintable(editor->loraText()));
    // AdamW, LoRA: fp32 weights and adapters, gradients and two moments of the adapters.
    const qint64 memory = 4 * (kLlamaParameters + adapters) + 4 * adapters + 8 * adapters;
    QVERIFY2(editor->memoryText().contains(QStringLiteral("AdamW")),
             qPrintable(editor->memoryText()));
    QVERIFY2(editor->memoryText().contains(QStringLiteral("= ") +
                                           QString::fromStdString(forgetlab::formatBytes(memory))),
             qPrintable(editor->memoryText()));
    QVERIFY(editor->memoryAdvice().isEmpty());

    // Untouched defaults read back as the family's defaults (empty); a toggle writes them.
    ExperimentConfig c = panel.config();
    QCOMPARE(c.model.checkpoint, QDir::toNativeSeparators(dir.path()).toStdString());
    QCOMPARE(c.model.family, std::string("gpt2"));  // the from-scratch field, unchanged
    QVERIFY(c.model.lora_targets.empty());
    QVERIFY(panel.isValid());
    targetBox(&panel, "k_proj")->click();
    QCOMPARE(panel.config().model.lora_targets,
             (std::vector<std::string>{"q_proj", "k_proj", "v_proj"}));
    QVERIFY2(row("trainable").contains(count(adapters + kLayers * 4 * (kE + kK))),
             qPrintable(editor->folderSummaryText()));
    panel.findChild<QCheckBox*>(QStringLiteral("model.gpt.gradient_checkpointing"))->click();
    c = panel.config();
    QVERIFY(c.model.gradient_checkpointing);

    // Through the form again: everything as it was.
    SetupPanel again;
    again.setConfig(c);
    const ExperimentConfig back = again.config();
    QCOMPARE(QString::fromStdString(forgetlab::configToJson(back)),
             QString::fromStdString(forgetlab::configToJson(c)));
    QCOMPARE(back.model.lora_targets, (std::vector<std::string>{"q_proj", "k_proj", "v_proj"}));
    QVERIFY(targetBox(&again, "k_proj")->isChecked());
    QVERIFY(!targetBox(&again, "o_proj")->isChecked());

    // From scratch: the sizes apply again and the boxes follow the family field (gpt2);
    // none of the llama names is a GPT-2 module, so GPT-2's defaults are checked.
    QTest::mouseClick(fromScratch, Qt::LeftButton);
    QVERIFY(panel.config().model.checkpoint.empty());
    QVERIFY(layers->isEnabled() && family->isEnabled());
    QVERIFY(!editor->folderSummary()->isVisibleTo(editor));
    QVERIFY(editor->folderSummaryText().isEmpty());
    QCOMPARE(QString::fromStdString(editor->targetFamily()), QStringLiteral("gpt2"));
    QCOMPARE(panel.config().model.lora_targets,
             (std::vector<std::string>{"attn.c_attn", "attn.c_proj"}));
    QVERIFY(!targetBox(&panel, "q_proj"));
}

void TestModelFolder::shardedFolder() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    writeFile(dir.filePath(QStringLiteral("config.json")), llamaConfig());
    const QList<Tensor> all = llamaTensors();
    const QList<Tensor> first = all.mid(0, 6), second = all.mid(6);
    const QString a = QStringLiteral("model-00001-of-00002.safetensors");
    const QString b = QStringLiteral("model-00002-of-00002.safetensors");
    const qint64 bytes = writeSafetensors(dir.filePath(a), first, "F32", 4) +
                         writeSafetensors(dir.filePath(b), second, "F32", 4);
    QCOMPARE(bytes, 4 * kLlamaParameters);
    QJsonObject map;
    for (const Tensor& t : first) map.insert(t.name, a);
    for (const Tensor& t : second) map.insert(t.name, b);
    writeFile(dir.filePath(QStringLiteral("model.safetensors.index.json")),
              QJsonDocument(QJsonObject{{QStringLiteral("metadata"),
                                         QJsonObject{{QStringLiteral("total_size"), bytes}}},
                                        {QStringLiteral("weight_map"), map}})
                  .toJson());

    SetupPanel panel;
    panel.setConfig(gptConfig(0));
    auto* editor = panel.findChild<ModelEditor*>();
    editor->chooseFolder(dir.path());
    const QString weights = editor->folderSummary()->value(QStringLiteral("weights"));
    QVERIFY2(weights.contains(QStringLiteral("F32")), qPrintable(weights));
    QVERIFY2(weights.contains(QStringLiteral("2 shards")), qPrintable(weights));
    QVERIFY2(weights.contains(QString::fromStdString(forgetlab::formatBytes(bytes))),
             qPrintable(weights));
    // No tokenizer files: auto falls back to bytes, and says so.
    QVERIFY(editor->folderSummary()
                ->value(QStringLiteral("tokenizer"))
                .contains(QStringLiteral("bytes")));
    // LoRA off: every weight trains.
    QVERIFY(editor->folderSummary()
                ->value(QStringLiteral("trainable"))
                .contains(count(kLlamaParameters)));
}

void TestModelFolder::fromScratchFamilyCountsItsParameters() {
    SetupPanel panel;
    panel.setConfig(gptConfig(8));
    auto* editor = panel.findChild<ModelEditor*>();
    auto* family = panel.findChild<QComboBox*>(QStringLiteral("model.gpt.family"));
    for (const char* f : {"gpt2", "llama", "mistral", "qwen2", "gpt_neox", "olmo", "olmo2"})
        QVERIFY2(family->findData(QString::fromLatin1(f)) >= 0, f);
    QCOMPARE(family->currentData().toString(), QStringLiteral("gpt2"));
    panel.findChild<QSpinBox*>(QStringLiteral("model.gpt.n_layer"))->setValue(2);
    panel.findChild<QSpinBox*>(QStringLiteral("model.gpt.n_head"))->setValue(4);
    panel.findChild<QSpinBox*>(QStringLiteral("model.gpt.n_embd"))->setValue(64);
    panel.findChild<QSpinBox*>(QStringLiteral("model.gpt.context"))->setValue(128);
    // GPT-2, bytes: 256*64 + 128*64 + 2*(12*64^2 + 13*64) + 2*64 = 124,672
    QVERIFY2(editor->parameterText().contains(QStringLiteral("124,672")),
             qPrintable(editor->parameterText()));

    family->setCurrentIndex(family->findData(QStringLiteral("llama")));
    // Llama from the same sizes: MLP 8/3*64 rounded up to 32 = 192, no biases, untied:
    // 2*256*64 + 2*(4*64*64 + 3*64*192 + 2*64) + 64
    const qint64 mlp = 192;
    const qint64 llama = 2 * 256 * 64 + 2 * (4 * 64 * 64 + 3 * 64 * mlp + 2 * 64) + 64;
    QCOMPARE(llama, qint64(139'584));
    QVERIFY2(editor->parameterText().contains(count(llama)), qPrintable(editor->parameterText()));
    QVERIFY(editor->parameterText().contains(QStringLiteral("Llama")));
    QCOMPARE(QString::fromStdString(editor->targetFamily()), QStringLiteral("llama"));
    QVERIFY(targetBox(&panel, "q_proj")->isChecked());
    QVERIFY(!targetBox(&panel, "attn.c_attn"));
    // r = 8 on q_proj and v_proj (Q = K = 64): 2 * 8 * (128 + 128)
    QVERIFY2(editor->loraText().contains(QStringLiteral("4,096")), qPrintable(editor->loraText()));
    ExperimentConfig c = panel.config();
    QCOMPARE(c.model.family, std::string("llama"));

    family->setCurrentIndex(family->findData(QStringLiteral("gpt_neox")));
    QCOMPARE(targetBoxNames(&panel),
             (QStringList{"dense", "dense_4h_to_h", "dense_h_to_4h", "query_key_value"}));
    QVERIFY(targetBox(&panel, "query_key_value")->isChecked());
    QVERIFY(!targetBox(&panel, "dense")->isChecked());
}

void TestModelFolder::gpt2TargetsStayAsTheyWere() {
    // The lm-en-de-lora preset's targets: every GPT-2 projection.
    ExperimentConfig c = gptConfig(8);
    c.model.tokenizer = "byte";
    c.model.lora_targets = {"attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj"};
    SetupPanel panel;
    panel.setConfig(c);
    for (const char* t : {"attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj"})
        QVERIFY2(targetBox(&panel, t) && targetBox(&panel, t)->isChecked(), t);
    QCOMPARE(panel.config().model.lora_targets, c.model.lora_targets);
    QCOMPARE(panel.config().model.tokenizer, std::string("byte"));
    // 4 layers, E 128, r 8: (128+384 + 128+128 + 128+512 + 512+128) * 8 * 4
    auto* editor = panel.findChild<ModelEditor*>();
    QVERIFY2(editor->loraText().contains(QStringLiteral("65,536")), qPrintable(editor->loraText()));
}

void TestModelFolder::tokenizerFilesSetTheVocabulary() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // tokenizer.json: 3 vocabulary entries and an added token with id 9: 10 rows.
    writeFile(dir.filePath(QStringLiteral("tokenizer.json")),
              R"({"added_tokens": [{"id": 9, "content": "<|end|>", "special": true}],
                  "model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": []}})");
    writeFile(dir.filePath(QStringLiteral("vocab.json")),
              R"({"a": 0, "b": 1, "c": 2, "d": 3, "e": 4})");
    ExperimentConfig c = gptConfig(0);
    c.model.tokenizer = "hf";
    c.model.tokenizer_dir = dir.path().toStdString();
    SetupPanel panel;
    panel.setConfig(c);
    auto* editor = panel.findChild<ModelEditor*>();
    // GPT-2 4 x 128, 128 positions: V*128 + 128*128 + 4*(12*128^2 + 13*128) + 2*128
    const auto gpt2 = [](qint64 vocab) {
        return vocab * 128 + 128 * 128 + 4 * (12 * 128 * 128 + 13 * 128) + 2 * 128;
    };
    QCOMPARE(gpt2(10), qint64(811'008));
    QVERIFY2(editor->parameterText().contains(count(gpt2(10))),
             qPrintable(editor->parameterText()));
    QCOMPARE(panel.config().model.tokenizer, std::string("hf"));
    // GPT-2 BPE reads vocab.json: 5 rows.
    auto* tokenizer = panel.findChild<QComboBox*>(QStringLiteral("model.gpt.tokenizer"));
    tokenizer->setCurrentIndex(tokenizer->findData(QStringLiteral("bpe")));
    QVERIFY2(editor->parameterText().contains(count(gpt2(5))), qPrintable(editor->parameterText()));
    // Automatic without a folder: bytes.
    tokenizer->setCurrentIndex(tokenizer->findData(QStringLiteral("auto")));
    QVERIFY2(editor->parameterText().contains(count(gpt2(256))),
             qPrintable(editor->parameterText()));
}

void TestModelFolder::brokenFolderNamedBesideField() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    writeFile(dir.filePath(QStringLiteral("config.json")),
              R"({"model_type": "bert", "hidden_size": 64, "num_hidden_layers": 2})");
    writeSafetensors(dir.filePath(QStringLiteral("model.safetensors")),
                     {{QStringLiteral("embeddings.word_embeddings.weight"), {300, 64}}}, "F32", 4);
    SetupPanel panel;
    panel.show();
    panel.setConfig(gptConfig(4));
    auto* editor = panel.findChild<ModelEditor*>();
    auto* error = panel.findChild<QLabel*>(QStringLiteral("model.gpt.checkpoint.error"));
    QVERIFY(error);
    QVERIFY(error->isHidden());
    QVERIFY(panel.isValid());

    editor->chooseFolder(dir.path());
    QVERIFY2(!error->isHidden(), "the folder's problem is shown beside the field");
    QVERIFY2(error->text().contains(QStringLiteral("bert")), qPrintable(error->text()));
    QVERIFY2(error->text().contains(QStringLiteral("config.json")), qPrintable(error->text()));
    QVERIFY(editor->folderError().contains(QStringLiteral("bert")));
    QVERIFY(!editor->folderSummary()->isVisibleTo(editor));
    QVERIFY(!panel.isValid());
    QVERIFY(!panel.findChild<QSpinBox*>(QStringLiteral("model.gpt.n_layer"))->isEnabled());

    // Fixing the file fixes the form.
    writeFile(dir.filePath(QStringLiteral("config.json")), llamaConfig());
    writeSafetensors(dir.filePath(QStringLiteral("model.safetensors")), llamaTensors(), "F32", 4);
    editor->startFromScratch();
    editor->chooseFolder(dir.path());
    QVERIFY2(error->isHidden(), qPrintable(error->text()));
    QVERIFY(editor->folderSummary()->isVisibleTo(editor));
    QVERIFY(panel.isValid());
}

void TestModelFolder::modelTooLargeShowsAdvice() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // 200 layers of width 16,384 (MLP 53,248): hundreds of billions of parameters, terabytes
    // in float32 (the file's weights are a hole: no disk).
    const qint64 E = 16384, L = 200, I = 53248, K = 8 * 128;
    writeFile(dir.filePath(QStringLiteral("config.json")), llamaConfig(E, L, 128, 8, I));
    const qint64 bytes = writeSafetensors(dir.filePath(QStringLiteral("model.safetensors")),
                                          llamaTensors(E, L, E, K, I), "BF16", 2);
    SetupPanel panel;
    panel.show();
    panel.setConfig(gptConfig(0));
    auto* editor = panel.findChild<ModelEditor*>();
    editor->setTrainingContext("adamw", "cpu");
    editor->chooseFolder(dir.path());
    QVERIFY2(editor->folderError().isEmpty(), qPrintable(editor->folderError()));
    // Q = 128*128 = E, K = 8*128: 2*V*E + L*(2*E*E + 2*E*K + 3*E*I + 2*E) + E
    const qint64 parameters = 2 * kVocab * E + L * (2 * E * E + 2 * E * K + 3 * E * I + 2 * E) + E;
    QCOMPARE(bytes, 2 * parameters);  // the header's BF16 tensors are exactly the config's
    QVERIFY2(
        editor->folderSummary()->value(QStringLiteral("parameters")).startsWith(count(parameters)),
        qPrintable(editor->folderSummaryText()));
    // Every weight trains with AdamW: 16 bytes a parameter.
    QVERIFY2(editor->memoryText().contains(
                 QString::fromStdString(forgetlab::formatBytes(16 * parameters))),
             qPrintable(editor->memoryText()));
    const QString advice = editor->memoryAdvice();
    QVERIFY2(advice.contains(QStringLiteral("LoRA")), qPrintable(advice));
    auto* adviceLabel = panel.findChild<QLabel*>(QStringLiteral("gptMemoryAdvice"));
    QVERIFY(adviceLabel && adviceLabel->isVisibleTo(editor));

    // With LoRA the weights alone are still too large: choose a smaller model.
    panel.findChild<QSpinBox*>(QStringLiteral("model.lora.rank"))->setValue(8);
    QVERIFY2(editor->memoryAdvice().contains(QStringLiteral("smaller model")),
             qPrintable(editor->memoryAdvice()));

    // A small model fits: no advice.
    editor->startFromScratch();
    QVERIFY(editor->memoryAdvice().isEmpty());
    QVERIFY(!adviceLabel->isVisibleTo(editor));
    QVERIFY(editor->memoryText().contains(QStringLiteral("weights")));
}

QTEST_MAIN(TestModelFolder)
#include "test_model_folder.moc"
