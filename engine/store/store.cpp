#include "engine/store/store.h"

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <limits>

#include <signal.h>
#include <sqlite3.h>
#include <unistd.h>

#include "engine/store/internal/sqlite_statement.h"

namespace forgetlab {
namespace fs = std::filesystem;
using store_detail::hostName;
using store_detail::nowIso;
using store_detail::Stmt;

namespace {

// Each entry moves the schema from version i to i + 1. Never edit a shipped entry:
// append a new one.
const char* const kMigrations[] = {
    R"sql(
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        created TEXT NOT NULL,
        status TEXT NOT NULL,
        config TEXT NOT NULL,
        summary TEXT,
        seed INTEGER NOT NULL DEFAULT 0,
        device TEXT NOT NULL DEFAULT 'cpu',
        versions TEXT,
        pid INTEGER,
        host TEXT
    );
    CREATE TABLE metrics (
        run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        step INTEGER NOT NULL,
        key TEXT NOT NULL,
        value REAL
    );
    CREATE INDEX metrics_run_key_step ON metrics(run, key, step);
    CREATE TABLE events (
        run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        step INTEGER NOT NULL,
        kind TEXT NOT NULL,
        json TEXT NOT NULL
    );
    CREATE INDEX events_run ON events(run);
    CREATE TABLE checkpoints (
        run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        step INTEGER NOT NULL,
        tag TEXT NOT NULL,
        file TEXT NOT NULL
    );
    CREATE INDEX checkpoints_run ON checkpoints(run);
    )sql",
    R"sql(
    CREATE TABLE landscapes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        step INTEGER NOT NULL,
        kind TEXT NOT NULL,
        created TEXT NOT NULL,
        result TEXT NOT NULL
    );
    CREATE INDEX landscapes_run ON landscapes(run);
    CREATE TABLE hessians (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        step INTEGER NOT NULL,
        kind TEXT NOT NULL DEFAULT 'hessian',
        created TEXT NOT NULL,
        result TEXT NOT NULL
    );
    CREATE INDEX hessians_run ON hessians(run);
    )sql",
    R"sql(
    CREATE TABLE example_losses (
        run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        step INTEGER NOT NULL,
        losses BLOB NOT NULL,
        PRIMARY KEY (run, step)
    );
    CREATE TABLE matrices (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        created TEXT NOT NULL,
        source TEXT NOT NULL,
        status TEXT NOT NULL,
        config TEXT NOT NULL,
        rows_planned INTEGER NOT NULL,
        cols INTEGER NOT NULL,
        col_names TEXT NOT NULL DEFAULT '[]',
        pid INTEGER,
        host TEXT
    );
    CREATE TABLE matrix_rows (
        matrix INTEGER NOT NULL REFERENCES matrices(id) ON DELETE CASCADE,
        row INTEGER NOT NULL,
        name TEXT NOT NULL,
        vals BLOB NOT NULL,
        extra TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (matrix, row)
    );
    )sql",
};

bool processAlive(int64_t pid) {
    if (pid <= 0) return false;
    if (::kill(static_cast<pid_t>(pid), 0) == 0) return true;
    return errno == EPERM;  // exists, owned by someone else
}

RunInfo readRun(const Stmt& s) {
    RunInfo r;
    r.id = s.i64(0);
    r.name = s.text(1);
    r.created = s.text(2);
    r.status = s.text(3);
    r.config_json = s.text(4);
    r.summary_json = s.text(5);
    r.seed = static_cast<unsigned>(s.i64(6));
    r.device = s.text(7);
    r.versions = s.text(8);
    r.pid = s.i64(9);
    return r;
}

const char* kRunColumns =
    "SELECT id, name, created, status, config, summary, seed, device, versions, pid FROM runs";

}  // namespace

