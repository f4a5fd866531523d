#pragma once
// The task x example forgetting matrix Z (SCIENCE.md section 5): a dense container, CSV
// import/export, the fit quality of the low-rank, additive, task-only and example-only
// models, and the matrix-completion protocol (additive, kNN over tasks, low-rank).
// Public header: plain C++, no torch, no Qt.

#include <atomic>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace forgetlab {

// Dense row-major M x N matrix: rows are fine-tuning tasks, columns upstream examples,
// z_ij = loss of example j after tuning on task i minus before. NaN marks a missing cell.
struct ForgetMatrix {
    int64_t rows = 0;
    int64_t cols = 0;
    std::vector<double> values;          // rows * cols, row-major
    std::vector<std::string> row_names;  // empty, or one per row
    std::vector<std::string> col_names;  // empty, or one per column

    double at(int64_t i, int64_t j) const { return values[static_cast<size_t>(i * cols + j)]; }
    int64_t missingCount() const;
    // Throws MatrixError naming the first missing cell (1-based row and column) and how
    // many there are, when the matrix has any: fit and completion need every cell.
    void requireComplete() const;
};

// Bad matrix input. line/column are 1-based positions in the CSV file (0 = not tied to one).
class MatrixError : public std::runtime_error {
public:
    MatrixError(const std::string& what, int64_t line = 0, int64_t column = 0)
        : std::runtime_error(what), m_line(line), m_column(column) {}
    int64_t line() const { return m_line; }
    int64_t column() const { return m_column; }

private:
    int64_t m_line, m_column;
};

// ---- CSV --------------------------------------------------------------------------------
// Comma-separated, one task per line. A header row (example names) and a first column
// (task names) are optional. Auto detection: the first line is a header when any of its
// cells after the first is not a number; the first column holds names when the first cell
// of any data line is not a number. Missing values: an empty cell, NA or NaN (any case)
// is read as missing (NaN); fit and completion refuse a matrix with missing cells and say
// which. Blank lines and lines starting with '#' are skipped. Anything else that is not
// a finite number, and rows of different lengths, are errors naming line and column.
// Details: error positions are the physical line (blank and comment lines counted) and the
// 1-based cell number in that line. Spaces around cells, CRLF line endings and a UTF-8
// byte-order mark are accepted. A double-quoted cell ("a, b"; "" for a quote inside) may
// hold commas, must close on its line, and counts as a name in the auto detection even
// when it looks like a number. readMatrixCsv prefixes its messages with the path.
enum class CsvPart { Auto, Yes, No };
struct CsvOptions {
    CsvPart header = CsvPart::Auto;
    CsvPart row_names = CsvPart::Auto;
};
ForgetMatrix readMatrixCsv(const std::string& path, const CsvOptions& options = {});
ForgetMatrix parseMatrixCsv(const std::string& text, const CsvOptions& options = {});
// Always writes a header row and a first column of names (generated as task<i> / ex<j>
// when the matrix has none); values with 17 significant digits, missing cells empty.
// Names that contain a comma or quote, look like a number or a missing value, start with
// '#' or have surrounding spaces are quoted (line breaks in names become spaces), so that
// parsing the text gives back the same matrix and names.
void writeMatrixCsv(const ForgetMatrix& z, const std::string& path);
std::string formatMatrixCsv(const ForgetMatrix& z);

// ---- Fit quality --------------------------------------------------------------------------
// R^2 = 1 - sum (z - zhat)^2 / sum (z - mean(Z))^2 of each model fitted to all of Z.
// A constant Z (SST zero up to rounding, <= 1e-24 sum z^2) has R^2 = 1 for a model whose
// error is as small (every model here fits a constant), else 0. The singular values are
// the square roots of the eigenvalues of the smaller Gram matrix (Z Z^T or Z^T Z);
// eigenvalues below 1e-13 of the largest (singular values below ~3e-7 s_1, which the Gram
// matrix cannot resolve) count as zero, so an exact rank-r matrix has R^2 = 1 at rank r.
// Throws MatrixError for maxRank < 1, an empty matrix, or missing / infinite cells.
struct FitReport {
    int64_t rows = 0, cols = 0;
    std::vector<double> r2_rank;          // truncated SVD of rank 1..maxRank (capped at min(M, N))
    double r2_additive = 0;               // mu + a_i + b_j (least squares)
    double r2_task_only = 0;              // row means
    double r2_example_only = 0;           // column means
    std::vector<double> singular_values;  // the leading min(M, N, 5) of Z, descending
};
FitReport fitMatrix(const ForgetMatrix& z, int maxRank = 5);

