#include "app/bridge/jobs/seed_sweep.h"

#include <QTimer>

#include "app/bridge/jobs/run_controller.h"
#include "engine/core/names.h"
#include "engine/sessions/seed_set.h"
#include "ui/setup/setup_panel.h"

namespace forgetlab::app {

SeedSweep::SeedSweep(ui::SetupPanel* setup, RunController* runs, std::function<bool()> start,
                     QObject* parent)
    : QObject(parent), m_setup(setup), m_runs(runs), m_start(std::move(start)) {
    connect(m_runs, &RunController::finished, this, [this](const RunSummary& summary) {
        // After the window has listed the finished run (its slots run first).
        if (m_active) QTimer::singleShot(0, this, [this, summary] { onRunFinished(summary); });
    });
    connect(m_runs, &RunController::failed, this, [this] {
        if (m_active) QTimer::singleShot(0, this, [this] { end(false); });
    });
}

bool SeedSweep::run(int seeds) {
    if (m_active || seeds < 1 || m_runs->isRunning() || !m_setup->isValid()) return false;
    m_base = m_setup->config();
    m_seeds = seeds;
    m_members = seedSetConfigs(m_base, m_base.seed, seeds);
    m_next = 0;
    m_done.clear();
    m_active = true;
    if (!startNext()) {
        end(false);
        return false;
    }
    return true;
}

bool SeedSweep::startNext() {
    // The CLI's `run --seeds` names and seeds its members the same way.
    m_setup->setConfig(m_members.at(size_t(m_next)));
    ++m_next;
    Q_EMIT progressed(m_next - 1, m_seeds);
    return m_start();
}

void SeedSweep::onRunFinished(const RunSummary& summary) {
    if (!m_active) return;
    if (summary.status != status::kDone) {
        end(false);  // stopped by the user, diverged or failed: the sweep ends here
        return;
    }
    m_done << summary.run_id;
    if (m_next >= m_seeds) {
        end(true);
        return;
    }
    if (!startNext()) end(false);
}

void SeedSweep::end(bool complete) {
    m_active = false;
    m_setup->setConfig(m_base);
    Q_EMIT progressed(int(m_done.size()), m_seeds);
    Q_EMIT finished(m_done, complete);
}

}  // namespace forgetlab::app
