#pragma once
// MainWindow: composes ForgetLab's window from the ui/ widgets and connects them to the
// engine through RunController (training thread), LiveBuffer (metrics pulled by a timer)
// and RunDatabase (stored runs). Left: what to run; centre: tabs with the live plots and
// the Landscape tab (flatness on demand, through AnalysisCoordinator) and the Samples tab
// (text a language model writes while it is fine-tuned); right: runs to overlay and live
// knobs; status bar: where the run is and on which device.

#include <QHash>
#include <QList>
#include <QMainWindow>
#include <QSet>
#include <memory>
#include <vector>

#include "app/bridge/metatypes.h"
#include "app/bridge/tabs/samples_coordinator.h"
#include "engine/core/devices.h"
#include "ui/live/refresh_budget.h"
#include "ui/samples/samples_panel.h"

class QAction;
class QLabel;
class QSplitter;
class QTabWidget;
class QTimer;

namespace forgetlab::ui {
class DeviceStatus;
class ForgettingMapTab;
class KnobPanel;
class LandscapePanel;
class LivePlots;
class RunActions;
class RunList;
class RunStatus;
class SamplesPanel;
class SetupPanel;
}  // namespace forgetlab::ui

namespace forgetlab::app {

class AnalysisCoordinator;
class ContinualTabs;
class ForgettingMapController;
class RunController;
class RunDatabase;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // Key of the live run's graphs in the plots (stored runs use their id).
    static constexpr qint64 kLiveKey = -1;

    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Each reports problems to the user (errorReported + a message box) and returns false.
    bool openDatabase(const QString& path);
    bool selectPreset(const QString& name);
    bool startRun();
    // Resumes a stored run that ended early from its last resume point as the live run
    // (its curves go on from there); the run list's Resume.
    bool resumeRun(qint64 runId);
    bool exportRunCsv(qint64 runId, const QString& csvPath);
    bool exportPlots(const QString& path);  // .png or .pdf
    void refreshRuns();

    QString databasePath() const;
    RunController* controller() const { return m_controller; }
    ui::SetupPanel* setupPanel() const { return m_setup; }
    ui::LivePlots* plots() const { return m_plots; }
    ui::RunList* runList() const { return m_runList; }
    ui::RunActions* runActions() const { return m_actions; }
    ui::KnobPanel* knobPanel() const { return m_knobs; }
    ui::LandscapePanel* landscapePanel() const { return m_landscape; }
    // The Samples tab: the selected (or live) language-model run's generated text.
    ui::SamplesPanel* samplesPanel() const { return m_samples; }
    // The status bar's device: the live run's (with CUDA memory), else the selected run's,
    // else where the setup would run.
    ui::DeviceStatus* deviceStatus() const { return m_deviceStatus; }
    AnalysisCoordinator* analysis() const { return m_analysis; }
    // Sequence, Compare and Wise-FT tabs, strategy knobs (continual_tabs.h).
    ContinualTabs* continual() const { return m_continual; }
    // The Forgetting map tab (task x example forgetting matrices) and its controller.
    ui::ForgettingMapTab* forgettingMap() const { return m_forgetMap; }
    ForgettingMapController* forgettingMapController() const { return m_forgetMapController; }
    // Centre tabs by name: "live", "landscape", "samples", "forgetting" and the continual
    // tabs' names; false for an unknown name.
    bool showTab(const QString& name);
    QString currentTab() const;
    // Fine-tuning step the live run last reported (-1 before fine-tuning started).
    int64_t liveStep() const { return m_liveStep; }
    // The live view's current refresh interval in milliseconds (see ui::RefreshBudget).
    int liveRefreshInterval() const { return m_liveBudget.interval(); }

Q_SIGNALS:
    // A problem was shown to the user (also for tests, which cannot read message boxes).
    void errorReported(const QString& message);
    // The displayed runs were re-synchronised with the database.
    void runsRefreshed();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildLayout();
    void buildMenus();
    void updateActions();
    void showError(const QString& title, const QString& message);

    void pullLive();
    void onRunCreated(qint64 id);
    void onRunFinished(const RunSummary& summary);
    void onRunFailed(const QString& message);
    void syncDisplayedRuns();
    void syncSamplesRun();
    void syncDeviceStatus();

    void chooseDatabase();
    void chooseCsvExport();
    void chooseLandscapeExport(const QString& suffix);
    void syncAnalysisRun();
    void choosePlotExport(const QString& suffix);
    void showAbout();

    RunController* m_controller;
    std::unique_ptr<RunDatabase> m_db;
    ui::SetupPanel* m_setup = nullptr;
    ui::RunActions* m_actions = nullptr;
    ui::LivePlots* m_plots = nullptr;
    ui::LandscapePanel* m_landscape = nullptr;
    ui::SamplesPanel* m_samples = nullptr;
    AnalysisCoordinator* m_analysis = nullptr;
    ContinualTabs* m_continual = nullptr;
    ui::ForgettingMapTab* m_forgetMap = nullptr;
    ForgettingMapController* m_forgetMapController = nullptr;
    QTabWidget* m_centre = nullptr;
    ui::RunList* m_runList = nullptr;
    ui::KnobPanel* m_knobs = nullptr;
    ui::RunStatus* m_status = nullptr;
    ui::DeviceStatus* m_deviceStatus = nullptr;
    std::vector<DeviceInfo> m_devices;  // what LibTorch sees, listed once
    QLabel* m_dbLabel = nullptr;
    QSplitter* m_splitter = nullptr;
    QTimer* m_liveTimer = nullptr;
    ui::RefreshBudget m_liveBudget;  // paces m_liveTimer by what refreshing costs
    QAction* m_openAction = nullptr;
    QString m_liveName;
    QString m_liveDevice;  // the live run's resolved device
    int64_t m_liveStep = -1;
    bool m_liveActive = false;  // the live series is still fed by the worker
    std::unique_ptr<SamplesCoordinator> m_samplesCoordinator;  // what the Samples tab shows
};

}  // namespace forgetlab::app
