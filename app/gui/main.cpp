// forgetlab: the desktop application. Opens the run database and the main window with
// the default preset ready to start.
//
//   forgetlab [--db PATH] [--preset NAME] [--start] [--tab live|landscape]
//             [--landscape 1d|2d|interp [--grid N]] [--hessian]
//             [--screenshot FILE --screenshot-after SECONDS]
//             [--run-presets A,B,... [--seeds N [--seeds-preset NAME]]]
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

#include <QApplication>
#include <QComboBox>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QTimer>
#include <cstdio>

#include "app/bridge/tabs/analysis_coordinator.h"
#include "app/bridge/jobs/forgetting_map_controller.h"
#include "app/bridge/main_window.h"
#include "app/bridge/jobs/run_controller.h"
#include "app/gui/scripted_runs.h"
#include "ui/forgetting_map/forgetting_heatmap.h"
#include "ui/forgetting_map/forgetting_map_tab.h"
#include "ui/landscape/landscape_form.h"
#include "ui/landscape/landscape_panel.h"
#include "engine/core/presets.h"
#include "engine/store/store.h"

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
    parser.addOptions({runPresetsOption, seedsOption, seedsPresetOption, matrixOption,
                       predictOption, shotStepOption});
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
    if (parser.isSet(startOption)) QTimer::singleShot(0, &window, [&window] { window.startRun(); });

    forgetlab::app::ScriptedRuns* scripted = nullptr;
    if (parser.isSet(runPresetsOption) || parser.value(seedsOption).toInt() >= 2) {
        const QString seedsPreset = parser.isSet(seedsPresetOption)
                                        ? parser.value(seedsPresetOption)
                                        : parser.value(presetOption);
        scripted = new forgetlab::app::ScriptedRuns(
            &window, parser.value(runPresetsOption).split(QLatin1Char(','), Qt::SkipEmptyParts),
            seedsPreset, parser.value(seedsOption).toInt());
        const QString tab = parser.value(tabOption);
        QObject::connect(scripted, &forgetlab::app::ScriptedRuns::finished, &window,
                         [&window, tab](bool ok) {
                             if (!ok)
                                 std::fprintf(stderr, "forgetlab: scripted runs ended early\n");
                             window.showTab(tab);
                         });
        scripted->start();
    }

    const bool matrix = parser.isSet(matrixOption);
    if (matrix) {
        bool ok = false;
        const qint64 id = parser.value(matrixOption).toLongLong(&ok);
        if (!ok || id <= 0) {
            std::fprintf(stderr,
                         "forgetlab: --matrix needs a matrix id (forgetlab-cli matrix list)\n");
            return 2;
        }
        window.showTab(QStringLiteral("forgetting"));
        auto* tab = window.forgettingMap();
        for (const char* name : {"fmap.sort.rows", "fmap.sort.cols"})
            if (auto* box = tab->findChild<QComboBox*>(QString::fromLatin1(name)))
                box->setCurrentIndex(
                    box->findData(int(forgetlab::ui::ForgettingHeatmap::SortMode::Singular)));
        auto* ctl = window.forgettingMapController();
        tab->selectMatrix(id);
        ctl->chooseMatrix(id);
        if (parser.isSet(predictOption))
            QObject::connect(
                ctl, &forgetlab::app::ForgettingMapController::matrixLoaded, &window,
                [ctl] { QTimer::singleShot(0, ctl, [ctl] { ctl->runCompletion(0, 30, 5); }); },
                Qt::SingleShotConnection);
    }

    const bool landscape = parser.isSet(landscapeOption);
    if (landscape) {
        forgetlab::LandscapeRequest request = window.landscapePanel()->form()->request();
        request.kind = parser.value(landscapeOption).toStdString();
        bool ok = false;
        request.grid = parser.value(gridOption).toInt(&ok);
        if (const std::string err = forgetlab::validateLandscapeRequest(request);
            !ok || !err.empty()) {
            std::fprintf(stderr, "forgetlab: --landscape: %s\n",
                         ok ? err.c_str() : "--grid needs a number");
            return 2;
        }
        window.landscapePanel()->form()->setRequest(request);
        auto compute = [&window] {
            window.showTab(QStringLiteral("landscape"));
            window.analysis()->computeLandscape();
        };
        if (parser.isSet(startOption)) {
            // After the run list shows the finished run (its final checkpoint).
            QObject::connect(window.controller(), &forgetlab::app::RunController::finished, &window,
                             [compute] { QTimer::singleShot(0, compute); });
        } else {
            QTimer::singleShot(0, &window, compute);
        }
    }

    if (parser.isSet(shotOption)) {
        const QString file = parser.value(shotOption);
        bool ok = false;
        const double seconds = parser.value(afterOption).toDouble(&ok);
        if (!ok || seconds < 0) {
            std::fprintf(stderr, "forgetlab: --screenshot-after needs a number of seconds\n");
            return 2;
        }
        auto shoot = [&window, file] {
            if (!window.grab().save(file)) {
                std::fprintf(stderr, "forgetlab: cannot write %s\n", qPrintable(file));
                QApplication::exit(1);
                return;
            }
            std::fprintf(stderr, "forgetlab: screenshot saved to %s\n", qPrintable(file));
            window.close();
        };
        const int delayMs = static_cast<int>(seconds * 1000);
        if (parser.isSet(shotStepOption)) {
            // Mid-run, at the same point of the run on any machine.
            const qint64 step = parser.value(shotStepOption).toLongLong();
            auto* poll = new QTimer(&window);
            QObject::connect(poll, &QTimer::timeout, &window, [&window, poll, step, shoot] {
                if (window.liveStep() < step) return;
                poll->stop();
                shoot();
            });
            poll->start(20);
        } else if (matrix) {
            auto* ctl = window.forgettingMapController();
            if (parser.isSet(predictOption))
                QObject::connect(ctl, &forgetlab::app::ForgettingMapController::completionFinished,
                                 &window, [shoot, delayMs] { QTimer::singleShot(delayMs, shoot); });
            else
                QObject::connect(ctl, &forgetlab::app::ForgettingMapController::matrixLoaded,
                                 &window, [shoot, delayMs] { QTimer::singleShot(delayMs, shoot); });
        } else if (landscape) {
            // When the last job's result is on screen (plus the delay for the last repaint).
            auto* analysis = window.analysis();
            const bool hessian = parser.isSet(hessianOption);
            QObject::connect(
                analysis, &forgetlab::app::AnalysisCoordinator::jobFinished, &window,
                [shoot, delayMs, hessian, analysis](const forgetlab::app::AnalysisOutcome& o) {
                    if (hessian && o.job.kind == forgetlab::app::AnalysisJob::Kind::Landscape) {
                        QTimer::singleShot(0, analysis, [analysis] { analysis->computeHessian(); });
                        return;
                    }
                    QTimer::singleShot(delayMs, shoot);
                });
            QObject::connect(analysis, &forgetlab::app::AnalysisCoordinator::jobFailed, &window,
                             [](const QString& message) {
                                 std::fprintf(stderr, "forgetlab: landscape failed: %s\n",
                                              qPrintable(message));
                                 QApplication::exit(1);
                             });
        } else if (scripted) {
            // Once every scripted run has ended and is shown.
            QObject::connect(scripted, &forgetlab::app::ScriptedRuns::finished, &window,
                             [shoot, delayMs] { QTimer::singleShot(delayMs, shoot); });
        } else {
            QTimer::singleShot(delayMs, &window, shoot);
        }
    }
    return QApplication::exec();
}
