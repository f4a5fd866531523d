#pragma once
// Helpers shared by the forgetting-matrix tests (test_forgetting_matrix.cpp,
// test_matrix_csv.cpp).

#include <cmath>
#include <string>
#include <vector>

#include "engine/forgetting/forgetting_matrix.h"

namespace forgetlab::test {

inline bool near(double a, double b, double tol = 1e-9) {
    return std::abs(a - b) <= tol;
}

inline ForgetMatrix fromRows(const std::vector<std::vector<double>>& rows) {
    ForgetMatrix z;
    z.rows = static_cast<int64_t>(rows.size());
    z.cols = rows.empty() ? 0 : static_cast<int64_t>(rows.front().size());
    for (const auto& r : rows) z.values.insert(z.values.end(), r.begin(), r.end());
    return z;
}

inline bool sameValues(const std::vector<double>& a, const std::vector<double>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (std::isnan(a[i]) != std::isnan(b[i])) return false;
        if (!std::isnan(a[i]) && a[i] != b[i]) return false;
    }
    return true;
}

// Runs f, which must throw MatrixError; returns it for inspection.
template <typename F>
MatrixError expectMatrixError(F f) {
    try {
        f();
    } catch (const MatrixError& e) {
        return e;
    }
    return MatrixError("<no MatrixError thrown>", -1, -1);
}

inline bool mentions(const MatrixError& e, const char* text) {
    return std::string(e.what()).find(text) != std::string::npos;
}

}  // namespace forgetlab::test
