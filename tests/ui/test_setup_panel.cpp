// The setup panel: validation messages appear beside the offending field and keep Start
// disabled until the problem is fixed; every field (language models' too) reads back what
// was set; the Model tab counts a GPT's parameters and LoRA's trainable share live.

#include <QAction>
#include <QCheckBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include "app/bridge/main_window.h"
#include "app/bridge/preset_choices.h"
#include "tests/ui/ui_test_helpers.h"
#include "ui/setup/model_editor.h"
#include "ui/live/run_actions.h"
#include "ui/setup/setup_panel.h"

using forgetlab::ExperimentConfig;
using forgetlab::app::MainWindow;
using forgetlab::ui::SetupPanel;
using namespace forgetlab::test;

namespace {

// A language-model experiment with a non-default value in every field the form edits.
ExperimentConfig languageConfig() {
    ExperimentConfig c;
    c.name = "lm-roundtrip";
    c.description = "English, then Spanish";
    c.seed = 7;
    c.text_dir = "/tmp/fortunes-somewhere";
    c.model.kind = "gpt";
    c.model.head = "shared";
    c.model.n_layer = 2;
    c.model.n_head = 2;
    c.model.n_embd = 64;
    c.model.context = 48;
    c.model.tokenizer = "bpe";
    c.model.tokenizer_dir = "/tmp/tokenizer";
    c.model.checkpoint = "/tmp/no-checkpoint-here";
    c.model.lora_rank = 4;
    c.model.lora_alpha = 8;
    c.model.lora_targets = {"mlp.c_proj", "attn.c_attn"};  // not in display order
    for (forgetlab::PhaseConfig* p : {&c.upstream, &c.downstream}) {
        p->task.kind = "text";
        p->task.train_size = 300;
        p->task.test_size = 60;
        p->steps = 25;
        p->batch_size = 4;
        p->optimizer.name = "adamw";
        p->optimizer.lr = 0.003;
    }
    c.upstream.task.language = "en";
    c.upstream.task.domains = {"science", "literature"};
    c.downstream.task.language = "es";
    c.downstream.task.domains = {};
    c.eval.samples_every = 7;
    c.eval.samples_prompts = {"Hola, ", "Érase una vez <&>"};
    c.eval.samples_tokens = 33;
    c.eval.samples_temperature = 0.5;
    return c;
}

// Field by field where configToJson leaves something out (fields of the other kind).
void compareConfigs(const ExperimentConfig& a, const ExperimentConfig& b) {
    QCOMPARE(QString::fromStdString(forgetlab::configToJson(b)),
             QString::fromStdString(forgetlab::configToJson(a)));
    QCOMPARE(b.text_dir, a.text_dir);
    QCOMPARE(b.data_dir, a.data_dir);
    QCOMPARE(b.model.kind, a.model.kind);
    QCOMPARE(b.model.hidden, a.model.hidden);
    QCOMPARE(b.model.channels, a.model.channels);
    QCOMPARE(b.model.n_layer, a.model.n_layer);
    QCOMPARE(b.model.n_head, a.model.n_head);
    QCOMPARE(b.model.n_embd, a.model.n_embd);
    QCOMPARE(b.model.context, a.model.context);
    QCOMPARE(b.model.tokenizer, a.model.tokenizer);
    QCOMPARE(b.model.tokenizer_dir, a.model.tokenizer_dir);
    QCOMPARE(b.model.checkpoint, a.model.checkpoint);
    QCOMPARE(b.model.lora_rank, a.model.lora_rank);
    QCOMPARE(b.model.lora_alpha, a.model.lora_alpha);
    QCOMPARE(b.model.lora_targets, a.model.lora_targets);
    for (auto [pa, pb] :
         {std::make_pair(&a.upstream, &b.upstream), std::make_pair(&a.downstream, &b.downstream)}) {
        QCOMPARE(pb->task.kind, pa->task.kind);
        QCOMPARE(pb->task.language, pa->task.language);
        QCOMPARE(pb->task.domains, pa->task.domains);
        QCOMPARE(pb->task.classes, pa->task.classes);
        QCOMPARE(pb->task.rotation, pa->task.rotation);
        QCOMPARE(pb->task.train_size, pa->task.train_size);
        QCOMPARE(pb->task.test_size, pa->task.test_size);
    }
    QCOMPARE(b.eval.samples_every, a.eval.samples_every);
    QCOMPARE(b.eval.samples_prompts, a.eval.samples_prompts);
    QCOMPARE(b.eval.samples_tokens, a.eval.samples_tokens);
    QCOMPARE(b.eval.samples_temperature, a.eval.samples_temperature);
}

}  // namespace

