#pragma once
// ScriptedRuns: runs a list of presets one after another through the window's normal
// Start path, optionally followed by a "Run over seeds" sweep of one preset (its mean ±
// std band goes to the Compare tab), then checks the preset runs in the run list (so the
// Compare tab overlays them) and selects the last one. For demonstrations and the screenshots
// (forgetlab --run-presets,
// --seeds); finished() fires once everything has ended.

#include <QList>
#include <QObject>
#include <QStringList>

#include "engine/core/run_types.h"

namespace forgetlab::app {

class MainWindow;

class ScriptedRuns : public QObject {
    Q_OBJECT
public:
    // seedsPreset: the preset run over `seeds` seeds after the list (seeds < 2: none).
    ScriptedRuns(MainWindow* window, QStringList presets, QString seedsPreset, int seeds);

    // False (with a message on stderr) when a preset is unknown or a run cannot start.
    bool start();
    const QList<qint64>& runIds() const { return m_runIds; }

Q_SIGNALS:
    void finished(bool ok);

private:
    void next();
    void onRunFinished(const RunSummary& summary);
    void finish(bool ok);

    MainWindow* m_window;
    QStringList m_presets;
    QString m_seedsPreset;
    int m_seeds;
    int m_next = 0;
    qint64 m_lastPresetRun = 0;
    QList<qint64> m_runIds;
    bool m_active = false;
    bool m_inSweep = false;
};

}  // namespace forgetlab::app