Store::Store(const std::string& path) : m_path(path) {
    std::error_code ec;
    const fs::path parent = fs::path(path).parent_path();
    if (!parent.empty() && !fs::exists(parent)) {
        fs::create_directories(parent, ec);
        if (ec)
            throw StoreError("cannot create the folder for the database " + path + ": " +
                             ec.message() + ". Choose another location with --db.");
    }
    const int rc = sqlite3_open_v2(
        path.c_str(), &m_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
        nullptr);
    if (rc != SQLITE_OK) {
        std::string msg = m_db ? sqlite3_errmsg(m_db) : "out of memory";
        sqlite3_close(m_db);
        m_db = nullptr;
        throw StoreError("cannot open the database " + path + ": " + msg +
                         ". Check the path and its permissions, or choose another with --db.");
    }
    try {
        sqlite3_busy_timeout(m_db, 5000);
        // Reading the schema fails here for a file that is not a database.
        exec("SELECT count(*) FROM sqlite_master;");
        exec("PRAGMA foreign_keys = ON;");
        if (journalMode() != "wal") {
            exec("PRAGMA journal_mode = WAL;");
        }
        // WAL + NORMAL: a killed process loses nothing committed; only a power cut can.
        exec("PRAGMA synchronous = NORMAL;");
        migrate();
        markInterrupted();
    } catch (const StoreError& e) {
        sqlite3_close(m_db);
        m_db = nullptr;
        std::string what = e.what();
        if (what.find("not a database") != std::string::npos ||
            what.find("malformed") != std::string::npos)
            throw StoreError(path + " is not a ForgetLab database or is corrupt (" + what +
                             "). Nothing was changed; move the file aside or open another "
                             "with --db.");
        throw StoreError("cannot use the database " + path + ": " + what);
    }
}

Store::~Store() {
    if (m_db) sqlite3_close(m_db);
}

int Store::schemaVersion() {
    return static_cast<int>(std::size(kMigrations));
}

std::string Store::defaultPath() {
    if (const char* env = std::getenv("FORGETLAB_DB"); env && *env) return env;
    fs::path base;
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
        base = xdg;
    else if (const char* home = std::getenv("HOME"); home && *home)
        base = fs::path(home) / ".local" / "share";
    else
        base = fs::temp_directory_path();
    return (base / "forgetlab" / "runs.db").string();
}

std::string Store::directory() const {
    fs::path p = fs::absolute(m_path).parent_path();
    return p.string();
}

std::string Store::runCheckpointDir(int64_t runId) const {
    const fs::path file(m_path);
    const std::string folder = file.filename() == "runs.db" ? std::string("checkpoints")
                                                            : file.stem().string() + "-checkpoints";
    return (fs::path(directory()) / folder / ("run-" + std::to_string(runId))).string();
}

void Store::exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(m_db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err ? err : sqlite3_errmsg(m_db);
        sqlite3_free(err);
        throw StoreError(msg);
    }
}

std::string Store::journalMode() {
    Stmt s(m_db, "PRAGMA journal_mode;", m_path);
    return s.step(m_path) ? s.text(0) : std::string();
}

void Store::begin() {
    exec("BEGIN IMMEDIATE;");
}
void Store::commit() {
    exec("COMMIT;");
}
void Store::rollback() {
    char* err = nullptr;
    sqlite3_exec(m_db, "ROLLBACK;", nullptr, nullptr, &err);
    sqlite3_free(err);
}

void Store::migrate() {
    int version = 0;
    {
        Stmt s(m_db, "PRAGMA user_version;", m_path);
        if (s.step(m_path)) version = static_cast<int>(s.i64(0));
    }
    if (version > schemaVersion())
        throw StoreError("the database has schema version " + std::to_string(version) +
                         ", newer than this ForgetLab understands (" +
                         std::to_string(schemaVersion()) + "); update ForgetLab");
    for (int v = version; v < schemaVersion(); ++v) {
        transaction([&] {
            exec(kMigrations[v]);
            exec(("PRAGMA user_version = " + std::to_string(v + 1) + ";").c_str());
        });
    }
}

