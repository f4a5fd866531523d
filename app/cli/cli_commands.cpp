#include "app/cli/cli_commands.h"
#include "app/cli/cli_support.h"
#include "engine/analysis/language_tools.h"

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

#include "engine/analysis/analysis.h"
#include "engine/core/config.h"
#include "engine/core/presets.h"
#include "engine/analysis/run_analysis.h"
#include "engine/sessions/run_resume.h"
#include "engine/sessions/run_session.h"
#include "engine/sessions/seed_set.h"
#include "engine/store/store.h"

namespace forgetlab::cli {
namespace {

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UsageError{"cannot read the config file " + path};
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

const CancelToken g_interrupt;
extern "C" void onInterrupt(int) {
    g_interrupt.cancel();
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
            std::cerr << "  upstream acc " << std::setprecision(3) << m_upAcc << "  downstream acc "
                      << m_downAcc;
        std::cerr << "\n";
    }

private:
    using Clock = std::chrono::steady_clock;
    Phase m_phase = Phase::Preparing;
    Clock::time_point m_start = Clock::now(), m_lastPrint{};
    double m_upAcc = -1, m_downAcc = -1;
};

// The one-line summary of a finished run on stderr (and its error).
void printRunSummary(const RunSummary& s) {
    if (s.language)
        std::cerr << "status " << s.status << ": upstream log-perplexity " << std::fixed
                  << std::setprecision(3) << s.upstream_logppl_before << " -> "
                  << s.upstream_logppl_after << " nats/token (forgetting " << std::showpos
                  << s.forgetting_logppl << std::noshowpos << "), downstream "
                  << s.downstream_logppl_after << "; next-token accuracy upstream "
                  << s.upstream_acc_before << " -> " << s.upstream_acc_after << ", "
                  << std::setprecision(1) << s.wall_seconds << " s\n";
    else
        std::cerr << "status " << s.status << ": upstream accuracy " << std::fixed
                  << std::setprecision(3) << s.upstream_acc_before << " -> " << s.upstream_acc_after
                  << " (forgetting " << s.forgetting << "), downstream accuracy "
                  << s.downstream_acc_after << ", " << std::setprecision(1) << s.wall_seconds
                  << " s\n";
    if (!s.error.empty()) std::cerr << "forgetlab-cli: " << s.error << "\n";
}

int exitCodeOf(const RunSummary& s) {
    if (s.status == status::kDiverged) return 3;
    if (s.status == status::kFailed) return 1;
    return 0;
}

// run --resume RUN: the stored run goes on from its last resume point with its own
// configuration; only where (--db), how (--threads) and what is printed (--json) apply.
int resumeCommand(const Options& o) {
    const long long id = o.integer("--resume", 0);
    Store store(dbPath(o));
    ResumePoint point;
    if (const std::string why = resumeRefusal(store, id, &point); !why.empty())
        throw UsageError{"cannot resume: " + why};
    RunControl control(interruptToken());
    cancelOnInterrupt(true);
    ProgressPrinter progress;
    SessionOptions so;
    so.num_threads = static_cast<int>(o.integer("--threads", 0));
    so.on_run_created = [&](int64_t runId) {
        std::cerr << "run " << runId << " (" << store.run(runId).name << ") in " << store.path()
                  << ": resuming after fine-tuning step " << point.step << "\n";
    };
    RunSummary s;
    try {
        s = resumeAndRecord(store, id, control, &progress, so);
    } catch (const ResumeRefused& e) {
        throw UsageError{std::string("cannot resume: ") + e.what()};
    }
    printRunSummary(s);
    if (o.has("--json")) std::cout << summaryToJson(s) << std::endl;
    return exitCodeOf(s);
}

}  // namespace

const CancelToken& interruptToken() {
    return g_interrupt;
}

void cancelOnInterrupt(bool terminateToo) {
    std::signal(SIGINT, onInterrupt);
    if (terminateToo) std::signal(SIGTERM, onInterrupt);
}

