#include "engine/symmetric_eigen.h"

#include "engine/forgetting_matrix.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace forgetlab {

std::vector<double> symmetricEigen(std::vector<double>& a, int64_t n) {
    std::vector<double> d(size_t(n), 0.0), e(size_t(n), 0.0);
    if (n == 0) return d;
    auto V = [&](int64_t i, int64_t j) -> double& { return a[size_t(i * n + j)]; };
    // tred2: V holds the matrix and ends as the accumulated orthogonal transformation.
    for (int64_t j = 0; j < n; ++j) d[size_t(j)] = V(n - 1, j);
    for (int64_t i = n - 1; i > 0; --i) {
        double scale = 0.0, h = 0.0;
        for (int64_t k = 0; k < i; ++k) scale += std::abs(d[size_t(k)]);
        if (scale == 0.0) {
            e[size_t(i)] = d[size_t(i - 1)];
            for (int64_t j = 0; j < i; ++j) {
                d[size_t(j)] = V(i - 1, j);
                V(i, j) = 0.0;
                V(j, i) = 0.0;
            }
        } else {
            for (int64_t k = 0; k < i; ++k) {
                d[size_t(k)] /= scale;
                h += d[size_t(k)] * d[size_t(k)];
            }
            double f = d[size_t(i - 1)];
            double g = f > 0 ? -std::sqrt(h) : std::sqrt(h);
            e[size_t(i)] = scale * g;
            h -= f * g;
            d[size_t(i - 1)] = f - g;
            for (int64_t j = 0; j < i; ++j) e[size_t(j)] = 0.0;
            for (int64_t j = 0; j < i; ++j) {
                f = d[size_t(j)];
                V(j, i) = f;
                g = e[size_t(j)] + V(j, j) * f;
                for (int64_t k = j + 1; k <= i - 1; ++k) {
                    g += V(k, j) * d[size_t(k)];
                    e[size_t(k)] += V(k, j) * f;
                }
                e[size_t(j)] = g;
            }
            f = 0.0;
            for (int64_t j = 0; j < i; ++j) {
                e[size_t(j)] /= h;
                f += e[size_t(j)] * d[size_t(j)];
            }
            const double hh = f / (h + h);
            for (int64_t j = 0; j < i; ++j) e[size_t(j)] -= hh * d[size_t(j)];
            for (int64_t j = 0; j < i; ++j) {
                f = d[size_t(j)];
                g = e[size_t(j)];
                for (int64_t k = j; k <= i - 1; ++k) V(k, j) -= f * e[size_t(k)] + g * d[size_t(k)];
                d[size_t(j)] = V(i - 1, j);
                V(i, j) = 0.0;
            }
        }
        d[size_t(i)] = h;
    }
    for (int64_t i = 0; i < n - 1; ++i) {
        V(n - 1, i) = V(i, i);
        V(i, i) = 1.0;
        const double h = d[size_t(i + 1)];
        if (h != 0.0) {
            for (int64_t k = 0; k <= i; ++k) d[size_t(k)] = V(k, i + 1) / h;
            for (int64_t j = 0; j <= i; ++j) {
                double g = 0.0;
                for (int64_t k = 0; k <= i; ++k) g += V(k, i + 1) * V(k, j);
                for (int64_t k = 0; k <= i; ++k) V(k, j) -= g * d[size_t(k)];
            }
        }
        for (int64_t k = 0; k <= i; ++k) V(k, i + 1) = 0.0;
    }
    for (int64_t j = 0; j < n; ++j) {
        d[size_t(j)] = V(n - 1, j);
        V(n - 1, j) = 0.0;
    }
    V(n - 1, n - 1) = 1.0;
    e[0] = 0.0;

    // tql2 on the transpose, so that each rotation touches two contiguous rows.
    std::vector<double> w(static_cast<size_t>(n * n));
    for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < n; ++j) w[size_t(j * n + i)] = V(i, j);
    for (int64_t i = 1; i < n; ++i) e[size_t(i - 1)] = e[size_t(i)];
    e[size_t(n - 1)] = 0.0;
    double f = 0.0, tst1 = 0.0;
    const double eps = std::numeric_limits<double>::epsilon();
    for (int64_t l = 0; l < n; ++l) {
        tst1 = std::max(tst1, std::abs(d[size_t(l)]) + std::abs(e[size_t(l)]));
        int64_t m = l;
        while (m < n && std::abs(e[size_t(m)]) > eps * tst1) ++m;
        if (m > l) {
            for (int iter = 0;; ++iter) {
                if (iter > 100) throw MatrixError("the eigen-decomposition did not converge");
                double g = d[size_t(l)];
                double p = (d[size_t(l + 1)] - g) / (2.0 * e[size_t(l)]);
                double r = std::hypot(p, 1.0);
                if (p < 0) r = -r;
                d[size_t(l)] = e[size_t(l)] / (p + r);
                d[size_t(l + 1)] = e[size_t(l)] * (p + r);
                const double dl1 = d[size_t(l + 1)];
                double h = g - d[size_t(l)];
                for (int64_t i = l + 2; i < n; ++i) d[size_t(i)] -= h;
                f += h;
                p = d[size_t(m)];
                double c = 1.0, c2 = 1.0, c3 = 1.0, s = 0.0, s2 = 0.0;
                const double el1 = e[size_t(l + 1)];
                for (int64_t i = m - 1; i >= l; --i) {
                    c3 = c2;
                    c2 = c;
                    s2 = s;
                    g = c * e[size_t(i)];
                    h = c * p;
                    r = std::hypot(p, e[size_t(i)]);
                    e[size_t(i + 1)] = s * r;
                    s = e[size_t(i)] / r;
                    c = p / r;
                    p = c * d[size_t(i)] - s * g;
                    d[size_t(i + 1)] = h + s * (c * g + s * d[size_t(i)]);
                    double* wi = w.data() + i * n;
                    double* wi1 = wi + n;
                    for (int64_t k = 0; k < n; ++k) {
                        const double t = wi1[k];
                        wi1[k] = s * wi[k] + c * t;
                        wi[k] = c * wi[k] - s * t;
                    }
                }
                p = -s * s2 * c3 * el1 * e[size_t(l)] / dl1;
                e[size_t(l)] = s * p;
                d[size_t(l)] = c * p;
                if (std::abs(e[size_t(l)]) <= eps * tst1) break;
            }
        }
        d[size_t(l)] += f;
        e[size_t(l)] = 0.0;
    }
    // Ascending order, vectors along.
    std::vector<int64_t> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](int64_t x, int64_t y) { return d[size_t(x)] < d[size_t(y)]; });
    std::vector<double> values(static_cast<size_t>(n));
    for (int64_t k = 0; k < n; ++k) {
        values[size_t(k)] = d[size_t(order[size_t(k)])];
        std::copy_n(w.begin() + order[size_t(k)] * n, n, a.begin() + k * n);
    }
    return values;
}

}  // namespace forgetlab