void Store::markInterrupted() {
    // Runs and sweeps left "running" by a process of this machine that no longer exists.
    // Only this machine's processes can be checked; another host's rows stay as they are.
    // A sweep keeps its finished rows and can be resumed.
    for (const std::string table : {"runs", "matrices"}) {
        std::vector<int64_t> dead;
        {
            Stmt s(m_db,
                   ("SELECT id, pid, host FROM " + table + " WHERE status = 'running';").c_str(),
                   m_path);
            const std::string host = hostName();
            while (s.step(m_path))
                if (s.text(2) == host && !processAlive(s.i64(1))) dead.push_back(s.i64(0));
        }
        for (int64_t id : dead) {
            Stmt u(m_db,
                   ("UPDATE " + table +
                    " SET status = 'interrupted' WHERE id = ? AND status = 'running';")
                       .c_str(),
                   m_path);
            u.bind(1, id).step(m_path);
        }
    }
}

int64_t Store::createRun(const std::string& name, const std::string& configJson, unsigned seed,
                         const std::string& device, const std::string& runtime) {
    Stmt s(m_db,
           "INSERT INTO runs (name, created, status, config, seed, device, versions, pid, host) "
           "VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?);",
           m_path);
    s.bind(1, name).bind(2, nowIso()).bind(3, configJson).bind(4, int64_t(seed)).bind(5, device);
    s.bind(6, std::string("forgetlab ") + FORGETLAB_VERSION + ", sqlite " + sqlite3_libversion() +
                  (runtime.empty() ? "" : ", " + runtime));
    s.bind(7, int64_t(::getpid())).bind(8, hostName());
    s.step(m_path);
    return sqlite3_last_insert_rowid(m_db);
}

void Store::insertMetrics(int64_t runId, const std::vector<MetricPoint>& points) {
    Stmt s(m_db, "INSERT INTO metrics (run, step, key, value) VALUES (?, ?, ?, ?);", m_path);
    for (const auto& p : points) {
        s.bind(1, runId).bind(2, p.step).bind(3, p.key).bind(4, p.value);
        s.step(m_path);
        s.reset();
    }
}

void Store::appendMetrics(int64_t runId, const std::vector<MetricPoint>& points) {
    if (points.empty()) return;
    transaction([&] { insertMetrics(runId, points); });
}

void Store::appendBatch(int64_t runId, const std::vector<MetricPoint>& points,
                        const std::vector<EventRow>& events) {
    transaction([&] {
        insertMetrics(runId, points);
        for (const auto& e : events) appendEvent(runId, e.step, e.kind, e.json);
    });
}

void Store::appendEvent(int64_t runId, int64_t step, const std::string& kind,
                        const std::string& json) {
    Stmt s(m_db, "INSERT INTO events (run, step, kind, json) VALUES (?, ?, ?, ?);", m_path);
    s.bind(1, runId).bind(2, step).bind(3, kind).bind(4, json).step(m_path);
}

void Store::addCheckpoint(int64_t runId, int64_t step, const std::string& tag,
                          const std::string& file) {
    // Stored relative to the database's folder so a moved folder keeps working.
    std::string rel = file;
    std::error_code ec;
    const fs::path r = fs::relative(fs::absolute(file), directory(), ec);
    if (!ec && !r.empty() && r.native().rfind("..", 0) != 0) rel = r.string();
    Stmt s(m_db, "INSERT INTO checkpoints (run, step, tag, file) VALUES (?, ?, ?, ?);", m_path);
    s.bind(1, runId).bind(2, step).bind(3, tag).bind(4, rel).step(m_path);
}

void Store::finishRun(int64_t runId, const std::string& status, const std::string& summaryJson) {
    Stmt s(m_db, "UPDATE runs SET status = ?, summary = ? WHERE id = ?;", m_path);
    s.bind(1, status).bind(2, summaryJson).bind(3, runId).step(m_path);
}

