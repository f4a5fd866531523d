// The Store's part in resuming a run: one kind of its events (the resume points) and taking
// the run back to a step, so the resumed process continues its series without a seam.
#include "engine/store/store.h"

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "engine/store/internal/sqlite_statement.h"

namespace forgetlab {
namespace fs = std::filesystem;
using store_detail::hostName;
using store_detail::Stmt;

std::vector<EventRow> Store::events(int64_t runId, const std::string& kind) {
    std::vector<EventRow> out;
    Stmt s(m_db, "SELECT step, kind, json FROM events WHERE run = ? AND kind = ? ORDER BY rowid;",
           m_path);
    s.bind(1, runId).bind(2, kind);
    while (s.step(m_path)) out.push_back({s.i64(0), s.text(1), s.text(2)});
    return out;
}

std::vector<std::string> Store::rewindRun(int64_t runId, const RunRewind& r) {
    std::vector<std::string> removedFiles;
    transaction([&] {
        auto eachAtStep = [&](const char* sql, const std::vector<std::string>& names) {
            Stmt s(m_db, sql, m_path);
            for (const std::string& name : names) {
                s.bind(1, runId).bind(2, r.step).bind(3, name);
                s.step(m_path);
                s.reset();
            }
        };
        {
            Stmt s(m_db, "DELETE FROM metrics WHERE run = ? AND step > ?;", m_path);
            s.bind(1, runId).bind(2, r.step).step(m_path);
        }
        eachAtStep("DELETE FROM metrics WHERE run = ? AND step = ? AND key = ?;",
                   r.metric_keys_at_step);
        {
            Stmt s(m_db, "DELETE FROM events WHERE run = ? AND step > ?;", m_path);
            s.bind(1, runId).bind(2, r.step).step(m_path);
        }
        eachAtStep("DELETE FROM events WHERE run = ? AND step = ? AND kind = ?;",
                   r.event_kinds_at_step);
        {
            Stmt s(m_db, "DELETE FROM example_losses WHERE run = ? AND step > ?;", m_path);
            s.bind(1, runId).bind(2, r.step).step(m_path);
        }
        // Checkpoint rows: those after the step and those with the given tags.
        std::set<std::string> gone, kept;
        {
            Stmt s(m_db, "SELECT step, tag, file FROM checkpoints WHERE run = ?;", m_path);
            s.bind(1, runId);
            while (s.step(m_path)) {
                bool tagged = false;
                for (const std::string& t : r.checkpoint_tags) tagged = tagged || s.text(1) == t;
                (s.i64(0) > r.step || tagged ? gone : kept).insert(s.text(2));
            }
        }
        {
            Stmt s(m_db, "DELETE FROM checkpoints WHERE run = ? AND step > ?;", m_path);
            s.bind(1, runId).bind(2, r.step).step(m_path);
        }
        {
            Stmt s(m_db, "DELETE FROM checkpoints WHERE run = ? AND tag = ?;", m_path);
            for (const std::string& t : r.checkpoint_tags) {
                s.bind(1, runId).bind(2, t);
                s.step(m_path);
                s.reset();
            }
        }
        {
            Stmt s(m_db,
                   "UPDATE runs SET status = 'running', summary = NULL, pid = ?, host = ? "
                   "WHERE id = ?;",
                   m_path);
            s.bind(1, int64_t(::getpid())).bind(2, hostName()).bind(3, runId).step(m_path);
        }
        for (const std::string& file : gone)
            if (!kept.count(file)) removedFiles.push_back(checkpointPath({0, "", file}));
    });
    return removedFiles;
}

}  // namespace forgetlab
