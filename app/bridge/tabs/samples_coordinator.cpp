#include "app/bridge/tabs/samples_coordinator.h"

#include "app/bridge/run_database.h"

namespace forgetlab::app {

void SamplesCoordinator::reset() {
    m_panel->clear();
    m_shownRun = 0;
    m_showsLive = false;
}

void SamplesCoordinator::liveStarted(const ExperimentConfig& config) {
    m_liveSetup = {isLanguageModel(config), config.eval.samples_every,
                   QString::fromStdString(config.upstream.task.language),
                   QString::fromStdString(config.downstream.task.language)};
    m_liveSets.clear();
    m_showsLive = false;
}

void SamplesCoordinator::liveEvents(const std::vector<LiveEvent>& events) {
    for (const LiveEvent& e : events) {
        if (e.kind != "samples") continue;
        const auto set = ui::SamplesPanel::parseEvent(e.step, QByteArray::fromStdString(e.json));
        if (!set) continue;
        m_liveSets << *set;
        if (m_showsLive) m_panel->addSampleSet(*set);
    }
}

void SamplesCoordinator::setRun(const Setup& s) {
    m_panel->clear();
    m_panel->setRun(s.languageModel, s.every, s.upstream, s.downstream);
}

QString SamplesCoordinator::show(qint64 id, bool liveActive, qint64 liveId) {
    if (liveActive && (id == 0 || id == liveId)) {
        if (m_showsLive) return {};
        m_showsLive = true;
        m_shownRun = liveId;
        setRun(m_liveSetup);
        m_panel->setSampleSets(m_liveSets);
        return {};
    }
    if (!m_showsLive && id == m_shownRun) return {};
    m_showsLive = false;
    m_shownRun = id;
    m_panel->clear();
    if (!id) return {};
    RunInfo info;
    std::vector<EventRow> rows;
    QString error;
    if (!m_db->runInfo(id, info, &error) || !m_db->events(id, "samples", rows, &error))
        return error;
    // The run's configuration as recorded (a problem only keeps a default).
    const ExperimentConfig config = parseStoredConfig(info.config_json).config;
    setRun({isLanguageModel(config), config.eval.samples_every,
            QString::fromStdString(config.upstream.task.language),
            QString::fromStdString(config.downstream.task.language)});
    QList<ui::SampleSet> sets;
    for (const EventRow& row : rows)
        if (const auto set =
                ui::SamplesPanel::parseEvent(row.step, QByteArray::fromStdString(row.json)))
            sets << *set;
    m_panel->setSampleSets(sets);
    return {};
}

}  // namespace forgetlab::app