class TestSetupPanel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void defaultPresetIsReady();
    void badValueShowsErrorBesideField_data();
    void badValueShowsErrorBesideField();
    void presetChoiceReplacesFields();
    void configRoundTrip_data();
    void configRoundTrip();
    void unknownLoraTargetCanBeUnchecked();
    void textTaskFieldsFollowKind();
    void gptParameterCount();
    void samplesNeedALanguageModel();
    void everyPresetRoundTrips();

private:
    QTemporaryDir m_dir;
};

void TestSetupPanel::initTestCase() {
    QVERIFY(m_dir.isValid());
}

void TestSetupPanel::defaultPresetIsReady() {
    MainWindow window;
    QVERIFY(window.openDatabase(m_dir.filePath(QStringLiteral("runs.db"))));
    QCOMPARE(window.setupPanel()->currentPresetName(), QStringLiteral("split-fmnist-sgd"));
    QVERIFY2(window.setupPanel()->isValid(), "default preset should validate");
    QVERIFY(window.runActions()->start()->isEnabled());
    QVERIFY(!window.runActions()->pauseResume()->isEnabled());
    QVERIFY(!window.runActions()->stop()->isEnabled());
}

void TestSetupPanel::badValueShowsErrorBesideField_data() {
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("bad");
    QTest::addColumn<QString>("good");
    QTest::newRow("negative learning rate") << QStringLiteral("downstream.optimizer.lr")
                                            << QStringLiteral("-0.1") << QStringLiteral("0.05");
    QTest::newRow("learning rate not a number") << QStringLiteral("downstream.optimizer.lr")
                                                << QStringLiteral("fast") << QStringLiteral("0.01");
    QTest::newRow("upstream weight decay not a number")
        << QStringLiteral("upstream.optimizer.weight_decay") << QStringLiteral("1e-")
        << QStringLiteral("0");
    QTest::newRow("class list with a word") << QStringLiteral("downstream.task.classes")
                                            << QStringLiteral("5, six") << QStringLiteral("5, 6");
}

void TestSetupPanel::badValueShowsErrorBesideField() {
    QFETCH(QString, path);
    QFETCH(QString, bad);
    QFETCH(QString, good);
    MainWindow window;
    window.show();
    QVERIFY(window.openDatabase(m_dir.filePath(QStringLiteral("runs.db"))));
    auto* startButton = window.findChild<QToolButton*>(QStringLiteral("startButton"));
    QVERIFY(startButton);
    QVERIFY(startButton->isEnabled());

    typeInto(&window, path, bad);
    auto* error = window.findChild<QLabel*>(path + QStringLiteral(".error"));
    QVERIFY(error);
    QVERIFY2(!error->isHidden(), qPrintable(path + " should show an error"));
    QVERIFY(!error->text().isEmpty());
    QVERIFY(!window.setupPanel()->isValid());
    QVERIFY(!startButton->isEnabled());
    QVERIFY(!window.runActions()->start()->isEnabled());
    // Clicking the disabled button starts nothing.
    QTest::mouseClick(startButton, Qt::LeftButton);
    QVERIFY(!window.runActions()->stop()->isEnabled());

    typeInto(&window, path, good);
    QVERIFY(error->isHidden());
    QVERIFY(window.setupPanel()->isValid());
    QVERIFY(startButton->isEnabled());
}

