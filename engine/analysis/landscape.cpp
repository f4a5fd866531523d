#include "engine/analysis/internal/landscape.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "engine/measure/internal/evaluation.h"

namespace forgetlab {

std::vector<torch::Tensor> filterNormalizedDirection(const std::vector<torch::Tensor>& weights,
                                                     torch::Generator& generator) {
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> d;
    for (const auto& w : weights) {
        if (w.dim() <= 1) {
            d.push_back(torch::zeros_like(w));
            continue;
        }
        // Drawn on the CPU generator, then moved: the same directions on every device.
        torch::Tensor r =
            torch::randn(w.sizes(), generator, w.options().device(torch::kCPU).requires_grad(false))
                .to(w.device());
        // Norm of each filter (slice along dim 0), as a broadcastable [n, 1, 1, ...] shape.
        std::vector<int64_t> shape(static_cast<size_t>(w.dim()), 1);
        shape[0] = w.size(0);
        const torch::Tensor wn = w.detach().reshape({w.size(0), -1}).norm(2, 1).reshape(shape);
        const torch::Tensor rn = r.reshape({w.size(0), -1}).norm(2, 1).reshape(shape);
        d.push_back(r * (wn / (rn + 1e-10)));
    }
    return d;
}

WeightRestorer::WeightRestorer(std::vector<torch::Tensor> params) : m_params(std::move(params)) {
    for (const auto& p : m_params) m_saved.push_back(p.detach().clone());
}

WeightRestorer::~WeightRestorer() {
    torch::NoGradGuard noGrad;
    for (size_t i = 0; i < m_params.size(); ++i) m_params[i].copy_(m_saved[i]);
}

std::vector<double> landscapeAxis(const LandscapeRequest& r) {
    std::vector<double> xs;
    const int n = std::max(2, r.grid);
    const double lo = r.kind == "interp" ? -0.5 : -r.range;
    const double hi = r.kind == "interp" ? 1.5 : r.range;
    for (int i = 0; i < n; ++i) xs.push_back(lo + (hi - lo) * i / (n - 1));
    if (r.kind == "interp") {
        // The pre-trained (0) and fine-tuned (1) points must be on the line exactly.
        for (double must : {0.0, 1.0}) {
            auto it = std::min_element(xs.begin(), xs.end(), [&](double a, double b) {
                return std::abs(a - must) < std::abs(b - must);
            });
            if (std::abs(*it - must) < 1e-9)
                *it = must;
            else
                xs.push_back(must);
        }
        std::sort(xs.begin(), xs.end());
    } else if (n % 2 == 1) {
        xs[static_cast<size_t>(n / 2)] = 0.0;  // the centre is the model itself
    }
    return xs;
}

void flatnessSummary(const std::vector<double>& v, const std::vector<double>& xs,
                     const std::vector<double>& ys, double* meanGrad, double* meanCurvature) {
    *meanGrad = *meanCurvature = 0.0;
    const size_t nx = xs.size(), ny = ys.size();
    if (nx < 3 || ny < 3 || v.size() != nx * ny) return;
    const double hx = xs[1] - xs[0], hy = ys[1] - ys[0];
    const double rx = std::max(std::abs(xs.front()), std::abs(xs.back())) / 2;
    const double ry = std::max(std::abs(ys.front()), std::abs(ys.back())) / 2;
    auto at = [&](size_t i, size_t j) { return v[j * nx + i]; };
    double g = 0, c = 0;
    int count = 0;
    for (int pass = 0; pass < 2 && count == 0; ++pass) {
        // Second pass (tiny grids): every interior point.
        for (size_t j = 1; j + 1 < ny; ++j) {
            for (size_t i = 1; i + 1 < nx; ++i) {
                if (pass == 0 && (std::abs(xs[i]) > rx + 1e-12 || std::abs(ys[j]) > ry + 1e-12))
                    continue;
                const double gx = (at(i + 1, j) - at(i - 1, j)) / (2 * hx);
                const double gy = (at(i, j + 1) - at(i, j - 1)) / (2 * hy);
                const double cxx = (at(i + 1, j) - 2 * at(i, j) + at(i - 1, j)) / (hx * hx);
                const double cyy = (at(i, j + 1) - 2 * at(i, j) + at(i, j - 1)) / (hy * hy);
                g += std::sqrt(gx * gx + gy * gy);
                c += std::abs(cxx) + std::abs(cyy);
                ++count;
            }
        }
    }
    if (count > 0) {
        *meanGrad = g / count;
        *meanCurvature = c / count;
    }
}

LandscapeResult landscapeOnParameters(const std::vector<torch::Tensor>& params,
                                      const PointEvaluator& evaluate,
                                      const LandscapeRequest& request,
                                      const std::vector<torch::Tensor>* pretrained,
                                      const ProgressFn& progress, const std::atomic<bool>* cancel) {
    const auto t0 = std::chrono::steady_clock::now();
    LandscapeResult result;
    result.request = request;
    result.xs = landscapeAxis(request);
    if (request.kind == "2d") result.ys = result.xs;

    WeightRestorer restore(params);  // restores on every exit path, exceptions included
    const std::vector<torch::Tensor>& w = restore.saved();
    std::vector<torch::Tensor> d1, d2;
    if (request.kind == "interp") {
        if (!pretrained || pretrained->size() != w.size())
            throw std::runtime_error("the interpolation line needs the pre-trained weights");
    } else {
        auto gen = torch::make_generator<torch::CPUGeneratorImpl>(request.seed);
        d1 = filterNormalizedDirection(w, gen);
        if (request.kind == "2d") d2 = filterNormalizedDirection(w, gen);
    }

    const size_t nx = result.xs.size(), ny = request.kind == "2d" ? result.ys.size() : 1;
    const int64_t total = static_cast<int64_t>(nx * ny);
    torch::NoGradGuard noGrad;
    for (size_t j = 0; j < ny && !result.cancelled; ++j) {
        for (size_t i = 0; i < nx; ++i) {
            if (cancel && cancel->load()) {
                result.cancelled = true;
                break;
            }
            const double a = result.xs[i];
            for (size_t k = 0; k < params.size(); ++k) {
                torch::Tensor p = params[k];
                if (request.kind == "interp") {
                    // At a = 0 and a = 1 this is exactly w_pre and w.
                    p.copy_((*pretrained)[k] * (1.0 - a) + w[k] * a);
                } else {
                    p.copy_(w[k]);
                    if (a != 0.0) p.add_(d1[k], a);
                    if (!d2.empty() && result.ys[j] != 0.0) p.add_(d2[k], result.ys[j]);
                }
            }
            const std::array<double, 4> v = evaluate();
            result.up_loss.push_back(v[0]);
            result.up_acc.push_back(v[1]);
            result.down_loss.push_back(v[2]);
            result.down_acc.push_back(v[3]);
            ++result.evaluations;
            if (progress) progress(result.evaluations, total);
        }
    }
    if (request.kind == "2d" && !result.cancelled) {
        flatnessSummary(result.up_loss, result.xs, result.ys, &result.up_mean_grad,
                        &result.up_mean_curvature);
        flatnessSummary(result.down_loss, result.xs, result.ys, &result.down_mean_grad,
                        &result.down_mean_curvature);
    }
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return result;
}

LandscapeResult landscapeOnModel(ForgetModel& model, const EvalSets& sets,
                                 const LandscapeRequest& request,
                                 const std::vector<torch::Tensor>* pretrained,
                                 const ProgressFn& progress, const std::atomic<bool>* cancel) {
    const bool wasTraining = model.is_training();
    model.eval();
    PointEvaluator evaluate = [&]() -> std::array<double, 4> {
        const EvalResult u = evaluateSplit(model, sets.up, sets.up_head, false);
        const EvalResult d = evaluateSplit(model, sets.down, sets.down_head, false);
        return {u.loss, u.acc, d.loss, d.acc};
    };
    struct ModeRestorer {
        ForgetModel& m;
        bool train;
        ~ModeRestorer() { m.train(train); }
    } mode{model, wasTraining};
    return landscapeOnParameters(model.parameters(), evaluate, request, pretrained, progress,
                                 cancel);
}

}  // namespace forgetlab
