#pragma once
// SamplesCoordinator: what the Samples tab shows. The live run's "samples" events are kept as they
// arrive (the tab may show a stored run meanwhile); a stored run's are read from the
// database when it is selected.

#include <QList>
#include <QString>

#include <vector>

#include "app/bridge/live_buffer.h"
#include "engine/core/config.h"
#include "ui/samples/samples_panel.h"

namespace forgetlab::app {

class RunDatabase;

class SamplesCoordinator {
public:
    SamplesCoordinator(ui::SamplesPanel* panel, RunDatabase* db) : m_panel(panel), m_db(db) {}

    // Another database: nothing shown.
    void reset();
    // A new live run starts with this configuration.
    void liveStarted(const ExperimentConfig& config);
    // New live events (any kind; only "samples" are kept).
    void liveEvents(const std::vector<LiveEvent>& events);
    // Shows run `id` (0 = none): the live run from what arrived so far when it is the one
    // (or none is selected while it runs), else the stored events. Returns an error text,
    // empty when all went well.
    QString show(qint64 id, bool liveActive, qint64 liveId);

private:
    struct Setup {
        bool languageModel = false;
        int every = 0;
        QString upstream, downstream;  // languages
    };
    void setRun(const Setup& setup);

    ui::SamplesPanel* m_panel;
    RunDatabase* m_db;
    Setup m_liveSetup;
    QList<ui::SampleSet> m_liveSets;
    qint64 m_shownRun = 0;     // the run the tab shows
    bool m_showsLive = false;  // ... and it is the live run, fed by liveEvents
};

}  // namespace forgetlab::app
