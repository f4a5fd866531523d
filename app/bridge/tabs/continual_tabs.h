#pragma once
// ContinualTabs: the "fighting forgetting" part of the main window, composed in one place
// so MainWindow only holds a pointer to it. It adds the centre tabs Sequence (accuracy
// matrix and per-task curves), Compare (checked runs side by side, seed bands) and
// Wise-FT (weight interpolation explorer), the live strategy knobs, and a menu with their
// actions; and it keeps them in step with the run list, the live run and the database.

#include <QList>
#include <QObject>
#include <QString>
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

class ComparisonController;
class MainWindow;
class RunController;
class RunDatabase;
class SeedSweep;
class SequenceCoordinator;
class WiseFtController;

class ContinualTabs : public QObject {
    Q_OBJECT
public:
    ContinualTabs(MainWindow* window, RunController* runs, RunDatabase* db, ui::SetupPanel* setup,
                  ui::RunList* runList, ui::LivePlots* plots, QTabWidget* centre);
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

Q_SIGNALS:
    void errorReported(const QString& message);
    // A seed sweep ended (complete or not) and its band is shown.
    void seedSweepFinished(const QList<qint64>& runIds, bool complete);

private:
    void sync();
    void onRunStarted();
    void onSweepFinished(const QList<qint64>& runIds, bool complete);
    qint64 selectedRun() const;

    MainWindow* m_window;
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
    ComparisonController* m_comparison;
    WiseFtController* m_wiseFt;
    SeedSweep* m_sweep;
    QString m_dbPath;  // the database the caches belong to
};

}  // namespace forgetlab::app