void TestSetupPanel::presetChoiceReplacesFields() {
    MainWindow window;
    QVERIFY(window.selectPreset(QStringLiteral("split-fmnist-sam")));
    auto* sam = window.findChild<QComboBox*>(QStringLiteral("downstream.optimizer.sam"));
    QVERIFY(sam);
    QCOMPARE(sam->currentData().toString(), QStringLiteral("sam"));
    QCOMPARE(window.setupPanel()->config().downstream.optimizer.sam, std::string("sam"));
    QVERIFY(window.selectPreset(QStringLiteral("split-fmnist-sgd")));
    QCOMPARE(sam->currentData().toString(), QStringLiteral("none"));
    QVERIFY(!window.selectPreset(QStringLiteral("no-such-preset")));
}

void TestSetupPanel::configRoundTrip_data() {
    QTest::addColumn<QString>("which");
    QTest::newRow("defaults") << QStringLiteral("defaults");
    QTest::newRow("language model") << QStringLiteral("language");
    QTest::newRow("language model from scratch, byte tokens") << QStringLiteral("language-byte");
    QTest::newRow("image tasks with transforms") << QStringLiteral("images");
}

void TestSetupPanel::configRoundTrip() {
    QFETCH(QString, which);
    ExperimentConfig c;
    if (which.startsWith(QLatin1String("language"))) c = languageConfig();
    if (which == QLatin1String("language-byte")) {
        c.model.tokenizer = "byte";
        c.model.tokenizer_dir.clear();
        c.model.checkpoint.clear();
        c.model.lora_rank = 0;
        c.model.lora_targets = {"attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj"};
        c.eval.samples_temperature = 0;
        c.eval.samples_prompts = {"  indented", "tab\there"};
    }
    if (which == QLatin1String("images")) {
        c.model.kind = "cnn";
        c.model.channels = {8, 16, 32};
        c.upstream.task.kind = "permuted";
        c.upstream.task.permutation_seed = 5;
        c.downstream.task.classes = {7, 8, 9};
        c.downstream.task.rotation = 30;
        c.downstream.task.noise = 0.25;
        c.downstream.task.label_permutation_seed = 3;
        c.text_dir = "/elsewhere";
    }
    SetupPanel panel;
    panel.setConfig(c);
    const ExperimentConfig back = panel.config();
    compareConfigs(c, back);
    // And once more through the form: setConfig(config()) changes nothing.
    panel.setConfig(back);
    compareConfigs(c, panel.config());
}

void TestSetupPanel::unknownLoraTargetCanBeUnchecked() {
    MainWindow window;
    ExperimentConfig c = languageConfig();
    c.model.tokenizer = "byte";
    c.model.checkpoint.clear();
    c.model.lora_targets = {"attn.c_attn", "attn.q_proj"};
    window.setupPanel()->setConfig(c);
    QCOMPARE(window.setupPanel()->config().model.lora_targets, c.model.lora_targets);
    auto* error = window.findChild<QLabel*>(QStringLiteral("model.lora.targets.error"));
    QVERIFY(error);
    QVERIFY2(!error->isHidden(), "the unknown projection is named beside the targets");
    QVERIFY(error->text().contains(QStringLiteral("attn.q_proj")));
    auto* unknown = window.findChild<QCheckBox*>(QStringLiteral("loraTarget.attn.q_proj"));
    QVERIFY(unknown);
    QVERIFY(unknown->isChecked());
    unknown->click();
    QCOMPARE(window.setupPanel()->config().model.lora_targets,
             std::vector<std::string>{"attn.c_attn"});
    QVERIFY(error->isHidden());
}

