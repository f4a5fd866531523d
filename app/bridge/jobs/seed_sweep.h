#pragma once
// SeedSweep: "Run over seeds…": runs the current setup once per seed (seed, seed + 1, …),
// one after another through the normal Start path, so every run is live on screen and
// stored like any other (seedConfig: named "<name> seed <s>", as the CLI names them). The setup
// panel shows each seed's config while it runs and gets the original back at the end. Stopping a
// run, or a failure, ends the sweep; finished() gets the runs that completed, whose mean ± std band
// the Compare tab then shows.

#include <QList>
#include <QObject>
#include <functional>
#include <vector>

#include "engine/core/config.h"
#include "engine/core/run_types.h"

namespace forgetlab::ui {
class SetupPanel;
}

namespace forgetlab::app {

class RunController;

class SeedSweep : public QObject {
    Q_OBJECT
public:
    // start: the window's Start (true when the run began).
    SeedSweep(ui::SetupPanel* setup, RunController* runs, std::function<bool()> start,
              QObject* parent = nullptr);

    bool run(int seeds);
    bool isActive() const { return m_active; }
    int seedCount() const { return m_seeds; }
    const ExperimentConfig& baseConfig() const { return m_base; }

Q_SIGNALS:
    void progressed(int done, int total);
    // All runs done (complete true), or ended early with the ones that finished.
    void finished(const QList<qint64>& runIds, bool complete);

private:
    bool startNext();
    void onRunFinished(const RunSummary& summary);
    void end(bool complete);

    ui::SetupPanel* m_setup;
    RunController* m_runs;
    std::function<bool()> m_start;
    ExperimentConfig m_base;
    QList<qint64> m_done;
    int m_seeds = 0;
    std::vector<ExperimentConfig> m_members;  // seedSetConfigs of m_base
    int m_next = 0;
    bool m_active = false;
};

}  // namespace forgetlab::app
