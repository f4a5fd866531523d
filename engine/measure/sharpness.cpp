#include "engine/measure/internal/sharpness.h"

#include "engine/core/internal/torch_compat.h"

#include <cmath>

namespace forgetlab {
namespace {

double dot(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
    double s = 0.0;
    for (size_t i = 0; i < a.size(); ++i) s += (a[i] * b[i]).sum().item<double>();
    return s;
}

double norm(const std::vector<torch::Tensor>& a) {
    return std::sqrt(dot(a, a));
}

// First-order gradients with a graph kept for repeated double backward.
struct GradGraph {
    torch::Tensor loss;
    std::vector<torch::Tensor> grads;
};

GradGraph gradWithGraph(const std::vector<torch::Tensor>& params, const LossFn& lossFn) {
    torch::AutoGradMode enable(true);
    compat::MathAttentionScope doubleBackward;  // fused attention has no double backward
    GradGraph g;
    g.loss = lossFn();
    g.grads = torch::autograd::grad({g.loss}, params, {}, /*retain_graph=*/true,
                                    /*create_graph=*/true, /*allow_unused=*/true);
    for (size_t i = 0; i < g.grads.size(); ++i)
        if (!g.grads[i].defined()) g.grads[i] = torch::zeros_like(params[i]);
    return g;
}

std::vector<torch::Tensor> hvp(const GradGraph& g, const std::vector<torch::Tensor>& params,
                               const std::vector<torch::Tensor>& v) {
    torch::AutoGradMode enable(true);
    torch::Tensor d = torch::zeros({}, params.at(0).options());
    for (size_t i = 0; i < v.size(); ++i) d = d + (g.grads[i] * v[i]).sum();
    if (!d.requires_grad()) {  // loss is linear in every parameter: H = 0
        std::vector<torch::Tensor> zeros;
        for (const auto& p : params) zeros.push_back(torch::zeros_like(p));
        return zeros;
    }
    auto hv = torch::autograd::grad({d}, params, {}, /*retain_graph=*/true,
                                    /*create_graph=*/false, /*allow_unused=*/true);
    for (size_t i = 0; i < hv.size(); ++i) {
        hv[i] = hv[i].defined() ? hv[i].detach() : torch::zeros_like(params[i]);
    }
    return hv;
}

std::vector<torch::Tensor> randomLike(const std::vector<torch::Tensor>& params,
                                      torch::Generator& gen, bool rademacher) {
    std::vector<torch::Tensor> v;
    for (const auto& p : params) {
        // Drawn on the CPU generator, then moved: the same vectors on every device.
        torch::Tensor r =
            torch::randn(p.sizes(), gen, p.options().device(torch::kCPU).requires_grad(false))
                .to(p.device());
        v.push_back(rademacher ? torch::sign(r) + (r == 0).to(r.dtype()) : r);
    }
    return v;
}

}  // namespace

double samSharpness(const std::vector<torch::Tensor>& params, const LossFn& lossFn, double rho) {
    torch::Tensor loss;
    std::vector<torch::Tensor> grads;
    {
        torch::AutoGradMode enable(true);
        loss = lossFn();
        grads = torch::autograd::grad({loss}, params, {}, false, false, true);
    }
    for (size_t i = 0; i < grads.size(); ++i)
        if (!grads[i].defined()) grads[i] = torch::zeros_like(params[i]);
    const double base = loss.item<double>();
    const double scale = rho / (norm(grads) + 1e-12);
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> saved;
    for (size_t i = 0; i < params.size(); ++i) {
        saved.push_back(params[i].detach().clone());
        params[i].add_(grads[i] * scale);
    }
    double perturbed = 0.0;
    try {
        perturbed = lossFn().item<double>();
    } catch (...) {
        for (size_t i = 0; i < params.size(); ++i) params[i].copy_(saved[i]);
        throw;
    }
    for (size_t i = 0; i < params.size(); ++i) params[i].copy_(saved[i]);
    return perturbed - base;
}

std::vector<torch::Tensor> hessianVectorProduct(const std::vector<torch::Tensor>& params,
                                                const LossFn& loss,
                                                const std::vector<torch::Tensor>& v) {
    return hvp(gradWithGraph(params, loss), params, v);
}

EigenResult hessianTopEigenvalues(const std::vector<torch::Tensor>& params, const LossFn& loss,
                                  int k, int maxIters, double tol, uint64_t seed,
                                  const std::atomic<bool>* cancel, const HvpCallback& onHvp) {
    EigenResult result;
    const GradGraph g = gradWithGraph(params, loss);
    auto gen = torch::make_generator<torch::CPUGeneratorImpl>(seed);
    std::vector<std::vector<torch::Tensor>> found;
    torch::NoGradGuard noGrad;
    auto deflate = [&](std::vector<torch::Tensor>& x) {
        for (const auto& u : found) {
            const double c = dot(u, x);
            for (size_t i = 0; i < x.size(); ++i) x[i] = x[i] - c * u[i];
        }
    };
    for (int e = 0; e < k; ++e) {
        std::vector<torch::Tensor> v = randomLike(params, gen, false);
        deflate(v);
        double n = norm(v);
        for (auto& t : v) t = t / n;
        double lambda = 0.0;
        int it = 0;
        for (it = 1; it <= maxIters; ++it) {
            if (cancel && cancel->load()) {
                result.cancelled = true;
                return result;
            }
            std::vector<torch::Tensor> hv = hvp(g, params, v);
            if (onHvp) onHvp();
            // Deflation: (H - sum lambda_j u_j u_j') v, via projecting out found vectors.
            for (size_t j = 0; j < found.size(); ++j) {
                const double c = dot(found[j], v) * result.eigenvalues[j];
                for (size_t i = 0; i < hv.size(); ++i) hv[i] = hv[i] - c * found[j][i];
            }
            const double newLambda = dot(v, hv);
            const double hn = norm(hv);
            if (hn == 0.0) {
                lambda = 0.0;
                break;
            }
            for (size_t i = 0; i < v.size(); ++i) v[i] = hv[i] / hn;
            const bool converged =
                it > 1 && std::abs(newLambda - lambda) / (std::abs(newLambda) + 1e-12) < tol;
            lambda = newLambda;
            if (converged) break;
        }
        result.eigenvalues.push_back(lambda);
        result.iterations.push_back(std::min(it, maxIters));
        found.push_back(v);
    }
    return result;
}

TraceResult hessianTrace(const std::vector<torch::Tensor>& params, const LossFn& loss, int samples,
                         uint64_t seed, const std::atomic<bool>* cancel, const HvpCallback& onHvp) {
    const GradGraph g = gradWithGraph(params, loss);
    auto gen = torch::make_generator<torch::CPUGeneratorImpl>(seed);
    torch::NoGradGuard noGrad;
    std::vector<double> vals;
    TraceResult r;
    for (int s = 0; s < samples; ++s) {
        if (cancel && cancel->load()) {
            r.cancelled = true;
            break;
        }
        auto v = randomLike(params, gen, true);
        vals.push_back(dot(v, hvp(g, params, v)));
        if (onHvp) onHvp();
    }
    samples = static_cast<int>(vals.size());
    r.samples = samples;
    if (samples == 0) return r;
    double sum = 0.0;
    for (double x : vals) sum += x;
    r.mean = sum / samples;
    if (samples > 1) {
        double ss = 0.0;
        for (double x : vals) ss += (x - r.mean) * (x - r.mean);
        r.stderr_ = std::sqrt(ss / (samples - 1) / samples);
    }
    return r;
}

}  // namespace forgetlab