void TestSetupPanel::textTaskFieldsFollowKind() {
    MainWindow window;
    window.show();
    QWidget* w = &window;
    auto* classes = field<QLineEdit>(w, QStringLiteral("downstream.task.classes"));
    auto* rotation = field<QLineEdit>(w, QStringLiteral("downstream.task.rotation"));
    auto* language = field<QComboBox>(w, QStringLiteral("downstream.task.language"));
    auto* domains = field<QLineEdit>(w, QStringLiteral("downstream.task.domains"));
    QVERIFY(classes->isEnabled());
    QVERIFY(!language->isEnabled());
    QVERIFY(!domains->isEnabled());
    chooseValue(w, QStringLiteral("downstream.task.kind"), QStringLiteral("text"));
    QVERIFY(!classes->isEnabled());
    QVERIFY(!rotation->isEnabled());
    QVERIFY(language->isEnabled());
    QVERIFY(domains->isEnabled());
    QCOMPARE(language->count(), 3);
    QVERIFY(language->itemText(language->findData(QStringLiteral("de")))
                .contains(QStringLiteral("fortunes-de")));
    chooseValue(w, QStringLiteral("downstream.task.language"), QStringLiteral("es"));
    typeInto(w, QStringLiteral("downstream.task.domains"), QStringLiteral("amistad, arte"));
    const ExperimentConfig c = window.setupPanel()->config();
    QCOMPARE(c.downstream.task.kind, std::string("text"));
    QCOMPARE(c.downstream.task.language, std::string("es"));
    QCOMPARE(c.downstream.task.domains, (std::vector<std::string>{"amistad", "arte"}));
    // A classifier cannot learn text: the engine's message sits beside the model kind.
    QVERIFY(!window.setupPanel()->isValid());
    auto* kindError = window.findChild<QLabel*>(QStringLiteral("model.kind.error"));
    QVERIFY(kindError && !kindError->isHidden());
    chooseValue(w, QStringLiteral("downstream.task.kind"), QStringLiteral("classes"));
    QVERIFY(classes->isEnabled());
    QVERIFY(!domains->isEnabled());
    QVERIFY(window.setupPanel()->isValid());
}

