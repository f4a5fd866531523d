// The Store's per-example losses and forgetting matrices (SCIENCE.md section 5): the rows a
// sweep writes one at a time, so an interrupted sweep resumes where it stopped.
#include "engine/store/store.h"

#include <string>
#include <vector>

#include "engine/store/internal/sqlite_statement.h"

namespace forgetlab {
using store_detail::hostName;
using store_detail::nowIso;
using store_detail::Stmt;

void Store::saveExampleLosses(int64_t runId, int64_t step, const std::vector<float>& losses) {
    Stmt s(m_db, "INSERT OR REPLACE INTO example_losses (run, step, losses) VALUES (?, ?, ?);",
           m_path);
    s.bind(1, runId).bind(2, step).bindBlob(3, losses.data(), losses.size() * sizeof(float));
    s.step(m_path);
}

std::vector<ExampleLossRow> Store::exampleLosses(int64_t runId) {
    Stmt s(m_db, "SELECT step, losses FROM example_losses WHERE run = ? ORDER BY step;", m_path);
    s.bind(1, runId);
    std::vector<ExampleLossRow> out;
    while (s.step(m_path)) out.push_back({s.i64(0), s.blob<float>(1)});
    return out;
}

int64_t Store::createMatrix(const std::string& name, const std::string& source,
                            const std::string& configJson, int64_t rowsPlanned, int64_t cols,
                            const std::string& colNamesJson, const std::string& status) {
    Stmt s(m_db,
           "INSERT INTO matrices (name, created, source, status, config, rows_planned, cols, "
           "col_names, pid, host) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?);",
           m_path);
    s.bind(1, name).bind(2, nowIso()).bind(3, source).bind(4, status).bind(5, configJson);
    s.bind(6, rowsPlanned).bind(7, cols).bind(8, colNamesJson);
    s.bind(9, int64_t(::getpid())).bind(10, hostName());
    s.step(m_path);
    return sqlite3_last_insert_rowid(m_db);
}

void Store::addMatrixRow(int64_t matrixId, int64_t row, const std::string& name,
                         const std::vector<double>& values, const std::string& extraJson) {
    Stmt s(m_db,
           "INSERT OR REPLACE INTO matrix_rows (matrix, row, name, vals, extra) "
           "VALUES (?, ?, ?, ?, ?);",
           m_path);
    s.bind(1, matrixId).bind(2, row).bind(3, name);
    s.bindBlob(4, values.data(), values.size() * sizeof(double)).bind(5, extraJson);
    s.step(m_path);
}

void Store::setMatrixStatus(int64_t matrixId, const std::string& status) {
    // A sweep taken up again belongs to this process from now on.
    Stmt s(m_db, "UPDATE matrices SET status = ?, pid = ?, host = ? WHERE id = ?;", m_path);
    s.bind(1, status).bind(2, int64_t(::getpid())).bind(3, hostName()).bind(4, matrixId);
    s.step(m_path);
}

namespace {
const char* kMatrixColumns =
    "SELECT m.id, m.name, m.created, m.source, m.status, m.config, m.rows_planned, m.cols, "
    "(SELECT count(*) FROM matrix_rows r WHERE r.matrix = m.id) FROM matrices m";

MatrixInfo readMatrixInfo(const Stmt& s) {
    MatrixInfo m;
    m.id = s.i64(0);
    m.name = s.text(1);
    m.created = s.text(2);
    m.source = s.text(3);
    m.status = s.text(4);
    m.config_json = s.text(5);
    m.rows_planned = s.i64(6);
    m.cols = s.i64(7);
    m.rows_done = s.i64(8);
    return m;
}
}  // namespace

std::vector<MatrixInfo> Store::listMatrices() {
    Stmt s(m_db, (std::string(kMatrixColumns) + " ORDER BY m.id;").c_str(), m_path);
    std::vector<MatrixInfo> out;
    while (s.step(m_path)) out.push_back(readMatrixInfo(s));
    return out;
}

MatrixInfo Store::matrixInfo(int64_t matrixId) {
    Stmt s(m_db, (std::string(kMatrixColumns) + " WHERE m.id = ?;").c_str(), m_path);
    s.bind(1, matrixId);
    if (!s.step(m_path))
        throw StoreError("there is no forgetting matrix #" + std::to_string(matrixId) + " in " +
                         m_path + "; list them with `forgetlab-cli matrix list`");
    return readMatrixInfo(s);
}

std::vector<MatrixRowData> Store::matrixRows(int64_t matrixId) {
    Stmt s(m_db, "SELECT row, name, vals, extra FROM matrix_rows WHERE matrix = ? ORDER BY row;",
           m_path);
    s.bind(1, matrixId);
    std::vector<MatrixRowData> out;
    while (s.step(m_path)) out.push_back({s.i64(0), s.text(1), s.blob<double>(2), s.text(3)});
    return out;
}

std::string Store::matrixColumnNamesJson(int64_t matrixId) {
    Stmt s(m_db, "SELECT col_names FROM matrices WHERE id = ?;", m_path);
    s.bind(1, matrixId);
    return s.step(m_path) ? s.text(0) : std::string("[]");
}

void Store::deleteMatrix(int64_t matrixId) {
    transaction([&] {
        Stmt r(m_db, "DELETE FROM matrix_rows WHERE matrix = ?;", m_path);
        r.bind(1, matrixId).step(m_path);
        Stmt m(m_db, "DELETE FROM matrices WHERE id = ?;", m_path);
        m.bind(1, matrixId).step(m_path);
    });
}

}  // namespace forgetlab
