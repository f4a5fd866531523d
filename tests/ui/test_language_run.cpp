// A language model in the real window: a tiny GPT set up through the widgets (English
// fortunes, then German), Start, and the Samples tab fills live with what the model wrote
// before fine-tuning and every 10 steps; the plots speak of log-perplexity; the run is
// listed and, selected again (in a fresh window too), shows its stored samples.

#include <QCheckBox>
#include <QLabel>
#include <QListWidget>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>

#include "app/bridge/main_window.h"
#include "app/bridge/jobs/run_controller.h"
#include "engine/store/store.h"
#include "tests/ui/ui_test_helpers.h"
#include "ui/live/live_plots.h"
#include "ui/setup/model_editor.h"
#include "ui/common/qcp.h"
#include "ui/runs/run_list.h"
#include "ui/samples/samples_panel.h"
#include "ui/setup/setup_panel.h"

using forgetlab::RunSummary;
using forgetlab::app::MainWindow;
using forgetlab::ui::LivePlots;
using forgetlab::ui::SamplesPanel;
using namespace forgetlab::test;

namespace {

const QStringList kPrompts = {QStringLiteral("The meaning of life is"),
                              QStringLiteral("Das Leben ist")};

// The tiny language-model experiment of the brief, typed into the setup panel.
void setUpTinyGpt(MainWindow& window) {
    QWidget* w = &window;
    typeInto(w, QStringLiteral("name"), QStringLiteral("tiny-gpt"));
    chooseValue(w, QStringLiteral("model.kind"), QStringLiteral("gpt"));
    chooseValue(w, QStringLiteral("model.head"), QStringLiteral("shared"));
    setSpin(w, QStringLiteral("model.gpt.n_layer"), 1);
    setSpin(w, QStringLiteral("model.gpt.n_head"), 2);
    setSpin(w, QStringLiteral("model.gpt.n_embd"), 32);
    setSpin(w, QStringLiteral("model.gpt.context"), 32);
    chooseValue(w, QStringLiteral("model.gpt.tokenizer"), QStringLiteral("byte"));
    for (const char* phase : {"upstream", "downstream"}) {
        const QString p = QString::fromLatin1(phase);
        chooseValue(w, p + QStringLiteral(".task.kind"), QStringLiteral("text"));
        chooseValue(w, p + QStringLiteral(".task.language"),
                    p == QLatin1String("upstream") ? QStringLiteral("en") : QStringLiteral("de"));
        setSpin(w, p + QStringLiteral(".task.train_size"), 200);
        setSpin(w, p + QStringLiteral(".task.test_size"), 50);
        setSpin(w, p + QStringLiteral(".steps"), 20);
        setSpin(w, p + QStringLiteral(".batch_size"), 8);
        chooseValue(w, p + QStringLiteral(".optimizer.name"), QStringLiteral("adamw"));
        chooseValue(w, p + QStringLiteral(".optimizer.sam"), QStringLiteral("none"));
        typeInto(w, p + QStringLiteral(".optimizer.lr"), QStringLiteral("0.003"));
    }
    setSpin(w, QStringLiteral("eval.every"), 10);
    setSpin(w, QStringLiteral("eval.hessian_every"), 0);
    setSpin(w, QStringLiteral("eval.trace_every"), 0);
    setSpin(w, QStringLiteral("eval.example_losses"), 20);
    setSpin(w, QStringLiteral("eval.probe_size"), 16);
    setSpin(w, QStringLiteral("eval.samples.every"), 10);
    setSpin(w, QStringLiteral("eval.samples.tokens"), 12);
    setSpin(w, QStringLiteral("sequence.tasks"), 0);
}

// Every prompt is shown with a non-empty continuation at each of the steps.
void verifySamples(SamplesPanel* panel) {
    QCOMPARE(panel->steps(), (QList<qint64>{0, 10, 20}));
    for (qint64 step : {0, 10, 20}) {
        QVERIFY(panel->selectStep(step));
        QCOMPARE(panel->currentStep(), step);
        const auto set = panel->sampleSet(step);
        QVERIFY(set);
        QCOMPARE(set->samples.size(), kPrompts.size());
        const QString shown = panel->shownText();
        for (int i = 0; i < kPrompts.size(); ++i) {
            const forgetlab::ui::SampleText& s = set->samples.at(i);
            QCOMPARE(s.prompt, kPrompts.at(i));
            QVERIFY2(!s.greedy.isEmpty(), qPrintable(QStringLiteral("step %1").arg(step)));
            QVERIFY(s.hasSampled);
            QVERIFY(!s.sampled.isEmpty());
            QVERIFY2(shown.contains(kPrompts.at(i)), qPrintable(shown));
            // Control characters are drawn as symbols; everything else verbatim.
            const bool plain = std::none_of(s.greedy.begin(), s.greedy.end(), [](QChar c) {
                return c.unicode() < 0x20 && c != QLatin1Char('\n') && c != QLatin1Char('\t');
            });
            if (plain) {
                QVERIFY2(shown.contains(kPrompts.at(i) + s.greedy),
                         qPrintable(kPrompts.at(i) + s.greedy + QStringLiteral(" in\n") + shown));
            }
        }
    }
}

}  // namespace