// The leading singular triplets of Z (not centred): Z ~ sum_k s_k u_k v_k^T.
// u is rows x rank and v is cols x rank, both row-major; signs chosen so that the sum
// of each v_k is non-negative (so "sorted by v_1" puts the most-forgotten examples last).
// rank is capped at min(M, N); a component with a zero singular value has zero u and v.
struct SvdComponents {
    int rank = 0;
    std::vector<double> singular;  // rank
    std::vector<double> u;         // rows * rank
    std::vector<double> v;         // cols * rank
};
SvdComponents leadingComponents(const ForgetMatrix& z, int rank = 5);

// ---- Completion ---------------------------------------------------------------------------
// Protocol: for each seed, hold out H random rows; of each held-out row reveal K random
// entries and predict the others from the remaining (fully observed) rows. Scores are
// over the predicted (hidden) entries, pooled over the held-out rows of a seed, then
// averaged over seeds. "Forgotten" means z > 0 (and prediction > 0 for F1).
// Seed s draws with std::mt19937_64(seed + s) and platform-independent sampling: the same
// options give the same numbers, and seed s of a run equals seed 0 of a run from seed + s.
// Methods (reference = the rows not held out):
//   additive: b_j = column mean over the reference, a_i = mean over the revealed entries of
//     z_ij - b_j, prediction b_j + a_i;
//   knn: similarity to reference row t = 1 / (1 + mean over the revealed columns of
//     (z_ij - z_tj)^2); the k most similar rows, prediction sum sim z_tj / sum sim;
//   lowrank: V_r = leading right singular vectors of the reference, r = min(rank, reference
//     rows, K); u = argmin |z_K - V_K u|^2 + lambda |u|^2 with lambda = 1e-6 trace(V_K^T V_K)
//     / r (only matters when V_K is nearly singular); prediction V_r u.
enum class CompletionMethod { Additive, Knn, LowRank };
const char* completionMethodName(CompletionMethod m);  // "additive", "knn", "lowrank"

struct CompletionOptions {
    int holdout_rows = 0;  // H; 0 = automatic: max(1, rows / 5)
    int observed = 30;     // K revealed entries per held-out row
    int seeds = 5;
    uint64_t seed = 0;  // first seed; seed s uses seed + s
    int knn_k = 40;     // neighbours (capped at the number of reference rows)
    int rank = 5;       // low-rank factorisation rank (capped at min(reference rows, K))
};

struct MethodScores {
    CompletionMethod method = CompletionMethod::Additive;
    double rmse = 0, f1 = 0, auc = 0;  // means over seeds (AUC over seeds where defined)
    std::vector<double> rmse_seeds, f1_seeds, auc_seeds;
};

struct CompletionReport {
    int holdout_rows = 0, observed = 0, seeds = 0;
    std::vector<MethodScores> methods;  // additive, knn, lowrank in that order
    // The hidden entries of the first seed, for a predicted-vs-actual scatter:
    std::vector<double> actual;
    std::vector<std::vector<double>> predicted;  // one vector per method, aligned with actual
};

// Throws MatrixError when the matrix is too small for the protocol (fewer rows than
// H + 2, fewer columns than K + 1) or has missing cells. progress(done, total) is called
// after each seed; a set cancel flag stops between seeds with MatrixError("cancelled").
// Invalid options are MatrixErrors naming the option as the command line spells it
// (--holdout-rows, --observed, --seeds, --knn-k, --rank).
CompletionReport completeMatrix(const ForgetMatrix& z, const CompletionOptions& options,
                                const std::function<void(int, int)>& progress = {},
                                const std::atomic<bool>* cancel = nullptr);

// Predicts one new row (a task not in the reference) from the entries observed at
// observedCols, using the reference rows. Used by targeted replay. Returns reference.cols
// values: the method's prediction, with the observed values kept at observedCols (0-based,
// distinct). Throws MatrixError for bad columns, mismatched lengths or a reference with
// missing cells.
std::vector<double> predictRow(const ForgetMatrix& reference,
                               const std::vector<int64_t>& observedCols,
                               const std::vector<double>& observedValues, CompletionMethod method,
                               const CompletionOptions& options = {});

// ---- Scores (exposed for tests) -------------------------------------------------------------
// All three throw std::invalid_argument when the two vectors differ in length.
// Root mean squared difference; NaN for empty vectors.
double rmse(const std::vector<double>& actual, const std::vector<double>& predicted);
// F1 of "forgotten" (actual > 0) vs predicted > 0: 2TP / (2TP + FP + FN); 1 when both
// sides have no positives at all.
double f1Forgotten(const std::vector<double>& actual, const std::vector<double>& predicted);
// Area under the ROC curve of the scores for the labels actual > 0 (ties count 1/2);
// NaN when all labels are the same.
double aucForgotten(const std::vector<double>& actual, const std::vector<double>& scores);

}  // namespace forgetlab
