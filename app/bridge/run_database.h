#pragma once
// RunDatabase: the GUI thread's access to the run database (its own Store connection; jobs
// open their own on their threads). It reads runs and forgetting matrices and writes what
// the GUI itself makes there (an imported matrix). Every call reports failure as false
// plus a message for the user, never as an exception, because it sits at the UI boundary.

#include <QList>
#include <QString>
#include <memory>
#include <string>
#include <vector>

#include "engine/core/run_types.h"
#include "engine/sessions/run_resume.h"
#include "engine/store/store.h"
#include "ui/runs/run_list.h"

namespace forgetlab::app {

class RunDatabase {
public:
    RunDatabase();
    ~RunDatabase();

    // Opens (creating if needed) the database; on failure the previous one stays open.
    bool open(const QString& path, QString* error);
    bool isOpen() const { return m_store != nullptr; }
    QString path() const { return m_path; }

    // The runs, newest first; runs that ended early say whether they can be resumed.
    bool runRows(QList<ui::RunRow>& rows, QString* error);
    // Where run `id` would resume from and the metrics it keeps (the series the resumed
    // steps continue); false with why not in `error`.
    bool resumePoint(qint64 id, ResumePoint& point, std::vector<MetricPoint>& kept, QString* error);
    bool runInfo(qint64 id, RunInfo& info, QString* error);
    // Metrics sorted by key, then step (the order the plots want).
    bool metrics(qint64 id, std::vector<MetricPoint>& points, QString* error);
    bool exportCsv(qint64 id, const QString& csvPath, QString* error);
    // The run's checkpoints in step order, and its stored analyses (newest first).
    bool checkpoints(qint64 id, std::vector<CheckpointRow>& rows, QString* error);
    bool analyses(qint64 id, std::vector<AnalysisRow>& landscapes,
                  std::vector<AnalysisRow>& hessians, QString* error);
    // The run's events of one kind ("samples", "knob", ...) in step order.
    bool events(qint64 id, const std::string& kind, std::vector<EventRow>& rows, QString* error);

    // The stored forgetting matrices (sweeps and imports), as the store lists them.
    bool matrices(std::vector<MatrixInfo>& rows, QString* error);
    // Reads a CSV matrix and stores it as an imported matrix named after the file; info
    // describes the stored matrix.
    bool importMatrixCsv(const QString& csvPath, MatrixInfo& info, QString* error);
    bool exportMatrixCsv(qint64 matrixId, const QString& csvPath, QString* error);

private:
    std::unique_ptr<Store> m_store;
    QString m_path;
};

}  // namespace forgetlab::app
