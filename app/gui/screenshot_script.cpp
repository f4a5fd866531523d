#include "app/gui/screenshot_script.h"

#include <QApplication>
#include <QTimer>
#include <cstdio>

#include "app/bridge/jobs/forgetting_map_controller.h"
#include "app/bridge/jobs/run_controller.h"
#include "app/bridge/main_window.h"
#include "app/bridge/tabs/analysis_coordinator.h"
#include "app/gui/scripted_runs.h"
#include "ui/forgetting_map/forgetting_map_tab.h"
#include "ui/landscape/landscape_form.h"
#include "ui/landscape/landscape_panel.h"
#include "ui/setup/data_preview.h"
#include "ui/setup/setup_panel.h"

namespace forgetlab::app {

namespace {
// The completion protocol --predict runs: held-out tasks chosen automatically, 30
// observed entries per held-out task, 5 seeds (what the Predict button starts with).
constexpr int kPredictHoldout = 0;
constexpr int kPredictObserved = 30;
constexpr int kPredictSeeds = 5;
}  // namespace

ScreenshotScript::ScreenshotScript(MainWindow* window) : QObject(window), m_window(window) {}

void ScreenshotScript::runPresets(const QStringList& presets, const QString& seedsPreset, int seeds,
                                  const QString& tab) {
    m_scripted = new ScriptedRuns(m_window, presets, seedsPreset, seeds);
    connect(m_scripted, &ScriptedRuns::finished, m_window, [this, tab](bool ok) {
        if (!ok) std::fprintf(stderr, "forgetlab: scripted runs ended early\n");
        m_window->showTab(tab);
    });
    m_scripted->start();
}

bool ScreenshotScript::showMatrix(const QString& id, bool predict) {
    bool ok = false;
    const qint64 matrixId = id.toLongLong(&ok);
    if (!ok || matrixId <= 0) {
        std::fprintf(stderr, "forgetlab: --matrix needs a matrix id (forgetlab-cli matrix list)\n");
        return false;
    }
    m_matrix = true;
    m_predict = predict;
    m_window->showTab(QStringLiteral("forgetting"));
    ui::ForgettingMapTab* tab = m_window->forgettingMap();
    // Sorted by the leading singular vectors, the low-rank structure shows as a gradient.
    tab->setSort(ui::ForgettingHeatmap::SortMode::Singular,
                 ui::ForgettingHeatmap::SortMode::Singular);
    ForgettingMapController* ctl = m_window->forgettingMapController();
    tab->selectMatrix(matrixId);
    ctl->chooseMatrix(matrixId);
    if (predict)
        connect(
            ctl, &ForgettingMapController::matrixLoaded, m_window,
            [ctl] {
                QTimer::singleShot(0, ctl, [ctl] {
                    ctl->runCompletion(kPredictHoldout, kPredictObserved, kPredictSeeds);
                });
            },
            Qt::SingleShotConnection);
    return true;
}

bool ScreenshotScript::computeLandscape(const QString& kind, const QString& grid, bool hessian,
                                        bool afterRun) {
    ui::LandscapeForm* form = m_window->landscapePanel()->form();
    LandscapeRequest request = form->request();
    request.kind = kind.toStdString();
    bool ok = false;
    request.grid = grid.toInt(&ok);
    if (const std::string err = validateLandscapeRequest(request); !ok || !err.empty()) {
        std::fprintf(stderr, "forgetlab: --landscape: %s\n",
                     ok ? err.c_str() : "--grid needs a number");
        return false;
    }
    form->setRequest(request);
    m_landscape = true;
    m_hessian = hessian;
    AnalysisCoordinator* analysis = m_window->analysis();
    if (hessian) {
        connect(analysis, &AnalysisCoordinator::jobFinished, this,
                [analysis](const AnalysisOutcome& o) {
                    if (o.job.kind == AnalysisJob::Kind::Landscape)
                        QTimer::singleShot(0, analysis, [analysis] { analysis->computeHessian(); });
                });
    }
    auto compute = [this, analysis] {
        m_window->showTab(QStringLiteral("landscape"));
        analysis->computeLandscape();
    };
    if (afterRun) {
        // After the run list shows the finished run (its final checkpoint).
        connect(m_window->controller(), &RunController::finished, this,
                [this, compute] { QTimer::singleShot(0, this, compute); });
    } else {
        QTimer::singleShot(0, this, compute);
    }
    return true;
}

void ScreenshotScript::showDataPreview(const QString& phase) {
    m_previewPhase = phase;
    m_window->setupPanel()->showDataPreview(phase);
}

bool ScreenshotScript::screenshot(const QString& file, const QString& afterSeconds,
                                  std::optional<qint64> atStep) {
    bool ok = false;
    const double seconds = afterSeconds.toDouble(&ok);
    if (!ok || seconds < 0) {
        std::fprintf(stderr, "forgetlab: --screenshot-after needs a number of seconds\n");
        return false;
    }
    const int delayMs = static_cast<int>(seconds * 1000);
    if (atStep) {
        // Mid-run, at the same point of the run on any machine.
        const qint64 step = *atStep;
        auto* poll = new QTimer(this);
        connect(poll, &QTimer::timeout, this, [this, poll, step, file] {
            if (m_window->liveStep() < step) return;
            poll->stop();
            shoot(file);
        });
        poll->start(20);
    } else if (m_matrix) {
        ForgettingMapController* ctl = m_window->forgettingMapController();
        if (m_predict)
            connect(ctl, &ForgettingMapController::completionFinished, this,
                    [this, file, delayMs] { shootLater(file, delayMs); });
        else
            connect(ctl, &ForgettingMapController::matrixLoaded, this,
                    [this, file, delayMs] { shootLater(file, delayMs); });
    } else if (m_landscape) {
        // When the last job's result is on screen (plus the delay for the last repaint).
        AnalysisCoordinator* analysis = m_window->analysis();
        connect(analysis, &AnalysisCoordinator::jobFinished, this,
                [this, file, delayMs](const AnalysisOutcome& o) {
                    if (m_hessian && o.job.kind == AnalysisJob::Kind::Landscape) return;
                    shootLater(file, delayMs);
                });
        connect(analysis, &AnalysisCoordinator::jobFailed, this, [](const QString& message) {
            std::fprintf(stderr, "forgetlab: landscape failed: %s\n", qPrintable(message));
            QApplication::exit(1);
        });
    } else if (m_scripted) {
        // Once every scripted run has ended and is shown.
        connect(m_scripted, &ScriptedRuns::finished, this,
                [this, file, delayMs] { shootLater(file, delayMs); });
    } else if (ui::DataPreview* preview = m_window->setupPanel()->dataPreview(m_previewPhase)) {
        // Once the preview shows the task's data (not an earlier request's), scrolled into view.
        auto ready = [this, preview, file, delayMs] {
            if (m_shot || preview->isLoading()) return;
            m_shot = true;
            // Scrolled once the page has been laid out with the preview's contents.
            QTimer::singleShot(0, this,
                               [this] { m_window->setupPanel()->showDataPreview(m_previewPhase); });
            shootLater(file, delayMs);
        };
        connect(preview, &ui::DataPreview::shown, this, ready);
        QTimer::singleShot(0, this, ready);
    } else {
        shootLater(file, delayMs);
    }
    return true;
}

void ScreenshotScript::shootLater(const QString& file, int delayMs) {
    QTimer::singleShot(delayMs, this, [this, file] { shoot(file); });
}

void ScreenshotScript::shoot(const QString& file) {
    if (!m_window->grab().save(file)) {
        std::fprintf(stderr, "forgetlab: cannot write %s\n", qPrintable(file));
        QApplication::exit(1);
        return;
    }
    std::fprintf(stderr, "forgetlab: screenshot saved to %s\n", qPrintable(file));
    m_window->close();
}

}  // namespace forgetlab::app