class TestLanguageRun : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void tinyGptShowsSamples();
    void storedRunShowsItsSamples();
    void loraTrainsWhatTheFormSays();

private:
    QString dbPath() const { return m_dir.filePath(QStringLiteral("runs.db")); }
    QTemporaryDir m_dir;
    qint64 m_run = 0;
};

void TestLanguageRun::initTestCase() {
    qRegisterMetaType<RunSummary>();
    QVERIFY(m_dir.isValid());
}

void TestLanguageRun::tinyGptShowsSamples() {
    MainWindow window;
    window.show();
    QVERIFY(window.openDatabase(dbPath()));
    setUpTinyGpt(window);
    QVERIFY2(
        window.setupPanel()->isValid(),
        qPrintable(QString::fromStdString(forgetlab::formatErrors(window.setupPanel()->errors()))));
    const forgetlab::ExperimentConfig config = window.setupPanel()->config();
    QCOMPARE(config.model.kind, std::string("gpt"));
    QCOMPARE(config.downstream.task.language, std::string("de"));
    QCOMPARE(config.eval.samples_tokens, 12);
    // The Model tab's count: 256*32 + 32*32 + 1*(12*32^2 + 13*32) + 2*32 = 21,984.
    auto* size = window.findChild<QLabel*>(QStringLiteral("gptParameters"));
    QVERIFY(size);
    QVERIFY2(size->text().contains(QStringLiteral("21,984")), qPrintable(size->text()));

    QVERIFY(window.showTab(QStringLiteral("samples")));
    QCOMPARE(window.currentTab(), QStringLiteral("samples"));
    SamplesPanel* panel = window.samplesPanel();
    QVERIFY(panel);
    QCOMPARE(window.findChild<SamplesPanel*>(QStringLiteral("samplesPanel")), panel);
    // Steps selected as they arrive: the live feed (the stored reload selects only the last).
    QSignalSpy shownSteps(panel, &SamplesPanel::currentStepChanged);

    RunSummary summary;
    QVERIFY(runExperimentToEnd(window, &summary, 120'000));
    QCOMPARE(QString::fromStdString(summary.status), QStringLiteral("done"));
    QVERIFY(summary.language);
    QCOMPARE(summary.steps, int64_t(20));
    // Without LoRA every weight is fine-tuned: the engine counts what the form showed.
    QCOMPARE(summary.trainable_parameters, forgetlab::ui::gptParameterCount(1, 32, 32, 256));
    m_run = summary.run_id;

    QList<qint64> seen;
    for (const QList<QVariant>& args : shownSteps) seen << args.first().toLongLong();
    QVERIFY2(seen.contains(0) && seen.contains(10),
             qPrintable(QStringLiteral("live steps shown: %1").arg(seen.size())));
    QCOMPARE(panel->currentStep(), qint64(20));  // the newest
    QVERIFY(panel->explanation().contains(QStringLiteral("English degrade")));
    verifySamples(panel);

    // The plots say what the numbers are for a language model.
    LivePlots* plots = window.plots();
    QVERIFY(plots->hasRun(m_run));
    QVERIFY(plots->languageLabels());
    QVERIFY(plots->plot(LivePlots::kLossPlot)
                ->yAxis->label()
                .contains(QStringLiteral("log-perplexity (nats/token)")));
    QCOMPARE(plots->plot(LivePlots::kAccuracyPlot)->yAxis->label(),
             QStringLiteral("next-token accuracy"));
    QVERIFY(plots->pointCount(m_run, QStringLiteral("down_test_loss")) >= 3);

    QVERIFY(window.runList()->runIds().contains(m_run));
    QCOMPARE(window.runList()->runStatus(m_run), QStringLiteral("done"));
    QCOMPARE(window.runList()->currentRunId(), m_run);

    // What the tab shows is what the database keeps.
    forgetlab::Store store(dbPath().toStdString());
    int stored = 0;
    for (const forgetlab::EventRow& e : store.events(m_run)) stored += e.kind == "samples";
    QCOMPARE(stored, 3);
}

void TestLanguageRun::storedRunShowsItsSamples() {
    QVERIFY(m_run > 0);
    MainWindow window;
    window.show();
    QVERIFY(window.openDatabase(dbPath()));
    SamplesPanel* panel = window.samplesPanel();
    QVERIFY(panel->isEmpty());
    QVERIFY(panel->shownText().contains(QStringLiteral("No samples")));
    window.runList()->selectRun(m_run);
    QTRY_COMPARE(window.runList()->currentRunId(), m_run);
    QCOMPARE(panel->currentStep(), qint64(20));
    verifySamples(panel);
    QVERIFY(window.plots()->languageLabels());
}

// LoRA: the trainable count the Model tab shows is the one the engine trains.
void TestLanguageRun::loraTrainsWhatTheFormSays() {
    MainWindow window;
    window.show();
    QVERIFY(window.openDatabase(dbPath()));
    setUpTinyGpt(window);
    typeInto(&window, QStringLiteral("name"), QStringLiteral("tiny-gpt-lora"));
    setSpin(&window, QStringLiteral("model.lora.rank"), 4);
    window.findChild<QCheckBox*>(QStringLiteral("loraTarget.attn.c_proj"))->setChecked(false);
    window.findChild<QCheckBox*>(QStringLiteral("loraTarget.mlp.c_proj"))->setChecked(true);
    setSpin(&window, QStringLiteral("eval.samples.every"), 0);
    QVERIFY(window.setupPanel()->isValid());
    const std::vector<std::string> targets = {"attn.c_attn", "mlp.c_proj"};
    QCOMPARE(window.setupPanel()->config().model.lora_targets, targets);
    // 1 layer * (4*(32 + 96) + 4*(128 + 32)) = 1,152
    const int64_t adapters = forgetlab::ui::loraParameterCount(1, 32, 4, targets);
    QCOMPARE(adapters, int64_t(1152));
    auto* trainable = window.findChild<QLabel*>(QStringLiteral("loraParameters"));
    QVERIFY2(trainable->text().contains(QStringLiteral("1,152")), qPrintable(trainable->text()));

    RunSummary summary;
    QVERIFY(runExperimentToEnd(window, &summary, 120'000));
    QCOMPARE(QString::fromStdString(summary.status), QStringLiteral("done"));
    QCOMPARE(summary.trainable_parameters, adapters);
    // Samples off: the tab says so rather than waiting for text.
    QCOMPARE(window.runList()->currentRunId(), summary.run_id);
    QVERIFY(window.samplesPanel()->isEmpty());
    QVERIFY(window.samplesPanel()->explanation().contains(QStringLiteral("no samples")));
}

QTEST_MAIN(TestLanguageRun)
#include "test_language_run.moc"
