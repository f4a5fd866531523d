#pragma once
// Continual-learning metrics over an accuracy matrix (SCIENCE.md section 4).
// R[i][j] = accuracy on task j after training task i, for T tasks (R is T x T);
// b[j] = accuracy of the initial model on task j (for FWT).

#include <string>
#include <vector>

namespace forgetlab {

using AccuracyMatrix = std::vector<std::vector<double>>;

struct ContinualMetrics {
    double avg_acc = 0.0;     // mean_j R[T-1][j]
    double forgetting = 0.0;  // mean_{j<T-1} max_{l<T-1} R[l][j] - R[T-1][j]  (Chaudhry et al.)
    double bwt = 0.0;         // mean_{j<T-1} R[T-1][j] - R[j][j]            (Lopez-Paz & Ranzato)
    double fwt = 0.0;         // mean_{j>0} R[j-1][j] - b[j]
};

// For T = 1, forgetting, BWT and FWT are 0 (no earlier task). Throws std::invalid_argument
// if R is not square or b has the wrong length (b may be empty: FWT is then 0).
ContinualMetrics continualMetrics(const AccuracyMatrix& r, const std::vector<double>& b = {});

}  // namespace forgetlab
