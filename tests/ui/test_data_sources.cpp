// Your own data in the setup panel: a folder of class folders is picked through the Browse…
// button (the dialog answered by a test hook) and previewed as thumbnails with their class
// names; instruction data is previewed rendered with its template, the highlighted part being
// exactly the response; a JSONL line that is not JSON is named (file:line) beside the path
// field before Start; benchmark rows are added, named in errors and removed; every new field
// reads back as set (multi-line sample prompts too); the rows of a newly chosen source get
// their height; and runs start from the form on the image folder and on generated
// instructions.

#include <QDir>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QSettings>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include "app/bridge/main_window.h"
#include "tests/ui/ui_test_helpers.h"
#include "ui/setup/benchmark_editor.h"
#include "ui/setup/data_preview.h"
#include "ui/setup/path_dialog.h"
#include "ui/setup/setup_panel.h"
#include "ui/setup/task_editor.h"

using forgetlab::ExperimentConfig;
using forgetlab::RunSummary;
using forgetlab::app::MainWindow;
using forgetlab::ui::BenchmarkEditor;
using forgetlab::ui::DataPreview;
using forgetlab::ui::PathDialogRequest;
using forgetlab::ui::TaskEditor;
using namespace forgetlab::test;

namespace {

const QStringList kClasses = {QStringLiteral("circle"), QStringLiteral("cross"),
                              QStringLiteral("square"), QStringLiteral("stripes")};
constexpr int kPerClass = 10;

void writeFile(const QString& path, const QByteArray& text) {
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) qFatal("cannot write %s", qPrintable(path));
    f.write(text);
}

// Four classes of 16 x 16 grey PNGs, each class its own shape, each image shifted a little.
void writeImageFolder(const QString& root) {
    for (int c = 0; c < kClasses.size(); ++c) {
        const QString dir = QDir(root).filePath(kClasses.at(c));
        QDir().mkpath(dir);
        for (int i = 0; i < kPerClass; ++i) {
            QImage image(16, 16, QImage::Format_Grayscale8);
            image.fill(Qt::black);
            QPainter p(&image);
            p.setPen(QPen(Qt::white, 2));
            const int d = i % 3;
            if (c == 0) p.drawEllipse(3 + d, 3, 9, 9);
            if (c == 1) {
                p.drawLine(2 + d, 2, 13 + d, 13);
                p.drawLine(13 + d, 2, 2 + d, 13);
            }
            if (c == 2) p.drawRect(3, 3 + d, 9, 9);
            if (c == 3)
                for (int y = 1 + d; y < 16; y += 4) p.drawLine(0, y, 15, y);
            p.end();
            QVERIFY(image.save(QDir(dir).filePath(QStringLiteral("%1.png").arg(i))));
        }
    }
}

void selectTab(MainWindow& window, const QString& title) {
    auto* tabs = window.findChild<QTabWidget*>(QStringLiteral("setupTabs"));
    QVERIFY(tabs);
    for (int i = 0; i < tabs->count(); ++i)
        if (tabs->tabText(i) == title) tabs->setCurrentIndex(i);
}

DataPreview* preview(QWidget* w, const QString& phase) {
    return field<DataPreview>(w, phase + QStringLiteral(".task.preview"));
}

QString errorText(QWidget* w, const QString& path) {
    auto* label = w->findChild<QLabel*>(path + QStringLiteral(".error"));
    return label && !label->isHidden() ? label->text() : QString();
}