void TestSetupPanel::gptParameterCount() {
    QCOMPARE(forgetlab::ui::gptParameterCount(4, 128, 128, 256), int64_t(842'496));
    // GPT-2 small: 124,439,808 parameters with tied embeddings.
    QCOMPARE(forgetlab::ui::gptParameterCount(12, 768, 1024, 50257), int64_t(124'439'808));
    QCOMPARE(forgetlab::ui::loraParameterCount(4, 128, 8, {"attn.c_attn", "attn.c_proj"}),
             int64_t(24'576));

    MainWindow window;
    window.show();
    QWidget* w = &window;
    auto* size = window.findChild<QLabel*>(QStringLiteral("gptParameters"));
    auto* trainable = window.findChild<QLabel*>(QStringLiteral("loraParameters"));
    QVERIFY(size && trainable);
    auto* hidden = field<QLineEdit>(w, QStringLiteral("model.hidden"));
    // Visible within the Model tab (which need not be the current tab).
    auto* editor = window.findChild<forgetlab::ui::ModelEditor*>();
    QVERIFY(editor);
    QVERIFY(!size->isVisibleTo(editor));
    QVERIFY(hidden->isVisibleTo(editor));

    chooseValue(w, QStringLiteral("model.kind"), QStringLiteral("gpt"));
    QVERIFY(size->isVisibleTo(editor));
    QVERIFY(!hidden->isVisibleTo(editor));
    QVERIFY(!hidden->isEnabled());
    QVERIFY(field<QSpinBox>(w, QStringLiteral("model.gpt.n_layer"))->isEnabled());
    // The defaults: 4 layers, width 128, context 128, byte vocabulary 256.
    QVERIFY2(size->text().contains(QStringLiteral("842,496")), qPrintable(size->text()));
    QVERIFY(trainable->text().contains(QStringLiteral("off")));

    setSpin(w, QStringLiteral("model.lora.rank"), 8);
    QVERIFY(window.findChild<QCheckBox*>(QStringLiteral("loraTarget.attn.c_attn"))->isChecked());
    QVERIFY(window.findChild<QCheckBox*>(QStringLiteral("loraTarget.attn.c_proj"))->isChecked());
    QVERIFY2(trainable->text().contains(QStringLiteral("24,576")), qPrintable(trainable->text()));
    // Live: another target, another width.
    window.findChild<QCheckBox*>(QStringLiteral("loraTarget.mlp.c_fc"))->click();
    QVERIFY2(trainable->text().contains(QStringLiteral("45,056")), qPrintable(trainable->text()));
    QCOMPARE(window.setupPanel()->config().model.lora_targets,
             (std::vector<std::string>{"attn.c_attn", "attn.c_proj", "mlp.c_fc"}));
    setSpin(w, QStringLiteral("model.gpt.n_embd"), 64);
    // 256*64 + 128*64 + 4*(12*64^2 + 13*64) + 2*64 = 224,640
    QVERIFY2(size->text().contains(QStringLiteral("224,640")), qPrintable(size->text()));

    // A checkpoint folder sets the sizes from its config.json.
    QTemporaryDir checkpoint;
    QFile config(checkpoint.filePath(QStringLiteral("config.json")));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(R"({"model_type":"gpt2","n_layer":2,"n_head":2,"n_embd":32,)"
                 R"("n_positions":64,"vocab_size":300})");
    config.close();
    typeInto(w, QStringLiteral("model.gpt.checkpoint"), checkpoint.path());
    QVERIFY(!field<QSpinBox>(w, QStringLiteral("model.gpt.n_layer"))->isEnabled());
    // 300*32 + 64*32 + 2*(12*32^2 + 13*32) + 2*32 = 37,120
    QVERIFY2(size->text().contains(QStringLiteral("37,120")), qPrintable(size->text()));

    chooseValue(w, QStringLiteral("model.kind"), QStringLiteral("mlp"));
    QVERIFY(!size->isVisibleTo(editor));
    QVERIFY(hidden->isEnabled());
}

void TestSetupPanel::samplesNeedALanguageModel() {
    MainWindow window;
    QWidget* w = &window;
    auto* every = field<QSpinBox>(w, QStringLiteral("eval.samples.every"));
    auto* prompts = field<QPlainTextEdit>(w, QStringLiteral("eval.samples.prompts"));
    QVERIFY(!every->isEnabled());
    ExperimentConfig c = languageConfig();
    c.model.tokenizer = "byte";
    c.model.checkpoint.clear();
    window.setupPanel()->setConfig(c);
    QVERIFY(every->isEnabled());
    QCOMPARE(prompts->toPlainText(), QStringLiteral("Hola, \nÉrase una vez <&>"));
    // One prompt per line; a trailing newline adds none.
    prompts->setPlainText(QStringLiteral("First line\nSecond one \n"));
    QCOMPARE(window.setupPanel()->config().eval.samples_prompts,
             (std::vector<std::string>{"First line", "Second one "}));
    // A prompt longer than the context is reported beside the prompts.
    prompts->setPlainText(QString(60, QLatin1Char('x')));
    auto* error = window.findChild<QLabel*>(QStringLiteral("eval.samples.prompts.error"));
    QVERIFY(error);
    QVERIFY2(!error->isHidden(), "too long a prompt is named beside the prompts");
    QVERIFY(!window.setupPanel()->isValid());
}

// Each preset shows in the form exactly as written (the language-model ones too) and is
// ready to Start.
void TestSetupPanel::everyPresetRoundTrips() {
    QStringList problems;
    const QVector<forgetlab::ui::PresetChoice> presets =
        forgetlab::app::loadPresetChoices(&problems);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
    QVERIFY(!presets.isEmpty());
    MainWindow window;
    for (const forgetlab::ui::PresetChoice& p : presets) {
        QVERIFY(window.selectPreset(p.name));
        compareConfigs(p.config, window.setupPanel()->config());
        QVERIFY2(window.setupPanel()->isValid(),
                 qPrintable(p.name + QStringLiteral(": ") +
                            QString::fromStdString(
                                forgetlab::formatErrors(window.setupPanel()->errors()))));
    }
}

QTEST_MAIN(TestSetupPanel)
#include "test_setup_panel.moc"
