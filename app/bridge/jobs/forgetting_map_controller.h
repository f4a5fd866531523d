#pragma once
// ForgettingMapController: drives the Forgetting map tab (ui::ForgettingMapTab). Sweeps,
// matrix loading (with its fit and SVD) and completion each run on a QThread of their
// own, with their own database connection; results come back to the GUI thread by value.
// A sweep reports progress a few times a second and its rows appear in the heatmap as they
// finish; Cancel stops it within one training step and keeps the finished rows (Resume
// takes it up again). One sweep and one analysis at a time.

#include <QObject>
#include <QString>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <tuple>

class QThread;

namespace forgetlab {
class RunControl;
}

namespace forgetlab::ui {
class ForgettingMapTab;
struct SweepRequest;
}  // namespace forgetlab::ui

namespace forgetlab::app {

class ForgettingMapController : public QObject {
    Q_OBJECT
public:
    ForgettingMapController(ui::ForgettingMapTab* tab, QObject* parent = nullptr);
    // Stops a sweep (keeping its rows), cancels an analysis, and waits for both.
    ~ForgettingMapController() override;

    void setDatabasePath(const QString& path);
    // The run a new sweep starts from (its pre-trained checkpoint); 0 = none selected.
    void setSourceRun(qint64 runId, const QString& name, const QString& status);
    // Re-reads the list of stored matrices.
    void refresh();

    void startSweep(const ui::SweepRequest& request);
    void resumeSweep(qint64 matrixId);
    void cancelSweep();
    void chooseMatrix(qint64 matrixId);
    void runCompletion(int holdout, int observed, int seeds);
    void importCsv(const QString& path);
    void exportCsv(const QString& path);

    bool isSweeping() const { return m_sweepThread != nullptr; }
    bool isAnalysing() const { return m_jobThread != nullptr; }
    qint64 currentMatrix() const { return m_current; }

Q_SIGNALS:
    void sweepFinished(qint64 matrixId, const QString& status);
    void matrixLoaded(qint64 matrixId, int rows, int cols);
    void completionFinished(bool ok);
    void statusMessage(const QString& message);

private:
    void launchSweep(qint64 existingId, std::shared_ptr<ui::SweepRequest> request);
    // Runs fn on a job thread; onDone runs on the GUI thread afterwards.
    void runJob(std::function<void()> fn, std::function<void()> onDone,
                std::shared_ptr<std::atomic<bool>> cancel = nullptr);

    ui::ForgettingMapTab* m_tab;
    QString m_dbPath;
    qint64 m_sourceRun = 0;
    qint64 m_current = 0;
    qint64 m_sweeping = 0;
    QThread* m_sweepThread = nullptr;
    std::shared_ptr<RunControl> m_sweepControl;
    QThread* m_jobThread = nullptr;
    std::shared_ptr<std::atomic<bool>> m_jobCancel;
    bool m_reloadWhenIdle = false;
    std::optional<std::tuple<int, int, int>> m_pendingCompletion;  // asked for while loading
};

}  // namespace forgetlab::app