// A tiny GPT on the byte tokenizer, English fortunes upstream.
void setUpTinyGpt(QWidget* w, int context) {
    chooseValue(w, QStringLiteral("model.kind"), QStringLiteral("gpt"));
    chooseValue(w, QStringLiteral("model.head"), QStringLiteral("shared"));
    setSpin(w, QStringLiteral("model.gpt.n_layer"), 1);
    setSpin(w, QStringLiteral("model.gpt.n_head"), 2);
    setSpin(w, QStringLiteral("model.gpt.n_embd"), 32);
    setSpin(w, QStringLiteral("model.gpt.context"), context);
    chooseValue(w, QStringLiteral("model.gpt.tokenizer"), QStringLiteral("byte"));
    for (const char* phase : {"upstream", "downstream"}) {
        const QString p = QString::fromLatin1(phase);
        chooseValue(w, p + QStringLiteral(".task.kind"), QStringLiteral("text"));
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
    setSpin(w, QStringLiteral("eval.samples.every"), 0);
    setSpin(w, QStringLiteral("sequence.tasks"), 0);
}

QString errorsOf(MainWindow& window) {
    return QString::fromStdString(forgetlab::formatErrors(window.setupPanel()->errors()));
}

}  // namespace

class TestDataSources : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void pickedFolderIsPreviewed();
    void instructionPreviewHighlightsTheResponse();
    void rowsOfANewSourceGetTheirHeight();
    void badJsonlLineIsNamedBesideTheField();
    void benchmarkRows();
    void roundTrip();
    void runsOnTheImageFolder();
    void runsOnGeneratedInstructions();

private:
    QString file(const QString& name) const { return m_dir.filePath(name); }
    QTemporaryDir m_dir;
    QTemporaryDir m_settings;
    QString m_images;
    QList<PathDialogRequest> m_asked;
};

void TestDataSources::initTestCase() {
    qRegisterMetaType<RunSummary>();
    QVERIFY(m_dir.isValid());
    QVERIFY(m_settings.isValid());
    // QSettings of this test only, in a temporary folder.
    QCoreApplication::setOrganizationName(QStringLiteral("forgetlab-test"));
    QCoreApplication::setApplicationName(QStringLiteral("test_data_sources"));
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settings.path());
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settings.path());
    m_images = file(QStringLiteral("shapes"));
    writeImageFolder(m_images);
    writeFile(file(QStringLiteral("good.jsonl")),
              "{\"prompt\": \"Name a colour.\", \"response\": \"Blue.\"}\n"
              "{\"instruction\": \"Add the numbers.\", \"input\": \"2 and 3\", \"output\": "
              "\"5\"}\n"
              "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi!\"}, {\"role\": "
              "\"assistant\", \"content\": \"Hello.\"}]}\n");
    writeFile(file(QStringLiteral("bad.jsonl")),
              "{\"prompt\": \"Name a colour.\", \"response\": \"Blue.\"}\n"
              "{\"prompt\": \"Name a fruit.\", \"response\": \n");
    writeFile(file(QStringLiteral("bench.jsonl")),
              "{\"question\": \"Which is a colour?\", \"choices\": [\"blue\", \"dog\"], "
              "\"answer\": 0}\n"
              "{\"question\": \"Which is a number?\", \"choices\": [\"cat\"], \"answer\": 0}\n");
}

void TestDataSources::cleanup() {
    forgetlab::ui::setPathDialogHook({});
}