void printUsage() {
    std::cerr <<
        R"(forgetlab-cli: run and inspect ForgetLab experiments without a display.

  forgetlab-cli run (--preset NAME | --config FILE) [--db PATH] [--steps N] [--seed S]
                    [--device auto|cpu|cuda|cuda:N] [--precision fp32|bf16|tf32]
                    [--threads N] [--json]
                    [--seeds N] [--sam none|sam|asam] [--rho R]
                    [--replay RATIO] [--ewc LAMBDA] [--l2sp LAMBDA] [--lwf LAMBDA]
                    [--replay-buffer N] [--targeted MATRIX] [--examples N]
  forgetlab-cli run --resume RUN [--db PATH] [--threads N] [--json]
  forgetlab-cli matrix list [--db PATH] [--json]
  forgetlab-cli matrix sweep (--run ID | --resume MATRIX) [--families F,F,...]
                    [--per-family N] [--steps N] [--examples N] [--name TEXT]
                    [--threads N] [--db PATH] [--json]
  forgetlab-cli matrix fit (--csv FILE | --matrix ID) [--db PATH] [--json]
  forgetlab-cli matrix complete (--csv FILE | --matrix ID) [--holdout-rows H]
                    [--observed K] [--seeds S] [--db PATH] [--json]
  forgetlab-cli matrix import --csv FILE [--name TEXT] [--db PATH]
  forgetlab-cli matrix export --matrix ID --csv FILE [--db PATH]
  forgetlab-cli matrix delete --matrix ID [--db PATH]
  forgetlab-cli compare --runs ID,ID,... [--db PATH] [--json]
  forgetlab-cli wiseft --run ID (--alpha A | --curve N) [--apply] [--db PATH] [--json]
  forgetlab-cli presets [--json]
  forgetlab-cli devices [--json]
  forgetlab-cli tokenize --tokenizer DIR --text TEXT [--no-specials] [--json]
  forgetlab-cli runs [--db PATH] [--json]
  forgetlab-cli export --run ID (--csv FILE | --hf DIR [--checkpoint TAG]) [--db PATH]
                    (--gpt2 DIR is an alias of --hf DIR)
  forgetlab-cli generate (--run ID | --model DIR) --prompt TEXT [--tokens N]
                    [--temperature T] [--top-p P] [--seed S] [--checkpoint TAG]
                    [--device D] [--db PATH] [--json]
  forgetlab-cli score --model DIR (--text TEXT | --file FILE) [--device D] [--json]
  forgetlab-cli benchmark (--model DIR [--device D] | --run ID [--checkpoint TAG] [--db PATH])
                    (--file F.csv|F.jsonl [--shots-file F] |
                     --builtin fortune-cloze [--language en|de|es] [--items N] [--max-bytes B])
                    [--shots K] [--seed S] [--name TEXT] [--json]
                    (on a run: the seed and max-bytes of the run's own benchmark curve)
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
        Options o(args, {{"--preset", true},    {"--config", true},        {"--db", true},
                         {"--steps", true},     {"--seed", true},          {"--device", true},
                         {"--precision", true}, {"--threads", true},       {"--json", false},
                         {"--seeds", true},     {"--replay", true},        {"--ewc", true},
                         {"--l2sp", true},      {"--lwf", true},           {"--sam", true},
                         {"--rho", true},       {"--replay-buffer", true}, {"--targeted", true},
                         {"--examples", true},  {"--resume", true}});
        if (o.has("--resume")) {
            for (const char* other :
                 {"--preset", "--config", "--steps", "--seed", "--device", "--precision", "--seeds",
                  "--replay", "--ewc", "--l2sp", "--lwf", "--sam", "--rho", "--replay-buffer",
                  "--targeted", "--examples"})
                if (o.has(other))
                    throw UsageError{std::string("--resume RUN continues a stored run with its "
                                                 "own configuration, so ") +
                                     other + " does not go with it (--db, --threads, --json do)"};
            return resumeCommand(o);
        }
        if (o.has("--preset") == o.has("--config"))
            throw UsageError{
                "give exactly one of --preset NAME or --config FILE "
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
        // Refused devices and precisions are named by validateConfig below (exit code 2).
        if (o.has("--device")) cfg.device = o.get("--device");
        if (o.has("--precision")) cfg.precision = o.get("--precision");
        // Strategies and SAM for the fine-tuning phase, on top of the config.
        cfg.strategies.replay_ratio = number(o, "--replay", cfg.strategies.replay_ratio);
        cfg.strategies.replay_buffer =
            static_cast<int>(o.integer("--replay-buffer", cfg.strategies.replay_buffer));
        if (o.has("--targeted")) {
            cfg.strategies.replay_select = "targeted";
            cfg.strategies.replay_matrix = o.integer("--targeted", 0);
            if (cfg.strategies.replay_ratio <= 0)
                throw UsageError{
                    "--targeted MATRIX chooses what replay keeps: also give --replay RATIO"};
        }
        cfg.eval.example_losses =
            static_cast<int>(o.integer("--examples", cfg.eval.example_losses));
        cfg.strategies.ewc_lambda = number(o, "--ewc", cfg.strategies.ewc_lambda);
        cfg.strategies.l2sp_lambda = number(o, "--l2sp", cfg.strategies.l2sp_lambda);
        cfg.strategies.lwf_lambda = number(o, "--lwf", cfg.strategies.lwf_lambda);
        if (o.has("--sam")) cfg.downstream.optimizer.sam = o.get("--sam");
        cfg.downstream.optimizer.rho = number(o, "--rho", cfg.downstream.optimizer.rho);
        const long long seeds = o.integer("--seeds", 1);
        if (seeds < 1 || seeds > 100) throw UsageError{"--seeds must be between 1 and 100"};
        if (auto errors = validateConfig(cfg); !errors.empty()) {
            std::cerr << "forgetlab-cli: invalid configuration:\n" << formatErrors(errors);
            return 2;
        }
        Store store(dbPath(o));
        RunControl control(interruptToken());
        cancelOnInterrupt(true);
        ProgressPrinter progress;
        SessionOptions so;
        so.num_threads = static_cast<int>(o.integer("--threads", 0));
        // A set of one (no --seeds) keeps the config's name; a larger set names its
        // members as the GUI's seed sweep does.
        so.on_run_created = [&](int64_t id) {
            std::cerr << "run " << id << " (" << store.run(id).name << ") in " << store.path()
                      << "\n";
        };
        const std::vector<RunSummary> all = runSeedSet(
            cfg, cfg.seed, static_cast<int>(seeds), store, control, &progress, so, printRunSummary);
        if (o.has("--json"))
            std::cout << (seeds == 1 ? summaryToJson(all.front()) : seedsJson(all)) << std::endl;
        for (const auto& s : all)
            if (const int code = exitCodeOf(s)) return code;
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
                arr.push_back(
                    {{"name", p.name}, {"title", p.title}, {"explanation", p.explanation}});
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
                nlohmann::json j = {{"id", r.id},
                                    {"name", r.name},
                                    {"created", r.created},
                                    {"status", r.status},
                                    {"seed", r.seed}};
                if (!r.summary_json.empty())
                    j["summary"] = nlohmann::json::parse(r.summary_json, nullptr, false);
                arr.push_back(j);
            }
            std::cout << arr.dump() << std::endl;
            return 0;
        }
        std::cout << std::left << std::setw(6) << "id" << std::setw(24) << "name" << std::setw(13)
                  << "status" << std::setw(22) << "created"
                  << "forgetting\n";
        for (const auto& r : runs) {
            std::string forgetting = "-";
            auto j = nlohmann::json::parse(r.summary_json.empty() ? "{}" : r.summary_json, nullptr,
                                           false);
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
        Options o(args, {{"--run", true},
                         {"--csv", true},
                         {"--gpt2", true},
                         {"--hf", true},
                         {"--checkpoint", true},
                         {"--db", true}});
        if (o.has("--hf") && o.has("--gpt2"))
            throw UsageError{"--gpt2 is an alias of --hf: give one of them"};
        const std::string hf = o.has("--hf") ? o.get("--hf") : o.get("--gpt2", "");
        if (!o.has("--run") || o.has("--csv") == !hf.empty())
            throw UsageError{
                "export needs --run ID and one of --csv FILE (metrics) or --hf DIR "
                "(a language model as a Hugging Face folder in its family's layout)"};
        if (o.has("--checkpoint") && hf.empty()) throw UsageError{"--checkpoint goes with --hf"};
        Store store(dbPath(o));
        const long long id = o.integer("--run", 0);
        if (!hf.empty()) {
            exportRunAsHf(store, id, hf, o.get("--checkpoint", "final"));
            std::cerr << "wrote the Hugging Face folder " << hf
                      << " (config.json, weights, tokenizer files)\n";
            return 0;
        }
        exportRunCsv(store, id, o.get("--csv"));
        std::cerr << "wrote " << o.get("--csv") << "\n";
        return 0;
    });
}

}  // namespace forgetlab::cli
