#pragma once
// Engine-internal helpers shared by the forgetting-matrix translation units
// (forgetting_matrix.cpp, matrix_csv.cpp, matrix_scores.cpp).

#include <cstdint>
#include <string>

#include "engine/forgetting/forgetting_matrix.h"

namespace forgetlab::detail {

inline std::string plural(int64_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

inline void checkShape(const ForgetMatrix& z) {
    if (z.rows < 0 || z.cols < 0 || z.values.size() != static_cast<size_t>(z.rows * z.cols))
        throw MatrixError("the matrix holds " + std::to_string(z.values.size()) +
                          " values but is declared " + std::to_string(z.rows) + " x " +
                          std::to_string(z.cols));
    if (!z.row_names.empty() && z.row_names.size() != static_cast<size_t>(z.rows))
        throw MatrixError("the matrix has " + std::to_string(z.row_names.size()) +
                          " row names for " + plural(z.rows, "row", "rows"));
    if (!z.col_names.empty() && z.col_names.size() != static_cast<size_t>(z.cols))
        throw MatrixError("the matrix has " + std::to_string(z.col_names.size()) +
                          " column names for " + plural(z.cols, "column", "columns"));
}

}  // namespace forgetlab::detail
