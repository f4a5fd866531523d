// forgetlab-cli verbs that analyse stored runs: landscape, hessian.
#include <chrono>
#include <iomanip>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "app/cli/cli_support.h"
#include "engine/analysis/analysis.h"
#include "engine/core/cancel_token.h"
#include "engine/sessions/analysis_session.h"

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

uint64_t seedOption(const Options& o) {
    const long long seed = o.integer("--seed", 0);
    if (seed < 0) throw UsageError{"--seed must be >= 0"};
    return static_cast<uint64_t>(seed);
}

// Resolves, computes and stores (unless cancelled) through the analysis session, which
// the GUI shares; Ctrl-C cancels within one evaluation.
AnalysisSessionResult runSession(const Options& o, AnalysisSessionRequest req,
                                 const std::string& progressWhat) {
    Store store(dbPath(o));
    req.run_id = o.integer("--run", 0);
    req.step = o.integer("--checkpoint", -1);
    auto onResolved = std::move(req.on_resolved);
    req.on_resolved = [&](int64_t step) {
        if (onResolved) onResolved(step);
        cancelOnInterrupt(false);
    };
    return runAnalysisSession(store, req, stderrProgress(progressWhat), interruptToken());
}

// The --json line: the result's own JSON plus where it came from and where it went.
int finish(const Options& o, const AnalysisSessionResult& r, const std::string& resultJson,
           const char* idKey) {
    if (o.has("--json")) {
        nlohmann::json j = nlohmann::json::parse(resultJson);
        j["run_id"] = r.run_id;
        j["checkpoint_step"] = r.checkpoint_step;
        j[idKey] = r.stored_id;
        std::cout << j.dump() << std::endl;
    }
    return r.cancelled ? 1 : 0;
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
        AnalysisSessionRequest session;
        session.kind = AnalysisKind::Landscape;
        LandscapeRequest& req = session.landscape;
        req.kind = o.get("--kind");
        req.grid = static_cast<int>(o.integer("--grid", req.grid));
        req.range = number(o, "--range", req.range);
        req.seed = seedOption(o);
        req.subset = static_cast<int>(o.integer("--subset", req.subset));
        if (const std::string err = validateLandscapeRequest(req); !err.empty())
            throw UsageError{err};
        session.on_resolved = [&](int64_t step) {
            std::cerr << "landscape " << req.kind << " of run " << o.integer("--run", 0)
                      << " at step " << step << ": " << landscapeEvaluations(req)
                      << " evaluations\n";
        };
        const AnalysisSessionResult r = runSession(o, session, "evaluation");
        std::cerr << (r.cancelled ? "cancelled" : "done") << " in " << std::fixed
                  << std::setprecision(1) << r.landscape.seconds << " s; "
                  << (r.cancelled ? std::string("not stored")
                                  : "stored as landscape " + std::to_string(r.stored_id))
                  << "\n";
        return finish(o, r, landscapeToJson(r.landscape), "landscape_id");
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
        AnalysisSessionRequest session;
        session.kind = AnalysisKind::Hessian;
        HessianRequest& req = session.hessian;
        req.topk = static_cast<int>(o.integer("--topk", req.topk));
        req.trace_samples = static_cast<int>(o.integer("--trace-samples", req.trace_samples));
        req.probe = o.get("--probe", req.probe);
        req.probe_size = static_cast<int>(o.integer("--probe-size", req.probe_size));
        req.seed = seedOption(o);
        if (const std::string err = validateHessianRequest(req); !err.empty())
            throw UsageError{err};
        const AnalysisSessionResult r = runSession(o, session, "Hessian-vector product");
        std::cerr << "eigenvalues";
        for (double e : r.hessian.eigenvalues) std::cerr << " " << e;
        if (req.trace_samples > 0)
            std::cerr << "; trace " << r.hessian.trace_mean << " +- " << r.hessian.trace_stderr;
        std::cerr << (r.cancelled ? "; cancelled, not stored" : "") << "\n";
        return finish(o, r, hessianToJson(r.hessian), "hessian_id");
    });
}

}  // namespace forgetlab::cli
