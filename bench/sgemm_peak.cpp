#include "bench/sgemm_peak.h"

#include "bench/interleave.h"

namespace forgetlab::bench {

SgemmPeak::SgemmPeak(int64_t n)
    : m_n(n), m_a(torch::randn({n, n})), m_b(torch::randn({n, n})), m_c(torch::empty({n, n})) {}

double SgemmPeak::flopsPerMatmul() const {
    const double n = static_cast<double>(m_n);
    return 2.0 * n * n * n;
}

double SgemmPeak::run(int64_t count) {
    torch::NoGradGuard noGrad;
    const double t0 = nowSeconds();
    for (int64_t i = 0; i < count; ++i) torch::mm_out(m_c, m_a, m_b);
    return nowSeconds() - t0;
}

}  // namespace forgetlab::bench
