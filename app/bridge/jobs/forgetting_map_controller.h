#pragma once
// ForgettingMapController: drives the Forgetting map tab (ui::ForgettingMapTab). Sweeps
// run on one BackgroundJob, matrix loading (with its fit and SVD) and completion on
// another, each job with its own database connection on its thread; results come back
// to the GUI thread by value. The list of matrices, CSV import and export go through the
// window's RunDatabase (the GUI thread's connection).
// A sweep reports progress a few times a second and its rows appear in the heatmap as they
// finish; Cancel stops it within one training step and keeps the finished rows (Resume
// takes it up again). One sweep and one analysis at a time.

#include <QObject>
#include <QString>
#include <memory>
#include <optional>
#include <tuple>

#include "app/bridge/jobs/background_job.h"

namespace forgetlab::ui {
class ForgettingMapTab;
struct SweepRequest;
}  // namespace forgetlab::ui

namespace forgetlab::app {

class RunDatabase;

class ForgettingMapController : public QObject {
    Q_OBJECT
public:
    ForgettingMapController(ui::ForgettingMapTab* tab, RunDatabase* db, QObject* parent = nullptr);
    // Stops a sweep (keeping its rows), cancels an analysis, and waits for both.
    ~ForgettingMapController() override;

    // The database the window's RunDatabase has just opened: the jobs open it too.
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

    bool isSweeping() const { return m_sweep.isBusy(); }
    bool isAnalysing() const { return m_analysis.isBusy(); }
    qint64 currentMatrix() const { return m_current; }

Q_SIGNALS:
    void sweepFinished(qint64 matrixId, const QString& status);
    void matrixLoaded(qint64 matrixId, int rows, int cols);
    void completionFinished(bool ok);
    void statusMessage(const QString& message);

private:
    void launchSweep(qint64 existingId, std::shared_ptr<ui::SweepRequest> request);
    // What was asked for while the matrix job ran goes next.
    void onAnalysisEnded();

    ui::ForgettingMapTab* m_tab;
    RunDatabase* m_db;
    QString m_dbPath;
    qint64 m_sourceRun = 0;
    qint64 m_current = 0;
    qint64 m_sweeping = 0;
    bool m_reloadWhenIdle = false;
    std::optional<std::tuple<int, int, int>> m_pendingCompletion;  // asked for while loading
    // Last: joined before the members their callbacks use go.
    BackgroundJob m_sweep;
    BackgroundJob m_analysis;  // matrix loading and completion, one at a time
};

}  // namespace forgetlab::app
