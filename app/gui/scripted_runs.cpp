#include "app/gui/scripted_runs.h"

#include <QTimer>
#include <cstdio>

#include "app/bridge/tabs/continual_tabs.h"
#include "app/bridge/main_window.h"
#include "app/bridge/jobs/run_controller.h"
#include "app/bridge/jobs/seed_sweep.h"
#include "ui/runs/run_list.h"

namespace forgetlab::app {

ScriptedRuns::ScriptedRuns(MainWindow* window, QStringList presets, QString seedsPreset, int seeds)
    : QObject(window),
      m_window(window),
      m_presets(std::move(presets)),
      m_seedsPreset(std::move(seedsPreset)),
      m_seeds(seeds) {
    connect(m_window->controller(), &RunController::finished, this,
            [this](const RunSummary& summary) {
                // After the window has listed the run (its slots were connected first).
                if (m_active && !m_inSweep)
                    QTimer::singleShot(0, this, [this, summary] { onRunFinished(summary); });
            });
    connect(m_window->controller(), &RunController::failed, this, [this](const QString& message) {
        if (!m_active || m_inSweep) return;
        std::fprintf(stderr, "forgetlab: run failed: %s\n", qPrintable(message));
        finish(false);
    });
    connect(m_window->continual()->seedSweep(), &SeedSweep::finished, this,
            [this](const QList<qint64>&, bool complete) {
                if (m_inSweep) finish(complete);  // the Compare tab shows their band
            });
}

bool ScriptedRuns::start() {
    if (m_active) return false;
    m_active = true;
    m_next = 0;
    m_runIds.clear();
    QTimer::singleShot(0, this, &ScriptedRuns::next);
    return true;
}

void ScriptedRuns::next() {
    if (m_next < m_presets.size()) {
        const QString preset = m_presets.at(m_next++);
        if (!m_window->selectPreset(preset)) {
            std::fprintf(stderr, "forgetlab: unknown preset '%s'\n", qPrintable(preset));
            finish(false);
            return;
        }
        std::fprintf(stderr, "forgetlab: running preset %s\n", qPrintable(preset));
        if (!m_window->startRun()) finish(false);
        return;
    }
    if (m_seeds >= 2) {
        if (!m_window->selectPreset(m_seedsPreset)) {
            std::fprintf(stderr, "forgetlab: unknown preset '%s'\n", qPrintable(m_seedsPreset));
            finish(false);
            return;
        }
        std::fprintf(stderr, "forgetlab: running %s over %d seeds\n", qPrintable(m_seedsPreset),
                     m_seeds);
        m_inSweep = true;
        if (!m_window->continual()->runOverSeeds(m_seeds)) finish(false);
        return;
    }
    finish(true);
}

void ScriptedRuns::onRunFinished(const RunSummary& summary) {
    m_runIds << summary.run_id;
    m_lastPresetRun = summary.run_id;
    next();
}

void ScriptedRuns::finish(bool ok) {
    if (!m_active) return;
    m_active = false;
    m_inSweep = false;
    for (qint64 id : m_runIds) m_window->runList()->setChecked(id, true);
    if (m_lastPresetRun) m_window->runList()->selectRun(m_lastPresetRun);
    Q_EMIT finished(ok);
}

}  // namespace forgetlab::app
