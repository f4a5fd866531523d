#include "engine/forgetting/internal/symmetric_eigen.h"

#include <stdexcept>

// Eigen's own threading is OpenMP-based and only used by its dense products; the solver
// below stays on this thread either way.
#include <Eigen/Eigenvalues>

namespace forgetlab {

std::vector<double> symmetricEigen(std::vector<double>& a, int64_t n) {
    if (n < 0 || static_cast<int64_t>(a.size()) != n * n)
        throw std::invalid_argument("symmetricEigen: expected an n x n matrix");
    if (n == 0) return {};
    using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    Eigen::Map<RowMajor> m(a.data(), n, n);
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(m, Eigen::ComputeEigenvectors);
    if (solver.info() != Eigen::Success)
        throw std::runtime_error("symmetricEigen: the eigen solver did not converge");
    // Eigenvalues come ascending, eigenvectors as columns: row k of `a` gets column k.
    m = solver.eigenvectors().transpose();
    const Eigen::VectorXd& values = solver.eigenvalues();
    return std::vector<double>(values.data(), values.data() + n);
}

}  // namespace forgetlab
