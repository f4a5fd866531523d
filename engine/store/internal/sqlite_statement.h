#pragma once
// Engine-internal. What the Store's translation units share (store.cpp: runs, metrics,
// events, checkpoints, analyses; store_matrices.cpp: per-example losses and forgetting
// matrices; store_resume.cpp: taking a run back to a resume point): an RAII prepared
// statement whose errors name the database file, and the time and host stamps written
// into rows.

#include <cmath>
#include <cstdint>
#include <ctime>
#include <limits>
#include <string>
#include <vector>

#include <sqlite3.h>
#include <unistd.h>

#include "engine/store/store.h"

namespace forgetlab::store_detail {

// RAII prepared statement.
class Stmt {
public:
    Stmt(sqlite3* db, const char* sql, const std::string& path) : m_db(db) {
        if (sqlite3_prepare_v2(db, sql, -1, &m_stmt, nullptr) != SQLITE_OK)
            throw StoreError(path + ": " + sqlite3_errmsg(db));
    }
    ~Stmt() { sqlite3_finalize(m_stmt); }
    Stmt& bind(int i, int64_t v) {
        sqlite3_bind_int64(m_stmt, i, v);
        return *this;
    }
    Stmt& bind(int i, double v) {
        if (std::isnan(v))
            sqlite3_bind_null(m_stmt, i);
        else
            sqlite3_bind_double(m_stmt, i, v);
        return *this;
    }
    Stmt& bind(int i, const std::string& v) {
        sqlite3_bind_text(m_stmt, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
        return *this;
    }
    Stmt& bindBlob(int i, const void* data, size_t bytes) {
        sqlite3_bind_blob64(m_stmt, i, data, bytes, SQLITE_TRANSIENT);
        return *this;
    }
    template <class T>
    std::vector<T> blob(int c) const {
        const auto* p = static_cast<const T*>(sqlite3_column_blob(m_stmt, c));
        const size_t n = static_cast<size_t>(sqlite3_column_bytes(m_stmt, c)) / sizeof(T);
        return p ? std::vector<T>(p, p + n) : std::vector<T>();
    }
    // Returns true while there is a row.
    bool step(const std::string& path) {
        const int rc = sqlite3_step(m_stmt);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        throw StoreError(path + ": " + sqlite3_errmsg(m_db));
    }
    void reset() {
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
    }
    int64_t i64(int c) const { return sqlite3_column_int64(m_stmt, c); }
    double real(int c) const {
        if (sqlite3_column_type(m_stmt, c) == SQLITE_NULL)
            return std::numeric_limits<double>::quiet_NaN();
        return sqlite3_column_double(m_stmt, c);
    }
    std::string text(int c) const {
        const auto* t = sqlite3_column_text(m_stmt, c);
        return t ? std::string(reinterpret_cast<const char*>(t)) : std::string();
    }

private:
    sqlite3* m_db;
    sqlite3_stmt* m_stmt = nullptr;
};

inline std::string nowIso() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

inline std::string hostName() {
    char buf[256] = {0};
    gethostname(buf, sizeof(buf) - 1);
    return buf;
}

}  // namespace forgetlab::store_detail
