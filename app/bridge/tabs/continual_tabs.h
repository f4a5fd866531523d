#pragma once
// ContinualTabs: the "fighting forgetting" part of the main window, composed in one place
// so MainWindow only holds a pointer to it. It adds the centre tabs Sequence (accuracy
// matrix and per-task curves), Compare (checked runs side by side, seed bands) and
// Wise-FT (weight interpolation explorer), the live strategy knobs, and a menu with their
// actions; and it keeps them in step with the run list, the live run and the database.
// It knows nothing of MainWindow: what it needs comes in at construction (the widgets it
// shares, a way to start a run) and what it has to say goes out through signals.

#include <QList>
#include <QObject>
#include <QString>
#include <functional>
#include <vector>

#include "engine/core/run_types.h"

class QMenuBar;
class QTabWidget;
class QWidget;

namespace forgetlab::ui {
class ComparisonView;
class LivePlots;
class RunList;
class SequenceView;
class SetupPanel;
class StrategyKnobs;
class WiseFtPanel;
}  // namespace forgetlab::ui

namespace forgetlab::app {

class ComparisonCoordinator;
class RunController;
class RunDatabase;
class SeedSweep;
class SequenceCoordinator;
class WiseFtController;

class ContinualTabs : public QObject {
    Q_OBJECT
public:
    // window: parent of the tabs' dialogs (and of this object); startRun: what Start does
    // (the seed sweep starts each of its runs through it).
    ContinualTabs(QWidget* window, RunController* runs, RunDatabase* db, ui::SetupPanel* setup,
                  ui::RunList* runList, ui::LivePlots* plots, QTabWidget* centre,
                  std::function<bool()> startRun);
    ~ContinualTabs() override;

    void buildMenu(QMenuBar* bar);
    // Centre tabs "sequence", "compare", "wiseft"; false for another name.
    bool showTab(const QString& name);
    // The name of the current centre tab when it is one of these, else empty.
    QString currentTab() const;
    // New metric points of the live run (from the window's live pull).
    void livePoints(const std::vector<MetricPoint>& points);
    // Runs the current setup once per seed; false when it cannot start now.
    bool runOverSeeds(int seeds);
    // Asks for the number of seeds, then runs them.
    void chooseSeeds();

    ui::StrategyKnobs* strategyKnobs() const { return m_knobs; }
    QWidget* strategyKnobsWidget() const;  // for the window's layout
    ui::SequenceView* sequenceView() const { return m_sequenceView; }
    ui::ComparisonView* comparisonView() const { return m_comparisonView; }
    ui::WiseFtPanel* wiseFtPanel() const { return m_wiseFtPanel; }
    WiseFtController* wiseFt() const { return m_wiseFt; }
    SeedSweep* seedSweep() const { return m_sweep; }
    // The Sequence tab shows the live run (not a stored one).
    bool sequenceShowsLive() const;
    // The displayed runs were re-synchronised with the database: brings the tabs in step.
    void sync();

Q_SIGNALS:
    void errorReported(const QString& message);
    // For the window's status bar, shown for timeoutMs.
    void statusMessage(const QString& message, int timeoutMs);
    // A run was added to the database (Wise-FT applied as a new run): the run list is stale.
    void runsChanged();
    // A seed sweep ended (complete or not) and its band is shown.
    void seedSweepFinished(const QList<qint64>& runIds, bool complete);

private:
    void onRunStarted();
    void onSweepFinished(const QList<qint64>& runIds, bool complete);

    QWidget* m_window;
    RunController* m_runs;
    RunDatabase* m_db;
    ui::SetupPanel* m_setup;
    ui::RunList* m_runList;
    QTabWidget* m_centre;
    ui::StrategyKnobs* m_knobs;
    ui::SequenceView* m_sequenceView;
    ui::ComparisonView* m_comparisonView;
    ui::WiseFtPanel* m_wiseFtPanel;
    SequenceCoordinator* m_sequence;
    ComparisonCoordinator* m_comparison;
    WiseFtController* m_wiseFt;
    SeedSweep* m_sweep;
    QString m_dbPath;  // the database the caches belong to
};

}  // namespace forgetlab::app
