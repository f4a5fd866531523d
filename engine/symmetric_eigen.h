#pragma once
// Engine-internal. Eigen-decomposition of a small dense symmetric matrix (plain C++).

#include <cstdint>
#include <vector>

namespace forgetlab {

// Eigen-decomposition of a small symmetric matrix: Householder reduction to tridiagonal
// form, then the implicit QL method (EISPACK tred2 / tql2, as in JAMA). Single-threaded on
// purpose: LAPACK's dsyevd through OpenMP-threaded OpenBLAS runs hundreds of tiny parallel
// regions on a 100 x 100 matrix and, on a busy 2-core machine, took seconds instead of a
// millisecond. `a` (n x n, row-major) is overwritten; returns the eigenvalues ascending,
// with eigenvector k in row k of `a`.
std::vector<double> symmetricEigen(std::vector<double>& a, int64_t n);

}  // namespace forgetlab
