#pragma once
// Engine-internal (includes torch). Sharpness measures of SCIENCE.md section 2, for any
// loss closure over a list of parameters. The closure must build a fresh graph each call
// (forward pass on a fixed probe set). Parameters and their .grad fields are left
// untouched (gradients are taken with autograd::grad, weights restored bit-exactly).

#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include <torch/torch.h>

namespace forgetlab {

using LossFn = std::function<torch::Tensor()>;

// S_rho = L(w + rho g/||g||) - L(w).
double samSharpness(const std::vector<torch::Tensor>& params, const LossFn& loss, double rho);

// H v by double backward.
std::vector<torch::Tensor> hessianVectorProduct(const std::vector<torch::Tensor>& params,
                                                const LossFn& loss,
                                                const std::vector<torch::Tensor>& v);

struct EigenResult {
    std::vector<double> eigenvalues;  // descending by power-iteration order (largest first)
    std::vector<int> iterations;      // iterations used for each
    bool cancelled = false;           // then eigenvalues holds those finished
};

// Called after each Hessian-vector product (for progress reporting).
using HvpCallback = std::function<void()>;

// Top-k eigenvalues by power iteration with deflation: v <- Hv/||Hv||, lambda = v'Hv,
// stop at relative change < tol or maxIters. Start vectors drawn from `seed`.
EigenResult hessianTopEigenvalues(const std::vector<torch::Tensor>& params, const LossFn& loss,
                                  int k, int maxIters, double tol, uint64_t seed,
                                  const std::atomic<bool>* cancel = nullptr,
                                  const HvpCallback& onHvp = {});

struct TraceResult {
    double mean = 0.0;
    double stderr_ = 0.0;  // standard error of the mean over samples
    int samples = 0;
    bool cancelled = false;
};

// Hutchinson: mean of v'Hv over Rademacher v.
TraceResult hessianTrace(const std::vector<torch::Tensor>& params, const LossFn& loss, int samples,
                         uint64_t seed, const std::atomic<bool>* cancel = nullptr,
                         const HvpCallback& onHvp = {});

}  // namespace forgetlab
