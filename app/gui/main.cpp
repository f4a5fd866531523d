// forgetlab: the desktop application. Opens the run database and the main window with
// the default preset ready to start.
//
//   forgetlab [--db PATH] [--preset NAME] [--start] [--tab live|landscape]
//             [--landscape 1d|2d|interp [--grid N]] [--hessian]
//             [--model-folder DIR] [--screenshot FILE --screenshot-after SECONDS]
//             [--run-presets A,B,... [--seeds N [--seeds-preset NAME]]]
//             [--task-source SOURCE [--task-path PATH] [--task-template NAME]]
//
// --landscape computes a landscape of the selected run (with --start: of the run just
// made, once it has finished), --hessian then also its Hessian spectrum; a screenshot is
// then taken when the last of them is shown.
// --run-presets runs the listed presets one after another, then (--seeds) the
// --seeds-preset (default: --preset) once per seed (its band in the Compare tab), checks
// the preset runs in the run list and selects the last one; a screenshot is then taken
// once they have all ended.
// --tab also takes sequence, compare, wiseft and forgetting.
// --matrix ID shows stored forgetting matrix ID in the Forgetting map tab, rows and columns
// sorted by the leading singular vectors; --predict then runs the completion protocol
// (H auto, K 30, 5 seeds); a screenshot is taken once the last of them is shown.
//
// --task-source makes the downstream task read its examples from SOURCE (task.source: files,
// instruction, generated, images, csv, idx, ...), at --task-path, instruction data rendered
// with --task-template, and shows the Downstream setup tab scrolled to its data preview; a
// screenshot is then taken once the preview has read the data.
//
// main() only reads the command line; what the demonstration flags do is in
// screenshot_script.h.

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QSplitter>
#include <QTabWidget>
#include <QFileInfo>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <optional>

#include "app/bridge/main_window.h"
#include "app/gui/screenshot_script.h"
#include "ui/setup/setup_panel.h"
#include "engine/core/presets.h"
#include "engine/models/model_folder.h"
#include "engine/store/store.h"

