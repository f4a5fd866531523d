#pragma once
// Store: the SQLite database that keeps every run (runs, metrics, events, checkpoints).
// WAL mode, schema versioned with migrations, one connection per Store object.
// Fallible operations throw StoreError with a message meant for the user.

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/core/run_types.h"

struct sqlite3;

namespace forgetlab {

class StoreError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct RunInfo {
    int64_t id = 0;
    std::string name;
    std::string created;  // ISO 8601, UTC
    std::string status;
    std::string config_json;
    std::string summary_json;  // empty until finished
    unsigned seed = 0;
    std::string device;
    std::string versions;
    int64_t pid = 0;
};

struct EventRow {
    int64_t step = 0;
    std::string kind;
    std::string json;
};

struct CheckpointRow {
    int64_t step = 0;
    std::string tag;   // "pretrained" | "final" | ...
    std::string file;  // relative to the database's directory
};

// What resuming a run from fine-tuning step N takes back (engine/sessions/run_resume.h):
// everything recorded after step N, and what the end of the interrupted process added at
// step N itself.
struct RunRewind {
    int64_t step = 0;
    std::vector<std::string> metric_keys_at_step;  // metrics at step N removed as well
    std::vector<std::string> event_kinds_at_step;  // events at step N removed as well
    std::vector<std::string> checkpoint_tags;      // checkpoint rows removed at any step
};

// A stored analysis (landscape or Hessian) of one checkpoint of a run.
struct AnalysisRow {
    int64_t id = 0;
    int64_t run = 0;
    int64_t step = 0;  // checkpoint step analysed
    std::string kind;  // landscape: "1d" | "2d" | "interp"; Hessian: "hessian"
    std::string created;
    std::string result_json;  // landscapeToJson / hessianToJson
};

// The loss of every tracked upstream example at one fine-tuning step.
struct ExampleLossRow {
    int64_t step = 0;
    std::vector<float> losses;
};

// A stored forgetting matrix (SCIENCE.md section 5): from a sweep or imported from CSV.
struct MatrixInfo {
    int64_t id = 0;
    std::string name;
    std::string created;
    std::string source;       // "sweep" | "csv"
    std::string status;       // "running" | "done" | "stopped" | "interrupted" | "failed"
    std::string config_json;  // the sweep's set-up (base config, families, ...)
    int64_t rows_planned = 0;
    int64_t rows_done = 0;
    int64_t cols = 0;
};

struct MatrixRowData {
    int64_t row = 0;  // position in the sweep's plan
    std::string name;
    std::vector<double> values;
    std::string extra_json;  // what the row's run measured besides z (accuracies, ...)
};

class Store {
public:
    // Opens or creates the database, applies migrations, and marks runs left "running" by
    // a process that no longer exists as "interrupted".
    explicit Store(const std::string& path);
    ~Store();
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    static int schemaVersion();
    static std::string defaultPath();  // $FORGETLAB_DB, else XDG data dir/forgetlab/runs.db

    const std::string& path() const { return m_path; }
    std::string directory() const;  // the database's folder (checkpoints live below it)
    // Where a run's checkpoint files go: <folder>/checkpoints/run-N for the default file
    // name runs.db, <folder>/<name>-checkpoints/run-N for any other database, so that two
    // databases in one folder never overwrite each other's files.
    std::string runCheckpointDir(int64_t runId) const;
    std::string journalMode();

    // `runtime` ("libtorch 1.13.0", plus CUDA and driver versions on a GPU) joins the
    // forgetlab and SQLite versions in the run's versions column.
    int64_t createRun(const std::string& name, const std::string& configJson, unsigned seed,
                      const std::string& device, const std::string& runtime = "");
    void appendMetrics(int64_t runId, const std::vector<MetricPoint>& points);
    // Metrics and events in one transaction.
    void appendBatch(int64_t runId, const std::vector<MetricPoint>& points,
                     const std::vector<EventRow>& events);
    void appendEvent(int64_t runId, int64_t step, const std::string& kind, const std::string& json);
    void addCheckpoint(int64_t runId, int64_t step, const std::string& tag,
                       const std::string& file);
    void finishRun(int64_t runId, const std::string& status, const std::string& summaryJson);

    std::vector<RunInfo> listRuns();
    RunInfo run(int64_t runId);  // throws StoreError if there is no such run
    std::vector<MetricPoint> metrics(int64_t runId);
    std::vector<EventRow> events(int64_t runId);
    std::vector<EventRow> events(int64_t runId, const std::string& kind);  // one kind
    std::vector<CheckpointRow> checkpoints(int64_t runId);
    // Absolute path of a checkpoint row's file.
    std::string checkpointPath(const CheckpointRow& row) const;

