// forgetlab-cli verbs that analyse stored runs: landscape, hessian, wiseft.
#include <atomic>
#include <chrono>
#include <csignal>
#include <iomanip>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "app/cli/cli_support.h"
#include "engine/analysis/analysis.h"
#include "engine/analysis/run_analysis.h"

namespace forgetlab::cli {

namespace {

// Progress of an analysis on stderr, at most twice a second.
ProgressFn stderrProgress(const std::string& what) {
    auto last = std::make_shared<std::chrono::steady_clock::time_point>();
    return [what, last](int64_t done, int64_t total) {
        const auto now = std::chrono::steady_clock::now();
        if (done != total && now - *last < std::chrono::milliseconds(500)) return;
        *last = now;
        std::cerr << "  " << what << " " << done << "/" << total << "\n";
    };
}

std::atomic<bool> g_cancel{false};
extern "C" void onAnalysisInterrupt(int) {
    g_cancel = true;
}

}  // namespace

int landscapeCommand(const Args& args) {
    return guarded([&] {
        Options o(args, {{"--run", true},
                         {"--checkpoint", true},
                         {"--kind", true},
                         {"--grid", true},
                         {"--range", true},
                         {"--seed", true},
                         {"--subset", true},
                         {"--db", true},
                         {"--json", false}});
        if (!o.has("--run") || !o.has("--kind"))
            throw UsageError{"landscape needs --run ID and --kind 1d|2d|interp"};
        LandscapeRequest req;
        req.kind = o.get("--kind");
        req.grid = static_cast<int>(o.integer("--grid", req.grid));
        req.range = number(o, "--range", req.range);
        const long long seed = o.integer("--seed", 0);
        if (seed < 0) throw UsageError{"--seed must be >= 0"};
        req.seed = static_cast<uint64_t>(seed);
        req.subset = static_cast<int>(o.integer("--subset", req.subset));
        if (const std::string err = validateLandscapeRequest(req); !err.empty())
            throw UsageError{err};
        Store store(dbPath(o));
        const int64_t runId = o.integer("--run", 0);
        const int64_t step = o.integer("--checkpoint", -1);
        const ModelSource src = modelSourceForRun(store, runId, step);
        const int64_t ckStep = checkpointStepForRun(store, runId, step);
        std::cerr << "landscape " << req.kind << " of run " << runId << " at step " << ckStep
                  << ": " << landscapeEvaluations(req) << " evaluations\n";
        std::signal(SIGINT, onAnalysisInterrupt);
        const LandscapeResult r =
            computeLandscape(src, req, stderrProgress("evaluation"), &g_cancel);
        const int64_t id = store.saveLandscape(runId, ckStep, req.kind, landscapeToJson(r));
        std::cerr << (r.cancelled ? "cancelled" : "done") << " in " << std::fixed
                  << std::setprecision(1) << r.seconds << " s; stored as landscape " << id << "\n";
        if (o.has("--json")) {
            nlohmann::json j = nlohmann::json::parse(landscapeToJson(r));
            j["run_id"] = runId;
            j["checkpoint_step"] = ckStep;
            j["landscape_id"] = id;
            std::cout << j.dump() << std::endl;
        }
        return r.cancelled ? 1 : 0;
    });
}

int hessianCommand(const Args& args) {
    return guarded([&] {
        Options o(args, {{"--run", true},
                         {"--checkpoint", true},
                         {"--topk", true},
                         {"--trace-samples", true},
                         {"--probe", true},
                         {"--probe-size", true},
                         {"--seed", true},
                         {"--db", true},
                         {"--json", false}});
        if (!o.has("--run")) throw UsageError{"hessian needs --run ID"};
        HessianRequest req;
        req.topk = static_cast<int>(o.integer("--topk", req.topk));
        req.trace_samples = static_cast<int>(o.integer("--trace-samples", req.trace_samples));
        req.probe = o.get("--probe", req.probe);
        req.probe_size = static_cast<int>(o.integer("--probe-size", req.probe_size));
        const long long seed = o.integer("--seed", 0);
        if (seed < 0) throw UsageError{"--seed must be >= 0"};
        req.seed = static_cast<uint64_t>(seed);
        if (const std::string err = validateHessianRequest(req); !err.empty())
            throw UsageError{err};
        Store store(dbPath(o));
        const int64_t runId = o.integer("--run", 0);
        const int64_t step = o.integer("--checkpoint", -1);
        const ModelSource src = modelSourceForRun(store, runId, step);
        const int64_t ckStep = checkpointStepForRun(store, runId, step);
        std::signal(SIGINT, onAnalysisInterrupt);
        const HessianResult r =
            computeHessian(src, req, stderrProgress("Hessian-vector product"), &g_cancel);
        const int64_t id = store.saveHessian(runId, ckStep, hessianToJson(r));
        std::cerr << "eigenvalues";
        for (double e : r.eigenvalues) std::cerr << " " << e;
        if (req.trace_samples > 0)
            std::cerr << "; trace " << r.trace_mean << " +- " << r.trace_stderr;
        std::cerr << "\n";
        if (o.has("--json")) {
            nlohmann::json j = nlohmann::json::parse(hessianToJson(r));
            j["run_id"] = runId;
            j["checkpoint_step"] = ckStep;
            j["hessian_id"] = id;
            std::cout << j.dump() << std::endl;
        }
        return r.cancelled ? 1 : 0;
    });
}

}  // namespace forgetlab::cli