// Browse… on an image source opens a folder dialog; the folder chosen is remembered, and its
// thumbnails show with their class names (of the task's classes only), with the counts.
void TestDataSources::pickedFolderIsPreviewed() {
    MainWindow window;
    window.show();
    QWidget* w = &window;
    selectTab(window, QStringLiteral("Upstream"));
    chooseValue(w, QStringLiteral("upstream.task.source"), QStringLiteral("images"));
    typeInto(w, QStringLiteral("upstream.task.classes"), QStringLiteral("0, 1"));
    m_asked.clear();
    forgetlab::ui::setPathDialogHook([this](const PathDialogRequest& r) {
        m_asked << r;
        return m_images;
    });
    QTest::mouseClick(field<QToolButton>(w, QStringLiteral("upstream.task.path.browse")),
                      Qt::LeftButton);
    QCOMPARE(m_asked.size(), 1);
    QVERIFY(m_asked.first().folder);
    QCOMPARE(field<QLineEdit>(w, QStringLiteral("upstream.task.path"))->text(),
             QDir::toNativeSeparators(m_images));
    QCOMPARE(QSettings().value(QLatin1String(TaskEditor::kLastDataKey)).toString(), m_images);

    DataPreview* p = preview(w, QStringLiteral("upstream"));
    QTRY_COMPARE_WITH_TIMEOUT(p->thumbnailCount(), 2 * kPerClass, 10'000);
    QVERIFY(!p->isLoading());
    // Round-robin over the classes: circle, cross, circle, cross, ...
    QCOMPARE(p->thumbnailCaption(0), QStringLiteral("0 circle"));
    QCOMPARE(p->thumbnailCaption(1), QStringLiteral("1 cross"));
    QCOMPARE(p->thumbnailCaption(2), QStringLiteral("0 circle"));
    QCOMPARE(p->result().thumbnails.first().image.size(), QSize(28, 28));  // image_size
    QVERIFY2(p->countsText().contains(QStringLiteral("40 examples in 4 classes")),
             qPrintable(p->countsText()));
    QVERIFY2(p->countsText().contains(QStringLiteral("the task's classes: 20")),
             qPrintable(p->countsText()));
    // The counts sit under the path too, and nothing is wrong with it.
    QCOMPARE(field<QLabel>(w, QStringLiteral("upstream.task.counts"))->text(), p->countsText());
    QCOMPARE(errorText(w, QStringLiteral("upstream.task.path")), QString());

    // The next dialog opens beside the folder chosen last.
    setSpin(w, QStringLiteral("upstream.task.image_size"), 12);
    QTRY_COMPARE_WITH_TIMEOUT(p->result().thumbnails.first().image.size(), QSize(12, 12), 10'000);
    field<QLineEdit>(w, QStringLiteral("upstream.task.path"))->clear();
    forgetlab::ui::setPathDialogHook([this](const PathDialogRequest& r) {
        m_asked << r;
        return QString();  // cancelled
    });
    QTest::mouseClick(field<QToolButton>(w, QStringLiteral("upstream.task.path.browse")),
                      Qt::LeftButton);
    QCOMPARE(m_asked.size(), 2);
    QCOMPARE(m_asked.last().start, m_dir.path());
    QCOMPARE(field<QLineEdit>(w, QStringLiteral("upstream.task.path"))->text(), QString());
    QVERIFY2(errorText(w, QStringLiteral("upstream.task.path")).contains(QStringLiteral("path")),
             qPrintable(errorsOf(window)));
}

// Instruction data is shown as the template renders it; the highlighted part, what the loss
// counts, is the response (chatml: with its <|im_end|>).
void TestDataSources::instructionPreviewHighlightsTheResponse() {
    MainWindow window;
    window.show();
    QWidget* w = &window;
    setUpTinyGpt(w, 128);
    selectTab(window, QStringLiteral("Downstream"));
    chooseValue(w, QStringLiteral("downstream.task.source"), QStringLiteral("instruction"));
    field<TaskEditor>(w, QStringLiteral("downstream.task"))
        ->choosePath(file(QStringLiteral("good.jsonl")));
    chooseValue(w, QStringLiteral("downstream.task.template"), QStringLiteral("tulu"));
    DataPreview* p = preview(w, QStringLiteral("downstream"));
    QTRY_COMPARE_WITH_TIMEOUT(p->exampleCount(), 3, 10'000);
    QTRY_VERIFY_WITH_TIMEOUT(p->exampleText(0).startsWith(QStringLiteral("<|user|>")), 10'000);
    QCOMPARE(p->exampleText(0), QStringLiteral("<|user|>\nName a colour.\n<|assistant|>\nBlue."));
    QCOMPARE(p->highlightedText(0), QStringLiteral("Blue."));
    QCOMPARE(p->exampleText(1),
             QStringLiteral("<|user|>\nAdd the numbers.\n\n2 and 3\n<|assistant|>\n5"));
    QCOMPARE(p->highlightedText(1), QStringLiteral("5"));
    QCOMPARE(p->highlightedText(2), QStringLiteral("Hello."));
    QVERIFY2(p->countsText().contains(QStringLiteral("3 examples; 0 truncated")),
             qPrintable(p->countsText()));

    chooseValue(w, QStringLiteral("downstream.task.template"), QStringLiteral("chatml"));
    QTRY_VERIFY_WITH_TIMEOUT(p->exampleText(0).startsWith(QStringLiteral("<|im_start|>")), 10'000);
    QCOMPARE(p->exampleText(0),
             QStringLiteral("<|im_start|>user\nName a colour.<|im_end|>\n<|im_start|>assistant\n"
                            "Blue.<|im_end|>"));
    QCOMPARE(p->highlightedText(0), QStringLiteral("Blue.<|im_end|>"));

    // A context too short for the whole text: the response is cut, and counted. The first
    // prompt is 64 bytes: 68 tokens keep "Blue" of the response.
    setSpin(w, QStringLiteral("model.gpt.context"), 67);
    QTRY_VERIFY_WITH_TIMEOUT(p->result().examples.value(0).truncated, 10'000);
    QCOMPARE(p->highlightedText(0), QStringLiteral("Blue"));
    QVERIFY2(p->countsText().contains(QStringLiteral("truncated to the context (67 tokens)")),
             qPrintable(p->countsText()));
    QVERIFY(window.setupPanel()->isValid());
}

// Laid out with the fortunes' rows, then given another source: the new source's rows get
// their height (with QFormLayout::setRowVisible, rows hidden since lent them their zero height
// once an error label under a field made the form height-for-width).
void TestDataSources::rowsOfANewSourceGetTheirHeight() {
    MainWindow window;
    window.show();
    QVERIFY(window.selectPreset(QStringLiteral("lm-en-de-adamw")));
    QWidget* w = &window;
    selectTab(window, QStringLiteral("Downstream"));
    QTRY_VERIFY(field<QComboBox>(w, QStringLiteral("downstream.task.language"))->height() > 10);
    ExperimentConfig config = window.setupPanel()->config();
    config.downstream.task.source = "instruction";  // no path yet: an error under the field
    window.setupPanel()->setConfig(config);
    QTest::qWait(50);
    QVERIFY(!errorText(w, QStringLiteral("downstream.task.path")).isEmpty());
    QTRY_VERIFY(field<QLineEdit>(w, QStringLiteral("downstream.task.path"))->height() > 10);
    QTRY_VERIFY(field<QComboBox>(w, QStringLiteral("downstream.task.template"))->height() > 10);
    // The group box around the task grows with it (its parents are told).
    QWidget* task = field<QWidget>(w, QStringLiteral("downstream.task"));
    QWidget* box = task->parentWidget();
    QTRY_VERIFY(box->height() >= box->minimumSizeHint().height());
    QTRY_VERIFY(task->height() >= task->minimumSizeHint().height());
}

// A line that is not JSON: the file and line beside the path field, Start disabled.
void TestDataSources::badJsonlLineIsNamedBesideTheField() {
    MainWindow window;
    window.show();
    QWidget* w = &window;
    setUpTinyGpt(w, 128);
    chooseValue(w, QStringLiteral("downstream.task.source"), QStringLiteral("instruction"));
    typeInto(w, QStringLiteral("downstream.task.path"), file(QStringLiteral("bad.jsonl")));
    const QString error = errorText(w, QStringLiteral("downstream.task.path"));
    QVERIFY2(error.contains(QStringLiteral("bad.jsonl:2")), qPrintable(errorsOf(window)));
    QVERIFY(!window.setupPanel()->isValid());
    QVERIFY(!runButton(window, "startButton")->isEnabled());
    DataPreview* p = preview(w, QStringLiteral("downstream"));
    QTRY_VERIFY_WITH_TIMEOUT(p->problemsText().contains(QStringLiteral("bad.jsonl:2")), 10'000);
    QCOMPARE(p->exampleCount(), 0);

    typeInto(w, QStringLiteral("downstream.task.path"), file(QStringLiteral("good.jsonl")));
    QCOMPARE(errorText(w, QStringLiteral("downstream.task.path")), QString());
    QVERIFY2(window.setupPanel()->isValid(), qPrintable(errorsOf(window)));
    QTRY_COMPARE_WITH_TIMEOUT(p->exampleCount(), 3, 10'000);
}

// Benchmark rows: added with the buttons, a file chosen with Browse…, its problem named under
// the row's file field with the line; removed again.
void TestDataSources::benchmarkRows() {
    MainWindow window;
    window.show();
    QWidget* w = &window;
    setUpTinyGpt(w, 128);
    selectTab(window, QStringLiteral("Eval"));
    auto* editor = window.findChild<BenchmarkEditor*>();
    QVERIFY(editor);
    QTest::mouseClick(field<QPushButton>(w, QStringLiteral("eval.benchmarks.addFile")),
                      Qt::LeftButton);
    QCOMPARE(editor->count(), 1);
    forgetlab::ui::setPathDialogHook([this](const PathDialogRequest& r) {
        m_asked << r;
        return file(QStringLiteral("bench.jsonl"));
    });
    QTest::mouseClick(field<QToolButton>(w, QStringLiteral("eval.benchmarks[0].file.browse")),
                      Qt::LeftButton);
    QCOMPARE(field<QLineEdit>(w, QStringLiteral("eval.benchmarks[0].file"))->text(),
             QDir::toNativeSeparators(file(QStringLiteral("bench.jsonl"))));
    QVERIFY2(errorText(w, QStringLiteral("eval.benchmarks[0].file"))
                 .contains(QStringLiteral("bench.jsonl:2")),
             qPrintable(errorsOf(window)));
    setSpin(w, QStringLiteral("eval.benchmarks[0].shots"), 30);
    QVERIFY(!errorText(w, QStringLiteral("eval.benchmarks[0].shots")).isEmpty());

    QTest::mouseClick(field<QPushButton>(w, QStringLiteral("eval.benchmarks.addCloze")),
                      Qt::LeftButton);
    QCOMPARE(editor->count(), 2);
    chooseValue(w, QStringLiteral("eval.benchmarks[1].language"), QStringLiteral("de"));
    setSpin(w, QStringLiteral("eval.benchmarks[1].items"), 40);
    setSpin(w, QStringLiteral("eval.benchmark_every"), 25);
    ExperimentConfig config = window.setupPanel()->config();
    QCOMPARE(config.eval.benchmarks.size(), size_t(2));
    QCOMPARE(config.eval.benchmarks[0].shots, 30);
    QCOMPARE(config.eval.benchmarks[1].builtin, std::string("fortune-cloze"));
    QCOMPARE(config.eval.benchmark_every, 25);

    QTest::mouseClick(field<QToolButton>(w, QStringLiteral("eval.benchmarks[0].remove")),
                      Qt::LeftButton);
    QCOMPARE(editor->count(), 1);
    config = window.setupPanel()->config();
    QCOMPARE(config.eval.benchmarks.size(), size_t(1));
    QCOMPARE(config.eval.benchmarks[0].builtin, std::string("fortune-cloze"));
    QCOMPARE(config.eval.benchmarks[0].language, std::string("de"));
    QCOMPARE(config.eval.benchmarks[0].items, 40);
    QVERIFY2(window.setupPanel()->isValid(), qPrintable(errorsOf(window)));
    QVERIFY(!field<QWidget>(w, QStringLiteral("eval.benchmarks[1]"))->isVisible());
}

// Every source field, and the benchmarks, read back as set (config -> widgets -> config).
void TestDataSources::roundTrip() {
    MainWindow window;
    ExperimentConfig a = window.setupPanel()->config();
    QCOMPARE(a.upstream.task.source, std::string());  // a preset without task.source keeps it
    QCOMPARE(a.downstream.task.source, std::string());
    a.model.kind = "gpt";
    a.upstream.task.kind = "text";
    a.upstream.task.source = "files";
    a.upstream.task.path = "/tmp/corpus";
    a.upstream.task.split = "line";
    a.upstream.task.text_field = "body";
    a.upstream.task.chat_template = "llama2";
    a.upstream.task.generator = "arithmetic";
    a.upstream.task.image_size = 20;
    a.upstream.task.channels = 3;
    a.upstream.task.label_column = "y";
    a.downstream.task.kind = "text";
    a.downstream.task.source = "generated";
    a.downstream.task.chat_template = "model";
    a.downstream.task.path = "/tmp/kept-while-hidden.jsonl";
    a.eval.benchmark_every = 40;
    forgetlab::BenchmarkConfig file;
    file.name = "mmlu-astro";
    file.file = "/tmp/astronomy.csv";
    file.shots = 5;
    file.shots_file = "/tmp/astronomy_dev.csv";
    forgetlab::BenchmarkConfig cloze;
    cloze.builtin = "fortune-cloze";
    cloze.language = "es";
    cloze.items = 64;
    a.eval.benchmarks = {file, cloze};
    // Instruction prompts hold line breaks (written \n in the one-line-per-prompt field).
    a.eval.samples_prompts = {"<|user|>\nWhat is 2 + 2?\n<|assistant|>\n", "back\\slash \\n"};
    for (int pass = 0; pass < 2; ++pass) {
        window.setupPanel()->setConfig(a);
        const ExperimentConfig b = window.setupPanel()->config();
        QCOMPARE(QString::fromStdString(forgetlab::configToJson(b)),
                 QString::fromStdString(forgetlab::configToJson(a)));
        // Field by field where configToJson leaves something out (fields of another source).
        for (const auto& [x, y] : {std::pair{&a.upstream.task, &b.upstream.task},
                                   std::pair{&a.downstream.task, &b.downstream.task}}) {
            QCOMPARE(y->source, x->source);
            QCOMPARE(y->path, x->path);
            QCOMPARE(y->split, x->split);
            QCOMPARE(y->text_field, x->text_field);
            QCOMPARE(y->chat_template, x->chat_template);
            QCOMPARE(y->generator, x->generator);
            QCOMPARE(y->image_size, x->image_size);
            QCOMPARE(y->channels, x->channels);
            QCOMPARE(y->label_column, x->label_column);
        }
        QCOMPARE(b.eval.samples_prompts, a.eval.samples_prompts);
        for (size_t i = 0; i < a.eval.benchmarks.size(); ++i) {
            const auto& x = a.eval.benchmarks[i];
            const auto& y = b.eval.benchmarks[i];
            QCOMPARE(y.name, x.name);
            QCOMPARE(y.file, x.file);
            QCOMPARE(y.shots, x.shots);
            QCOMPARE(y.shots_file, x.shots_file);
            QCOMPARE(y.builtin, x.builtin);
            QCOMPARE(y.language, x.language);
            QCOMPARE(y.items, x.items);
        }
        // The second pass: image sources on a classifier.
        a.model.kind = "mlp";
        a.upstream.task.kind = "permuted";
        a.upstream.task.source = "csv";
        a.downstream.task.kind = "classes";
        a.downstream.task.source = "fashion-mnist";
        a.eval.benchmarks.pop_back();
    }
}

// A small classifier trained on the picked image folder: classes 0-1, then 2-3.
void TestDataSources::runsOnTheImageFolder() {
    MainWindow window;
    window.show();
    QVERIFY(window.openDatabase(file(QStringLiteral("images.db"))));
    QWidget* w = &window;
    shrinkExperiment(window, 20);
    setSpin(w, QStringLiteral("sequence.tasks"), 0);
    setSpin(w, QStringLiteral("eval.example_losses"), 10);
    setSpin(w, QStringLiteral("eval.probe_size"), 8);
    for (const char* phase : {"upstream", "downstream"}) {
        const QString p = QString::fromLatin1(phase);
        chooseValue(w, p + QStringLiteral(".task.source"), QStringLiteral("images"));
        field<TaskEditor>(w, p + QStringLiteral(".task"))->choosePath(m_images);
        setSpin(w, p + QStringLiteral(".task.image_size"), 28);
        setSpin(w, p + QStringLiteral(".task.train_size"), 16);
        setSpin(w, p + QStringLiteral(".task.test_size"), 4);
        setSpin(w, p + QStringLiteral(".batch_size"), 8);
    }
    typeInto(w, QStringLiteral("upstream.task.classes"), QStringLiteral("0, 1"));
    typeInto(w, QStringLiteral("downstream.task.classes"), QStringLiteral("2, 3"));
    QVERIFY2(window.setupPanel()->isValid(), qPrintable(errorsOf(window)));
    DataPreview* p = preview(w, QStringLiteral("downstream"));
    QTRY_COMPARE_WITH_TIMEOUT(p->thumbnailCount(), 2 * kPerClass, 10'000);
    QCOMPARE(p->thumbnailCaption(0), QStringLiteral("2 square"));
    QCOMPARE(p->thumbnailCaption(1), QStringLiteral("3 stripes"));

    RunSummary summary;
    QVERIFY(runExperimentToEnd(window, &summary, 120'000));
    QVERIFY2(summary.status == "done", summary.error.c_str());
    QCOMPARE(summary.steps, int64_t(20));
}

// A tiny GPT pre-trained on fortunes and instruction-tuned on generated arithmetic, scored
// on the built-in cloze benchmark before and after.
void TestDataSources::runsOnGeneratedInstructions() {
    MainWindow window;
    window.show();
    QVERIFY(window.openDatabase(file(QStringLiteral("generated.db"))));
    QWidget* w = &window;
    setUpTinyGpt(w, 64);
    chooseValue(w, QStringLiteral("upstream.task.language"), QStringLiteral("en"));
    // The cloze cuts held-out fortunes that fit the context: enough of them.
    setSpin(w, QStringLiteral("upstream.task.test_size"), 300);
    chooseValue(w, QStringLiteral("downstream.task.source"), QStringLiteral("generated"));
    chooseValue(w, QStringLiteral("downstream.task.generator"), QStringLiteral("arithmetic"));
    chooseValue(w, QStringLiteral("downstream.task.template"), QStringLiteral("plain"));
    QTest::mouseClick(field<QPushButton>(w, QStringLiteral("eval.benchmarks.addCloze")),
                      Qt::LeftButton);
    setSpin(w, QStringLiteral("eval.benchmarks[0].items"), 4);
    QVERIFY2(window.setupPanel()->isValid(), qPrintable(errorsOf(window)));
    const ExperimentConfig config = window.setupPanel()->config();
    QCOMPARE(config.downstream.task.source, std::string("generated"));
    QCOMPARE(config.upstream.task.source, std::string());  // fortunes, by kind

    DataPreview* p = preview(w, QStringLiteral("downstream"));
    QTRY_COMPARE_WITH_TIMEOUT(p->exampleCount(), forgetlab::ui::kPreviewExamples, 10'000);
    for (int i = 0; i < p->exampleCount(); ++i) {
        // plain: "{question}\n" then the answer, which is what counts.
        const QString text = p->exampleText(i);
        QVERIFY2(text.startsWith(QStringLiteral("What is ")), qPrintable(text));
        const QString answer = text.section(QLatin1Char('\n'), 1);
        QVERIFY2(!answer.isEmpty(), qPrintable(text));
        QCOMPARE(p->highlightedText(i), answer);
    }
    QVERIFY2(p->countsText().contains(QStringLiteral("250 generated examples")),
             qPrintable(p->countsText()));
    DataPreview* up = preview(w, QStringLiteral("upstream"));
    QTRY_VERIFY_WITH_TIMEOUT(up->exampleCount() > 0, 10'000);
    QVERIFY2(up->countsText().contains(QStringLiteral("fortunes")), qPrintable(up->countsText()));

    RunSummary summary;
    QVERIFY(runExperimentToEnd(window, &summary, 180'000));
    QVERIFY2(summary.status == "done", summary.error.c_str());
    QVERIFY(summary.language);
    QCOMPARE(summary.steps, int64_t(20));
    QVERIFY2(!summary.benchmarks_before.empty(), summary.benchmarks_after.c_str());
}

QTEST_MAIN(TestDataSources)
#include "test_data_sources.moc"
