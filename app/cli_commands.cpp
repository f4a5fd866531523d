#include "app/cli_commands.h"

#include <atomic>
#include <chrono>
#include <functional>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "engine/analysis.h"
#include "engine/config.h"
#include "engine/presets.h"
#include "engine/run_analysis.h"
#include "engine/run_session.h"
#include "engine/store.h"

namespace forgetlab::cli {
namespace {

// Thrown for bad usage; main turns it into exit code 2.
struct UsageError {
    std::string message;
};

// Parses "--name value" and "--flag" options; rejects unknown ones.
class Options {
public:
    Options(const Args& args, std::map<std::string, bool> known) {
        for (size_t i = 0; i < args.size(); ++i) {
            const std::string& a = args[i];
            auto it = known.find(a);
            if (it == known.end()) {
                std::string list;
                for (const auto& [k, _] : known) list += " " + k;
                throw UsageError{"unknown option '" + a + "'; options here:" + list};
            }
            if (it->second) {  // takes a value
                if (i + 1 >= args.size()) throw UsageError{a + " needs a value"};
                m_values[a] = args[++i];
            } else {
                m_values[a] = "";
            }
        }
    }
    bool has(const std::string& k) const { return m_values.count(k) > 0; }
    std::string get(const std::string& k, const std::string& def = "") const {
        auto it = m_values.find(k);
        return it == m_values.end() ? def : it->second;
    }
    long long integer(const std::string& k, long long def) const {
        if (!has(k)) return def;
        const std::string v = get(k);
        try {
            size_t pos = 0;
            long long x = std::stoll(v, &pos);
            if (pos != v.size()) throw std::invalid_argument("trailing");
            return x;
        } catch (const std::exception&) {
            throw UsageError{k + " expects an integer, got '" + v + "'"};
        }
    }

private:
    std::map<std::string, std::string> m_values;
};

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UsageError{"cannot read the config file " + path};
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

RunControl* g_control = nullptr;
extern "C" void onInterrupt(int) {
    if (g_control) g_control->requestStop();
}

// Human progress on stderr, at most about twice a second.
class ProgressPrinter : public MetricSink {
public:
    void onPhase(Phase phase, int64_t total) override {
        m_phase = phase;
        m_start = Clock::now();
        if (phase == Phase::Upstream || phase == Phase::Downstream)
            std::cerr << phaseName(phase) << ": " << total << " steps\n";
    }
    void onMetrics(const std::vector<MetricPoint>& points) override {
        for (const auto& p : points) {
            if (p.key == keys::kUpTestAcc) m_upAcc = p.value;
            if (p.key == keys::kDownTestAcc) m_downAcc = p.value;
        }
    }
    void onEvent(int64_t, const std::string& kind, const std::string& json) override {
        if (kind == "upstream_cache") std::cerr << "upstream checkpoint cache: " << json << "\n";
    }
    void onProgress(Phase phase, int64_t step, int64_t total) override {
        const auto now = Clock::now();
        if (step != total && now - m_lastPrint < std::chrono::milliseconds(500)) return;
        m_lastPrint = now;
        const double secs = std::chrono::duration<double>(now - m_start).count();
        std::cerr << "  " << phaseName(phase) << " step " << step << "/" << total << "  "
                  << std::fixed << std::setprecision(1) << (secs > 0 ? step / secs : 0.0)
                  << " steps/s";
        if (phase == Phase::Downstream && m_upAcc >= 0)
            std::cerr << "  upstream acc " << std::setprecision(3) << m_upAcc
                      << "  downstream acc " << m_downAcc;
        std::cerr << "\n";
    }

private:
    using Clock = std::chrono::steady_clock;
    Phase m_phase = Phase::Preparing;
    Clock::time_point m_start = Clock::now(), m_lastPrint{};
    double m_upAcc = -1, m_downAcc = -1;
};

int guarded(const std::function<int()>& fn) {
    try {
        return fn();
    } catch (const UsageError& e) {
        std::cerr << "forgetlab-cli: " << e.message << "\n";
        return 2;
    } catch (const StoreError& e) {
        std::cerr << "forgetlab-cli: " << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "forgetlab-cli: " << e.what() << "\n";
        return 1;
    }
}

std::string dbPath(const Options& o) { return o.get("--db", Store::defaultPath()); }

}  // namespace

void printUsage() {
    std::cerr <<
        R"(forgetlab-cli: run and inspect ForgetLab experiments without a display.

  forgetlab-cli run (--preset NAME | --config FILE) [--db PATH] [--steps N] [--seed S]
                    [--device cpu|cuda] [--threads N] [--json]
  forgetlab-cli presets [--json]
  forgetlab-cli runs [--db PATH] [--json]
  forgetlab-cli export --run ID --csv FILE [--db PATH]
  forgetlab-cli landscape --run ID [--checkpoint STEP] --kind 1d|2d|interp [--grid N]
                    [--range R] [--seed S] [--subset N] [--db PATH] [--json]
  forgetlab-cli hessian --run ID [--checkpoint STEP] [--topk K] [--trace-samples S]
                    [--probe upstream|downstream] [--probe-size N] [--db PATH] [--json]

Progress goes to stderr; with --json the last line of stdout is one JSON object.
Exit codes: 0 ok, 1 failure, 2 bad usage or configuration, 3 the run diverged.
The database defaults to $FORGETLAB_DB or ~/.local/share/forgetlab/runs.db.
)";
}