namespace {

// Room for the setup panel's summaries beside the plots (the central splitter: setup, centre
// tabs, runs), once the window has its size: sizes set before are scaled to the width then.
void widenSetup(forgetlab::app::MainWindow& window) {
    QTimer::singleShot(0, &window, [&window] {
        if (auto* split = qobject_cast<QSplitter*>(window.centralWidget()))
            split->setSizes({620, 640, 340});
    });
}

}  // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("forgetlab"));
    QApplication::setApplicationDisplayName(QStringLiteral("ForgetLab"));
    QApplication::setApplicationVersion(QStringLiteral("0.1.0"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Fine-tune a model and watch what it forgets."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption dbOption(QStringLiteral("db"),
                                      QStringLiteral("Run database (default: %1)."),
                                      QStringLiteral("PATH"));
    const QCommandLineOption presetOption(QStringLiteral("preset"),
                                          QStringLiteral("Preset to load."), QStringLiteral("NAME"),
                                          QString::fromLatin1(forgetlab::kDefaultPreset));
    const QCommandLineOption startOption(QStringLiteral("start"),
                                         QStringLiteral("Start the run right away."));
    const QCommandLineOption shotOption(QStringLiteral("screenshot"),
                                        QStringLiteral("Save a PNG of the window, then quit."),
                                        QStringLiteral("FILE"));
    const QCommandLineOption afterOption(
        QStringLiteral("screenshot-after"),
        QStringLiteral("Seconds to wait before the screenshot (default 5)."),
        QStringLiteral("SECONDS"), QStringLiteral("5"));
    const QCommandLineOption tabOption(QStringLiteral("tab"),
                                       QStringLiteral("Centre tab to show: live or landscape."),
                                       QStringLiteral("NAME"), QStringLiteral("live"));
    const QCommandLineOption landscapeOption(
        QStringLiteral("landscape"),
        QStringLiteral("Compute a landscape (1d, 2d or interp) of the selected run, or of the "
                       "started run once it has finished."),
        QStringLiteral("KIND"));
    const QCommandLineOption gridOption(QStringLiteral("grid"),
                                        QStringLiteral("Points per axis for --landscape."),
                                        QStringLiteral("N"), QStringLiteral("21"));
    const QCommandLineOption hessianOption(
        QStringLiteral("hessian"),
        QStringLiteral("With --landscape: then compute the Hessian spectrum too."));
    const QCommandLineOption shotStepOption(
        QStringLiteral("screenshot-at-step"),
        QStringLiteral("With --start: take the screenshot once fine-tuning reaches this step."),
        QStringLiteral("STEP"));
    const QCommandLineOption matrixOption(
        QStringLiteral("matrix"),
        QStringLiteral("Show this stored forgetting matrix in the Forgetting map tab."),
        QStringLiteral("ID"));
    const QCommandLineOption predictOption(
        QStringLiteral("predict"), QStringLiteral("With --matrix: run the completion protocol."));
    const QCommandLineOption runPresetsOption(
        QStringLiteral("run-presets"),
        QStringLiteral("Run these presets (comma-separated) one after another, then check them "
                       "all in the run list."),
        QStringLiteral("LIST"));
    const QCommandLineOption seedsOption(
        QStringLiteral("seeds"),
        QStringLiteral("With --run-presets: then run --seeds-preset over N seeds (Compare tab)."),
        QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption seedsPresetOption(
        QStringLiteral("seeds-preset"), QStringLiteral("Preset for --seeds (default: --preset)."),
        QStringLiteral("NAME"));
    const QCommandLineOption modelFolderOption(
        QStringLiteral("model-folder"),
        QStringLiteral("Start the chosen (language) preset from this Hugging Face model folder "
                       "and show the Model tab."),
        QStringLiteral("DIR"));
    const QCommandLineOption taskSourceOption(
        QStringLiteral("task-source"),
        QStringLiteral("The downstream task reads its examples from this source (task.source) "
                       "and its data preview is shown."),
        QStringLiteral("SOURCE"));
    const QCommandLineOption taskPathOption(
        QStringLiteral("task-path"),
        QStringLiteral("With --task-source: the file or folder it reads (task.path)."),
        QStringLiteral("PATH"));
    const QCommandLineOption taskTemplateOption(
        QStringLiteral("task-template"),
        QStringLiteral("With --task-source: the template of instruction data (task.template)."),
        QStringLiteral("NAME"));
    parser.addOptions({runPresetsOption, seedsOption, seedsPresetOption, matrixOption,
                       predictOption, shotStepOption, modelFolderOption, taskSourceOption,
                       taskPathOption, taskTemplateOption});
    parser.addOptions({dbOption, presetOption, startOption, tabOption, landscapeOption, gridOption,
                       hessianOption, shotOption, afterOption});
    parser.process(app);

    QString dbPath = parser.value(dbOption);
    if (dbPath.isEmpty()) {
        try {
            dbPath = QString::fromStdString(forgetlab::Store::defaultPath());
        } catch (const std::exception& e) {
            std::fprintf(stderr, "forgetlab: no default database location: %s\n", e.what());
        }
    }
    if (!dbPath.isEmpty()) QDir().mkpath(QFileInfo(dbPath).absolutePath());

    forgetlab::app::MainWindow window;
    window.show();
    // A database that cannot be opened is reported in a message box; the window stays.
    if (!dbPath.isEmpty()) window.openDatabase(dbPath);
    if (!window.selectPreset(parser.value(presetOption))) {
        std::fprintf(stderr, "forgetlab: unknown preset '%s'\n",
                     qPrintable(parser.value(presetOption)));
    }
    if (!window.showTab(parser.value(tabOption))) {
        std::fprintf(stderr,
                     "forgetlab: unknown tab '%s' (live, landscape, sequence, compare, wiseft, "
                     "forgetting)\n",
                     qPrintable(parser.value(tabOption)));
        return 2;
    }
    if (parser.isSet(modelFolderOption)) {
        forgetlab::ExperimentConfig config = window.setupPanel()->config();
        config.model.kind = "gpt";
        config.model.checkpoint =
            QDir(parser.value(modelFolderOption)).absolutePath().toStdString();
        for (forgetlab::PhaseConfig* phase : {&config.upstream, &config.downstream})
            if (phase->task.kind != "text") phase->task.kind = "text";
        config.upstream.steps = 0;
        config.model.lora_targets.clear();  // the folder family's defaults
        config.model.tokenizer = "auto";    // the folder's own tokenizer
        try {
            const forgetlab::ModelFolderInfo info =
                forgetlab::inspectModelFolder(config.model.checkpoint);
            config.model.context = std::min(config.model.context, info.arch.max_positions);
        } catch (const std::exception&) {
            // The Model tab shows what is wrong with the folder.
        }
        window.setupPanel()->setConfig(config);
        if (auto* tabs = window.setupPanel()->findChild<QTabWidget*>(QStringLiteral("setupTabs")))
            tabs->setCurrentIndex(1);
        widenSetup(window);
    }
    auto* script = new forgetlab::app::ScreenshotScript(&window);
    if (parser.isSet(taskSourceOption)) {
        forgetlab::ExperimentConfig config = window.setupPanel()->config();
        forgetlab::TaskConfig& task = config.downstream.task;
        task.source = parser.value(taskSourceOption).toStdString();
        if (parser.isSet(taskPathOption))
            task.path = QDir(parser.value(taskPathOption)).absolutePath().toStdString();
        if (parser.isSet(taskTemplateOption))
            task.chat_template = parser.value(taskTemplateOption).toStdString();
        // A text source is a text task; another source an image task.
        if (forgetlab::isTextSource(task.source))
            task.kind = "text";
        else if (task.kind == "text")
            task.kind = "classes";
        window.setupPanel()->setConfig(config);
        widenSetup(window);
        script->showDataPreview(QStringLiteral("downstream"));
    }
    if (parser.isSet(startOption)) QTimer::singleShot(0, &window, [&window] { window.startRun(); });

    if (parser.isSet(runPresetsOption) || parser.value(seedsOption).toInt() >= 2) {
        const QString seedsPreset = parser.isSet(seedsPresetOption)
                                        ? parser.value(seedsPresetOption)
                                        : parser.value(presetOption);
        script->runPresets(
            parser.value(runPresetsOption).split(QLatin1Char(','), Qt::SkipEmptyParts), seedsPreset,
            parser.value(seedsOption).toInt(), parser.value(tabOption));
    }
    if (parser.isSet(matrixOption) &&
        !script->showMatrix(parser.value(matrixOption), parser.isSet(predictOption)))
        return 2;
    if (parser.isSet(landscapeOption) &&
        !script->computeLandscape(parser.value(landscapeOption), parser.value(gridOption),
                                  parser.isSet(hessianOption), parser.isSet(startOption)))
        return 2;
    if (parser.isSet(shotOption)) {
        std::optional<qint64> atStep;
        if (parser.isSet(shotStepOption)) atStep = parser.value(shotStepOption).toLongLong();
        if (!script->screenshot(parser.value(shotOption), parser.value(afterOption), atStep))
            return 2;
    }
    return QApplication::exec();
}
