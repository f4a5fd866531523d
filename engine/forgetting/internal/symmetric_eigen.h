#pragma once
// Engine-internal. Eigen-decomposition of a small dense symmetric matrix (plain C++ interface;
// the implementation uses Eigen3, header-only).

#include <cstdint>
#include <vector>

namespace forgetlab {

// Eigen-decomposition of a small symmetric matrix by Eigen's SelfAdjointEigenSolver
// (tridiagonal reduction, then implicit symmetric QR), on the calling thread. Single-threaded
// on purpose: LAPACK's dsyevd through OpenMP-threaded OpenBLAS runs hundreds of tiny parallel
// regions on a 100 x 100 matrix and, on a busy 2-core machine, took seconds instead of a
// millisecond. `a` (n x n, row-major; only the lower triangle is read) is overwritten;
// returns the eigenvalues ascending, with eigenvector k in row k of `a`.
std::vector<double> symmetricEigen(std::vector<double>& a, int64_t n);

}  // namespace forgetlab