    int64_t saveLandscape(int64_t runId, int64_t step, const std::string& kind,
                          const std::string& resultJson);
    std::vector<AnalysisRow> landscapes(int64_t runId);  // newest first
    int64_t saveHessian(int64_t runId, int64_t step, const std::string& resultJson);
    std::vector<AnalysisRow> hessians(int64_t runId);  // newest first

    // Takes a run back to fine-tuning step `rewind.step` and reopens it as running in this
    // process (no summary), in one transaction (store_resume.cpp). Returns the absolute
    // paths of the checkpoint files whose rows went and that no remaining row names; the
    // caller deletes them.
    std::vector<std::string> rewindRun(int64_t runId, const RunRewind& rewind);

    void saveExampleLosses(int64_t runId, int64_t step, const std::vector<float>& losses);
    std::vector<ExampleLossRow> exampleLosses(int64_t runId);  // by step

    int64_t createMatrix(const std::string& name, const std::string& source,
                         const std::string& configJson, int64_t rowsPlanned, int64_t cols,
                         const std::string& colNamesJson = "[]",
                         const std::string& status = "running");
    void addMatrixRow(int64_t matrixId, int64_t row, const std::string& name,
                      const std::vector<double>& values, const std::string& extraJson = "{}");
    // Also records this process as the matrix's owner (for interruption detection).
    void setMatrixStatus(int64_t matrixId, const std::string& status);
    std::vector<MatrixInfo> listMatrices();
    MatrixInfo matrixInfo(int64_t matrixId);                  // throws StoreError if there is none
    std::vector<MatrixRowData> matrixRows(int64_t matrixId);  // by row
    std::string matrixColumnNamesJson(int64_t matrixId);
    void deleteMatrix(int64_t matrixId);

    // Runs everything in fn inside one transaction (rolled back if fn throws).
    template <class F>
    void transaction(F&& fn) {
        begin();
        try {
            fn();
        } catch (...) {
            rollback();
            throw;
        }
        commit();
    }

private:
    void begin();
    void commit();
    void rollback();
    void exec(const char* sql);
    void migrate();
    void insertMetrics(int64_t runId, const std::vector<MetricPoint>& points);
    void markInterrupted();

    std::string m_path;
    sqlite3* m_db = nullptr;
};

// Writes metrics in batched transactions: points are buffered and committed at most every
// flushIntervalMs (and on phase changes, checkpoints and finish), so a killed process
// loses at most that much. Not thread-safe: use it from the runner's thread.
class StoreSink : public MetricSink {
public:
    StoreSink(Store& store, int64_t runId, int flushIntervalMs = 250);
    ~StoreSink() override;
    void onPhase(Phase phase, int64_t totalSteps) override;
    void onMetrics(const std::vector<MetricPoint>& points) override;
    void onEvent(int64_t step, const std::string& kind, const std::string& json) override;
    void onCheckpoint(int64_t step, const std::string& tag, const std::string& file) override;
    void onExampleLosses(int64_t step, const std::vector<float>& losses) override;
    void flush();

private:
    void maybeFlush();
    Store& m_store;
    int64_t m_runId;
    int m_flushMs;
    int64_t m_lastFlushMs = 0;
    std::vector<MetricPoint> m_pending;
    std::vector<EventRow> m_pendingEvents;
};

// Fans one stream out to several sinks (store + live buffer).
class TeeSink : public MetricSink {
public:
    explicit TeeSink(std::vector<MetricSink*> sinks) : m_sinks(std::move(sinks)) {}
    void onPhase(Phase phase, int64_t totalSteps) override;
    void onMetrics(const std::vector<MetricPoint>& points) override;
    void onEvent(int64_t step, const std::string& kind, const std::string& json) override;
    void onCheckpoint(int64_t step, const std::string& tag, const std::string& file) override;
    void onExampleLosses(int64_t step, const std::vector<float>& losses) override;
    void onProgress(Phase phase, int64_t step, int64_t total) override;

private:
    std::vector<MetricSink*> m_sinks;
};

// Writes a run's metrics as CSV (step,key,value per line, sorted by key then step).
void exportRunCsv(Store& store, int64_t runId, const std::string& csvPath);

}  // namespace forgetlab
