// Row 5: does the GUI slow training down? The same short experiment (the default preset,
// shortened, Hessian off) is run through forgetlab::runAndRecord headless (on a thread of
// its own, as the GUI does), and through the MainWindow shown offscreen (RunController thread,
// LiveBuffer pulled at 10 Hz into the live plots), alternately, each in a fresh database so no
// upstream cache is hit. steps/s = (upstream + fine-tuning steps) / the run's wall time, evaluation
// included, as a user experiences it. Target: GUI ÷ headless ≥ 0.95.

#include <QApplication>
#include <QEventLoop>
#include <QTemporaryDir>
#include <QTimer>
#include <cstdio>
#include <ctime>
#include <exception>
#include <optional>
#include <thread>

#include "app/bridge/main_window.h"
#include "app/bridge/jobs/run_controller.h"
#include "bench/bench_args.h"
#include "bench/interleave.h"
#include "bench/other_load.h"
#include "bench/result_row.h"
#include "engine/core/config.h"
#include "engine/core/presets.h"
#include "engine/core/run_control.h"
#include "engine/sessions/run_session.h"
#include "engine/store/store.h"
#include "ui/setup/setup_panel.h"

using namespace forgetlab;
using namespace forgetlab::bench;

namespace {

ExperimentConfig shortExperiment() {
    ExperimentConfig config;
    try {
        const ConfigParseResult parsed = parseConfig(loadPreset(kDefaultPreset).json);
        if (parsed.ok()) config = parsed.config;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_gui: preset unavailable (%s); using built-in defaults\n",
                     e.what());
    }
    config.name = "bench-gui";
    config.upstream.steps = 300;
    config.downstream.steps = 500;
    config.eval.hessian_every = 0;  // identical on both sides and slow: it would only dilute
    return config;
}

double stepsPerSecond(const ExperimentConfig& config, const RunSummary& summary) {
    if (summary.status != status::kDone)
        throw std::runtime_error("run ended '" + summary.status + "': " + summary.error);
    if (summary.upstream_from_cache) throw std::runtime_error("upstream came from a cache");
    return static_cast<double>(config.upstream.steps + summary.steps) / summary.wall_seconds;
}

// runAndRecord on a fresh thread, as the GUI's RunController does, and as the CLI does on
// its main thread: this process's main thread must never run torch itself. (libgomp keeps
// an idle OpenMP team per thread that used one; a second team makes every team spin less
// before sleeping, which on a 2-core VM halves the training step. See docs/benchmarks.md.)
double runHeadless(const ExperimentConfig& config, int threads) {
    double rate = 0;
    std::exception_ptr error;
    std::thread worker([&] {
        try {
            QTemporaryDir dir;
            Store store(dir.filePath(QStringLiteral("runs.db")).toStdString());
            RunControl control;
            SessionOptions options;
            options.num_threads = threads;
            rate = stepsPerSecond(config, runAndRecord(config, store, control, nullptr, options));
        } catch (...) {
            error = std::current_exception();
        }
    });
    worker.join();
    if (error) std::rethrow_exception(error);
    return rate;
}

double threadCpuSeconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

double runInWindow(app::MainWindow& window, const ExperimentConfig& config) {
    QTemporaryDir dir;
    if (!window.openDatabase(dir.filePath(QStringLiteral("runs.db"))))
        throw std::runtime_error("the window could not open its database");
    window.setupPanel()->setConfig(config);
    std::optional<RunSummary> summary;
    QString error;
    QEventLoop loop;
    auto* controller = window.controller();
    const auto done = QObject::connect(controller, &app::RunController::finished, &loop,
                                       [&](const RunSummary& s) {
                                           summary = s;
                                           loop.quit();
                                       });
    const auto failed = QObject::connect(controller, &app::RunController::failed, &loop,
                                         [&](const QString& message) {
                                             error = message;
                                             loop.quit();
                                         });
    QTimer::singleShot(60000, &loop, [&] {
        error = QStringLiteral("timed out");
        controller->stop();
        loop.quit();
    });
    const double cpu0 = threadCpuSeconds(), wall0 = nowSeconds();
    if (!window.startRun()) throw std::runtime_error("the window did not start the run");
    loop.exec();
    std::fprintf(stderr, "GUI thread busy %.1f%% of the run; live refresh every %d ms at the end\n",
                 100.0 * (threadCpuSeconds() - cpu0) / (nowSeconds() - wall0),
                 window.liveRefreshInterval());
    QObject::disconnect(done);
    QObject::disconnect(failed);
    // Let the window take its last points and refresh its run list, as a user would see.
    QCoreApplication::processEvents();
    if (!summary) throw std::runtime_error("GUI run failed: " + error.toStdString());
    return stepsPerSecond(config, *summary);
}

}  // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", QByteArrayLiteral("offscreen"));
    int qtArgc = 1;
    QApplication qtApp(qtArgc, argv);
    const BenchArgs args = parseBenchArgs(argc, argv);
    ResultRow row =
        makeRow("5", "GUI (offscreen, live plots) ÷ headless steps/s, short default-preset run",
                args.threads, Goal::AtLeast, 0.95);
    // Whole runs are long blocks: fewer (undisturbed) rounds than the step benchmarks, but
    // enough for a median: on this class of VM identical runs differ by 10-20% from one
    // to the next, far more than the few percent this row looks for.
    const int pairs = std::max(3, std::min(args.interleave.rounds, 13));
    try {
        const ExperimentConfig config = shortExperiment();
        app::MainWindow window;
        window.controller()->setTorchThreads(args.threads);
        window.show();
        runHeadless(config, args.threads);  // warm-up: file cache, allocator, lazy init
        // Pairs H G, then G H (drift hits both alike); a pair during which other processes
        // used the CPU is dropped, as in the step benchmarks (see other_load.h).
        std::vector<double> headless, gui, allHeadless, allGui;
        OtherLoad load;
        const double start = nowSeconds();
        for (int r = 0; static_cast<int>(gui.size()) < pairs; ++r) {
            load.restart();
            double h = 0, g = 0;
            if (r % 2 == 0) {
                h = runHeadless(config, args.threads);
                g = runInWindow(window, config);
            } else {
                g = runInWindow(window, config);
                h = runHeadless(config, args.threads);
            }
            const double other = load.coresSinceRestart();
            const bool disturbed = other > args.interleave.maxOtherCores;
            std::fprintf(stderr,
                         "round %d: headless %.1f, GUI %.1f steps/s; others used %.2f "
                         "cores%s\n",
                         r, h, g, other, disturbed ? ": dropped" : "");
            allHeadless.push_back(h);
            allGui.push_back(g);
            if (!disturbed) {
                headless.push_back(h);
                gui.push_back(g);
            }
            if (r + 1 >= 2 && nowSeconds() - start > args.interleave.maxSeconds) break;
        }
        row.busy = gui.size() < 3;
        if (row.busy) {
            headless = allHeadless;
            gui = allGui;
        }
        row.measuredA = "GUI " + formatRate(median(gui), "steps/s");
        row.measuredB = "headless " + formatRate(median(headless), "steps/s");
        row.ratio = median(perRoundRatios(gui, headless));
        printRow(row, args.info);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_gui: %s\n", e.what());
        printUnmeasured(row, "not measured (see bench log)", args.info);
        return 1;
    }
    return 0;
}
