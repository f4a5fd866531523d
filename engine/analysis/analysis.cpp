#include "engine/analysis/analysis.h"

#include <algorithm>
#include <chrono>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "engine/analysis/internal/analysis_model.h"
#include "engine/measure/internal/evaluation.h"
#include "engine/analysis/internal/landscape.h"
#include "engine/measure/internal/sharpness.h"

namespace forgetlab {

std::string validateLandscapeRequest(const LandscapeRequest& r) {
    if (r.kind != "1d" && r.kind != "2d" && r.kind != "interp")
        return "unknown landscape kind '" + r.kind + "'; use 1d, 2d or interp";
    if (r.grid < 3 || r.grid > 101) return "grid must be between 3 and 101 points per axis";
    if (!(r.range > 0) || r.range > 100) return "range must be a positive number (at most 100)";
    if (r.subset < 1 || r.subset > 10000) return "subset must be between 1 and 10000 examples";
    return {};
}

std::string validateHessianRequest(const HessianRequest& r) {
    if (r.probe != "upstream" && r.probe != "downstream")
        return "probe must be upstream or downstream, not '" + r.probe + "'";
    if (r.topk < 1 || r.topk > 5) return "topk must be between 1 and 5";
    if (r.trace_samples < 0 || r.trace_samples > 10000)
        return "trace samples must be between 0 and 10000";
    if (r.trace_samples == 1) return "the trace's standard error needs at least 2 samples";
    if (r.probe_size < 1) return "probe size must be >= 1";
    if (r.max_iters < 1) return "max iterations must be >= 1";
    if (!(r.tol > 0)) return "tolerance must be > 0";
    return {};
}

int64_t landscapeEvaluations(const LandscapeRequest& r) {
    const int64_t n = static_cast<int64_t>(landscapeAxis(r).size());
    return r.kind == "2d" ? n * n : n;
}

namespace {

EvalSets evalSets(const LoadedModel& m, int subset) {
    return {headOf(m.up.test, subset), headOf(m.down.test, subset), m.up.head, m.down.head};
}

}  // namespace

LandscapeResult computeLandscape(const ModelSource& source, const LandscapeRequest& request,
                                 const ProgressFn& progress, const std::atomic<bool>* cancel) {
    if (const std::string err = validateLandscapeRequest(request); !err.empty())
        throw std::runtime_error(err);
    LoadedModel m = loadModel(source.config, source.checkpointFile);
    std::vector<torch::Tensor> pre;
    if (request.kind == "interp") {
        if (source.pretrainedFile.empty())
            throw std::runtime_error(
                "the interpolation line needs the run's pre-trained checkpoint");
        pre = copyParameters(*loadModel(source.config, source.pretrainedFile).model);
    }
    return landscapeOnModel(*m.model, evalSets(m, request.subset), request,
                            request.kind == "interp" ? &pre : nullptr, progress, cancel);
}

double timeOneEvaluation(const ModelSource& source, int subset) {
    LoadedModel m = loadModel(source.config, source.checkpointFile);
    const EvalSets sets = evalSets(m, subset);
    std::vector<double> times;
    for (int i = 0; i < 4; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        evaluateSplit(*m.model, sets.up, sets.up_head, false);
        evaluateSplit(*m.model, sets.down, sets.down_head, false);
        times.push_back(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(times.begin(), times.end());
    return times[1];  // the first pass warms caches; take a low middle value
}

HessianResult computeHessian(const ModelSource& source, const HessianRequest& request,
                             const ProgressFn& progress, const std::atomic<bool>* cancel) {
    if (const std::string err = validateHessianRequest(request); !err.empty())
        throw std::runtime_error(err);
    const auto t0 = std::chrono::steady_clock::now();
    LoadedModel m = loadModel(source.config, source.checkpointFile);
    const Task& task = request.probe == "upstream" ? m.up : m.down;
    const DataSplit probe = headOf(task.train, request.probe_size);
    ForgetModel& model = *m.model;
    const int head = task.head;
    LossFn loss = [&] { return taskLoss(model.forward(probe.input, head), probe.target); };

    WeightRestorer restore(model);
    HessianResult r;
    r.request = request;
    const int64_t total = int64_t(request.topk) * request.max_iters + request.trace_samples;
    int64_t done = 0;
    HvpCallback tick = [&] {
        ++done;
        if (progress) progress(std::min(done, total), total);
    };
    const EigenResult e =
        hessianTopEigenvalues(model.parameters(), loss, request.topk, request.max_iters,
                              request.tol, request.seed, cancel, tick);
    r.eigenvalues = e.eigenvalues;
    r.iterations = e.iterations;
    r.cancelled = e.cancelled;
    std::sort(r.eigenvalues.begin(), r.eigenvalues.end(), std::greater<double>());
    if (!r.cancelled && request.trace_samples > 0) {
        done = int64_t(request.topk) * request.max_iters;  // power iteration may stop early
        const TraceResult t = hessianTrace(model.parameters(), loss, request.trace_samples,
                                           request.seed + 1, cancel, tick);
        r.trace_mean = t.mean;
        r.trace_stderr = t.stderr_;
        r.cancelled = t.cancelled;
    }
    if (progress && !r.cancelled) progress(total, total);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

namespace {
using nlohmann::json;

json requestJson(const LandscapeRequest& r) {
    return {{"kind", r.kind},
            {"grid", r.grid},
            {"range", r.range},
            {"seed", r.seed},
            {"subset", r.subset}};
}
}  // namespace

std::string landscapeToJson(const LandscapeResult& r) {
    json j = {{"request", requestJson(r.request)},
              {"xs", r.xs},
              {"ys", r.ys},
              {"up_loss", r.up_loss},
              {"up_acc", r.up_acc},
              {"down_loss", r.down_loss},
              {"down_acc", r.down_acc},
              {"flatness",
               {{"up_mean_grad", r.up_mean_grad},
                {"up_mean_curvature", r.up_mean_curvature},
                {"down_mean_grad", r.down_mean_grad},
                {"down_mean_curvature", r.down_mean_curvature}}},
              {"evaluations", r.evaluations},
              {"seconds", r.seconds},
              {"cancelled", r.cancelled}};
    return j.dump();
}

LandscapeResult landscapeFromJson(const std::string& text) {
    const json j = json::parse(text);
    LandscapeResult r;
    const json& q = j.at("request");
    r.request.kind = q.at("kind").get<std::string>();
    r.request.grid = q.at("grid").get<int>();
    r.request.range = q.at("range").get<double>();
    r.request.seed = q.at("seed").get<uint64_t>();
    r.request.subset = q.at("subset").get<int>();
    r.xs = j.at("xs").get<std::vector<double>>();
    r.ys = j.at("ys").get<std::vector<double>>();
    r.up_loss = j.at("up_loss").get<std::vector<double>>();
    r.up_acc = j.at("up_acc").get<std::vector<double>>();
    r.down_loss = j.at("down_loss").get<std::vector<double>>();
    r.down_acc = j.at("down_acc").get<std::vector<double>>();
    const json& f = j.at("flatness");
    r.up_mean_grad = f.at("up_mean_grad").get<double>();
    r.up_mean_curvature = f.at("up_mean_curvature").get<double>();
    r.down_mean_grad = f.at("down_mean_grad").get<double>();
    r.down_mean_curvature = f.at("down_mean_curvature").get<double>();
    r.evaluations = j.at("evaluations").get<int64_t>();
    r.seconds = j.at("seconds").get<double>();
    r.cancelled = j.at("cancelled").get<bool>();
    return r;
}

std::string hessianToJson(const HessianResult& r) {
    json j = {{"request",
               {{"probe", r.request.probe},
                {"topk", r.request.topk},
                {"trace_samples", r.request.trace_samples},
                {"probe_size", r.request.probe_size},
                {"max_iters", r.request.max_iters},
                {"tol", r.request.tol},
                {"seed", r.request.seed}}},
              {"eigenvalues", r.eigenvalues},
              {"iterations", r.iterations},
              {"trace_mean", r.trace_mean},
              {"trace_stderr", r.trace_stderr},
              {"seconds", r.seconds},
              {"cancelled", r.cancelled}};
    return j.dump();
}

HessianResult hessianFromJson(const std::string& text) {
    const json j = json::parse(text);
    HessianResult r;
    const json& q = j.at("request");
    r.request.probe = q.at("probe").get<std::string>();
    r.request.topk = q.at("topk").get<int>();
    r.request.trace_samples = q.at("trace_samples").get<int>();
    r.request.probe_size = q.at("probe_size").get<int>();
    r.request.max_iters = q.at("max_iters").get<int>();
    r.request.tol = q.at("tol").get<double>();
    r.request.seed = q.at("seed").get<uint64_t>();
    r.eigenvalues = j.at("eigenvalues").get<std::vector<double>>();
    r.iterations = j.at("iterations").get<std::vector<int>>();
    r.trace_mean = j.at("trace_mean").get<double>();
    r.trace_stderr = j.at("trace_stderr").get<double>();
    r.seconds = j.at("seconds").get<double>();
    r.cancelled = j.at("cancelled").get<bool>();
    return r;
}

std::string landscapeToCsv(const LandscapeResult& r) {
    std::ostringstream out;
    out.precision(17);
    out << "kind,x,y,up_loss,up_acc,down_loss,down_acc\n";
    const size_t nx = r.xs.size();
    for (size_t k = 0; k < r.up_loss.size(); ++k) {
        const size_t i = k % nx, j = k / nx;
        out << r.request.kind << ',' << r.xs[i] << ',';
        if (!r.ys.empty()) out << r.ys[j];
        out << ',' << r.up_loss[k] << ',' << r.up_acc[k] << ',' << r.down_loss[k] << ','
            << r.down_acc[k] << '\n';
    }
    return out.str();
}

}  // namespace forgetlab
