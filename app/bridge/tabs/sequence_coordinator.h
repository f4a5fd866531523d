#pragma once
// SequenceCoordinator: feeds the Sequence tab (ui::SequenceView). While a task-sequence
// run trains it passes the live "task<j>_acc" points on (the view fills matrix row i from
// the evaluation at the end of task i) and recomputes average accuracy, forgetting and
// BWT over the tasks done so far; otherwise it shows the selected stored run from the
// database: its curves, and matrix and numbers from the stored summary.

#include <QObject>
#include <QString>
#include <vector>

#include "engine/core/config.h"
#include "engine/core/run_types.h"

namespace forgetlab::ui {
class SequenceView;
}

namespace forgetlab::app {

class RunDatabase;

class SequenceCoordinator : public QObject {
    Q_OBJECT
public:
    SequenceCoordinator(ui::SequenceView* view, RunDatabase* db, QObject* parent = nullptr);

    // A run started with this config (live, not yet in the list).
    void liveStarted(const ExperimentConfig& config);
    void livePoints(const std::vector<MetricPoint>& points);
    // Which run to show: the live one (liveRunning, and the selection is it or nothing)
    // or the selected stored run.
    void sync(bool liveRunning, qint64 liveRunId, qint64 selectedRunId);
    // Forgets what is cached (another database was opened).
    void reset();

    bool showsLive() const { return m_showsLive; }
    qint64 shownRunId() const { return m_shownId; }

private:
    void showStored(qint64 runId);
    void showLive();
    void updateNumbers();

    ui::SequenceView* m_view;
    RunDatabase* m_db;
    ExperimentConfig m_liveConfig;
    bool m_liveIsSequence = false;
    bool m_showsLive = false;
    bool m_liveFresh = false;  // the live view was not yet shown for this run
    qint64 m_shownId = 0;
    QString m_shownStatus;
    // Stored summary numbers (a finished sequence); NaN when absent.
    double m_summary[4];
    bool m_haveSummary = false;
};

}  // namespace forgetlab::app