int runCommand(const Args& args) {
    return guarded([&] {
        Options o(args, {{"--preset", true}, {"--config", true}, {"--db", true},
                         {"--steps", true}, {"--seed", true}, {"--device", true},
                         {"--threads", true}, {"--json", false}});
        if (o.has("--preset") == o.has("--config"))
            throw UsageError{"give exactly one of --preset NAME or --config FILE "
                             "(see: forgetlab-cli presets)"};
        std::string text;
        if (o.has("--preset")) {
            try {
                text = loadPreset(o.get("--preset")).json;
            } catch (const std::runtime_error& e) {
                throw UsageError{e.what()};
            }
        } else {
            text = readFile(o.get("--config"));
        }
        ConfigParseResult parsed = parseConfig(text);
        if (!parsed.ok()) {
            std::cerr << "forgetlab-cli: invalid configuration:\n" << formatErrors(parsed.errors);
            return 2;
        }
        ExperimentConfig cfg = parsed.config;
        if (o.has("--steps")) cfg.downstream.steps = static_cast<int>(o.integer("--steps", 0));
        if (o.has("--seed")) {
            const long long s = o.integer("--seed", 0);
            if (s < 0) throw UsageError{"--seed must be >= 0"};
            cfg.seed = static_cast<unsigned>(s);
        }
        if (o.has("--device")) cfg.device = o.get("--device");
        if (auto errors = validateConfig(cfg); !errors.empty()) {
            std::cerr << "forgetlab-cli: invalid configuration:\n" << formatErrors(errors);
            return 2;
        }
        Store store(dbPath(o));
        RunControl control;
        g_control = &control;
        std::signal(SIGINT, onInterrupt);
        std::signal(SIGTERM, onInterrupt);
        ProgressPrinter progress;
        SessionOptions so;
        so.num_threads = static_cast<int>(o.integer("--threads", 0));
        so.on_run_created = [&](int64_t id) {
            std::cerr << "run " << id << " (" << cfg.name << ") in " << store.path() << "\n";
        };
        const RunSummary s = runAndRecord(cfg, store, control, &progress, so);
        g_control = nullptr;
        std::cerr << "status " << s.status << ": upstream accuracy " << std::fixed
                  << std::setprecision(3) << s.upstream_acc_before << " -> "
                  << s.upstream_acc_after << " (forgetting " << s.forgetting
                  << "), downstream accuracy " << s.downstream_acc_after << ", "
                  << std::setprecision(1) << s.wall_seconds << " s\n";
        if (!s.error.empty()) std::cerr << "forgetlab-cli: " << s.error << "\n";
        if (o.has("--json")) std::cout << summaryToJson(s) << std::endl;
        if (s.status == status::kDiverged) return 3;
        if (s.status == status::kFailed) return 1;
        return 0;
    });
}