std::vector<RunInfo> Store::listRuns() {
    std::vector<RunInfo> out;
    Stmt s(m_db, (std::string(kRunColumns) + " ORDER BY id;").c_str(), m_path);
    while (s.step(m_path)) out.push_back(readRun(s));
    return out;
}

RunInfo Store::run(int64_t runId) {
    Stmt s(m_db, (std::string(kRunColumns) + " WHERE id = ?;").c_str(), m_path);
    s.bind(1, runId);
    if (!s.step(m_path))
        throw StoreError("there is no run " + std::to_string(runId) + " in " + m_path +
                         " (list them with: forgetlab-cli runs)");
    return readRun(s);
}

std::vector<MetricPoint> Store::metrics(int64_t runId) {
    std::vector<MetricPoint> out;
    Stmt s(m_db, "SELECT step, key, value FROM metrics WHERE run = ? ORDER BY key, step, rowid;",
           m_path);
    s.bind(1, runId);
    while (s.step(m_path)) out.push_back({s.i64(0), s.text(1), s.real(2)});
    return out;
}

std::vector<EventRow> Store::events(int64_t runId) {
    std::vector<EventRow> out;
    Stmt s(m_db, "SELECT step, kind, json FROM events WHERE run = ? ORDER BY rowid;", m_path);
    s.bind(1, runId);
    while (s.step(m_path)) out.push_back({s.i64(0), s.text(1), s.text(2)});
    return out;
}

std::vector<CheckpointRow> Store::checkpoints(int64_t runId) {
    std::vector<CheckpointRow> out;
    Stmt s(m_db, "SELECT step, tag, file FROM checkpoints WHERE run = ? ORDER BY step, rowid;",
           m_path);
    s.bind(1, runId);
    while (s.step(m_path)) out.push_back({s.i64(0), s.text(1), s.text(2)});
    return out;
}

std::string Store::checkpointPath(const CheckpointRow& row) const {
    const fs::path p(row.file);
    return p.is_absolute() ? p.string() : (fs::path(directory()) / p).string();
}

namespace {
int64_t insertAnalysis(sqlite3* db, const std::string& path, const char* table, int64_t runId,
                       int64_t step, const std::string& kind, const std::string& json) {
    const std::string sql = std::string("INSERT INTO ") + table +
                            " (run, step, kind, created, result) VALUES (?, ?, ?, ?, ?);";
    Stmt s(db, sql.c_str(), path);
    s.bind(1, runId).bind(2, step).bind(3, kind).bind(4, nowIso()).bind(5, json).step(path);
    return sqlite3_last_insert_rowid(db);
}

std::vector<AnalysisRow> readAnalyses(sqlite3* db, const std::string& path, const char* table,
                                      int64_t runId) {
    const std::string sql = std::string("SELECT id, run, step, kind, created, result FROM ") +
                            table + " WHERE run = ? ORDER BY id DESC;";
    Stmt s(db, sql.c_str(), path);
    s.bind(1, runId);
    std::vector<AnalysisRow> out;
    while (s.step(path))
        out.push_back({s.i64(0), s.i64(1), s.i64(2), s.text(3), s.text(4), s.text(5)});
    return out;
}
}  // namespace

int64_t Store::saveLandscape(int64_t runId, int64_t step, const std::string& kind,
                             const std::string& resultJson) {
    return insertAnalysis(m_db, m_path, "landscapes", runId, step, kind, resultJson);
}

std::vector<AnalysisRow> Store::landscapes(int64_t runId) {
    return readAnalyses(m_db, m_path, "landscapes", runId);
}

int64_t Store::saveHessian(int64_t runId, int64_t step, const std::string& resultJson) {
    return insertAnalysis(m_db, m_path, "hessians", runId, step, "hessian", resultJson);
}

std::vector<AnalysisRow> Store::hessians(int64_t runId) {
    return readAnalyses(m_db, m_path, "hessians", runId);
}

}  // namespace forgetlab
