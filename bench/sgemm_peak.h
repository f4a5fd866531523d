#pragma once
// SgemmPeak: the machine's practical single-precision matmul peak through the same
// libtorch (torch::mm of large square float matrices). The yardstick for the training
// step's achieved FLOP/s.

#include <cstdint>

#include <torch/torch.h>

namespace forgetlab::bench {

class SgemmPeak {
public:
    explicit SgemmPeak(int64_t n = 2048);
    double flopsPerMatmul() const;
    // Runs `count` n x n matmuls into a preallocated output; returns the seconds taken.
    double run(int64_t count);

private:
    int64_t m_n;
    torch::Tensor m_a, m_b, m_c;
};

}  // namespace forgetlab::bench