int presetsCommand(const Args& args) {
    return guarded([&] {
        Options o(args, {{"--json", false}});
        const auto presets = listPresets();
        if (o.has("--json")) {
            nlohmann::json arr = nlohmann::json::array();
            for (const auto& p : presets)
                arr.push_back({{"name", p.name}, {"title", p.title}, {"explanation", p.explanation}});
            std::cout << arr.dump() << std::endl;
            return 0;
        }
        for (const auto& p : presets)
            std::cout << std::left << std::setw(30) << p.name << " " << p.title
                      << (p.name == kDefaultPreset ? "  (default)" : "") << "\n";
        return 0;
    });
}

int runsCommand(const Args& args) {
    return guarded([&] {
        Options o(args, {{"--db", true}, {"--json", false}});
        Store store(dbPath(o));
        const auto runs = store.listRuns();
        if (o.has("--json")) {
            nlohmann::json arr = nlohmann::json::array();
            for (const auto& r : runs) {
                nlohmann::json j = {{"id", r.id}, {"name", r.name}, {"created", r.created},
                                    {"status", r.status}, {"seed", r.seed}};
                if (!r.summary_json.empty()) j["summary"] = nlohmann::json::parse(r.summary_json, nullptr, false);
                arr.push_back(j);
            }
            std::cout << arr.dump() << std::endl;
            return 0;
        }
        std::cout << std::left << std::setw(6) << "id" << std::setw(24) << "name" << std::setw(13)
                  << "status" << std::setw(22) << "created" << "forgetting\n";
        for (const auto& r : runs) {
            std::string forgetting = "-";
            auto j = nlohmann::json::parse(r.summary_json.empty() ? "{}" : r.summary_json, nullptr, false);
            if (j.is_object() && j.contains("forgetting")) {
                std::ostringstream f;
                f << std::fixed << std::setprecision(3) << j["forgetting"].get<double>();
                forgetting = f.str();
            }
            std::cout << std::left << std::setw(6) << r.id << std::setw(24) << r.name
                      << std::setw(13) << r.status << std::setw(22) << r.created << forgetting
                      << "\n";
        }
        return 0;
    });
}

int exportCommand(const Args& args) {
    return guarded([&] {
        Options o(args, {{"--run", true}, {"--csv", true}, {"--db", true}});
        if (!o.has("--run") || !o.has("--csv"))
            throw UsageError{"export needs --run ID and --csv FILE"};
        Store store(dbPath(o));
        const long long id = o.integer("--run", 0);
        exportRunCsv(store, id, o.get("--csv"));
        std::cerr << "wrote " << o.get("--csv") << "\n";
        return 0;
    });
}

namespace {

double number(const Options& o, const std::string& k, double def) {
    if (!o.has(k)) return def;
    const std::string v = o.get(k);
    try {
        size_t pos = 0;
        const double x = std::stod(v, &pos);
        if (pos != v.size()) throw std::invalid_argument("trailing");
        return x;
    } catch (const std::exception&) {
        throw UsageError{k + " expects a number, got '" + v + "'"};
    }
}

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
extern "C" void onAnalysisInterrupt(int) { g_cancel = true; }

}  // namespace

int landscapeCommand(const Args& args) {
    return guarded([&] {
        Options o(args, {{"--run", true}, {"--checkpoint", true}, {"--kind", true},
                         {"--grid", true}, {"--range", true}, {"--seed", true},
                         {"--subset", true}, {"--db", true}, {"--json", false}});
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
        const LandscapeResult r = computeLandscape(src, req, stderrProgress("evaluation"), &g_cancel);
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
        Options o(args, {{"--run", true}, {"--checkpoint", true}, {"--topk", true},
                         {"--trace-samples", true}, {"--probe", true}, {"--probe-size", true},
                         {"--seed", true}, {"--db", true}, {"--json", false}});
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
        const HessianResult r = computeHessian(src, req, stderrProgress("Hessian-vector product"), &g_cancel);
        const int64_t id = store.saveHessian(runId, ckStep, hessianToJson(r));
        std::cerr << "eigenvalues";
        for (double e : r.eigenvalues) std::cerr << " " << e;
        if (req.trace_samples > 0) std::cerr << "; trace " << r.trace_mean << " +- " << r.trace_stderr;
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
