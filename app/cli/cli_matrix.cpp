// forgetlab-cli matrix ...: forgetting matrices (SCIENCE.md section 5) — sweeps that build
// them from runs, fit quality, completion, CSV import/export.
#include <atomic>
#include <chrono>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/cli/cli_support.h"
#include "engine/core/names.h"
#include "engine/forgetting/forgetting_matrix.h"
#include "engine/sessions/forgetting_sweep.h"

namespace forgetlab::cli {

namespace {
using json = nlohmann::json;

// NaN (an undefined AUC, say) becomes null in JSON.
json num(double v) {
    return std::isfinite(v) ? json(v) : json(nullptr);
}

// The matrix named by --csv FILE or --matrix ID.
ForgetMatrix loadInput(const Options& o) {
    if (o.has("--csv") == o.has("--matrix"))
        throw UsageError{
            "give exactly one of --csv FILE or --matrix ID (see: forgetlab-cli matrix list)"};
    if (o.has("--csv")) return readMatrixCsv(o.get("--csv"));
    Store store(dbPath(o));
    return loadStoredMatrix(store, o.integer("--matrix", 0));
}

std::vector<std::string> splitList(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream in(s);
    std::string item;
    while (std::getline(in, item, ','))
        if (!item.empty()) out.push_back(item);
    return out;
}

int fit(const Args& args) {
    Options o(args, {{"--csv", true}, {"--matrix", true}, {"--db", true}, {"--json", false}});
    const ForgetMatrix z = loadInput(o);
    const FitReport r = fitMatrix(z);
    if (o.has("--json")) {
        json j = {{"rows", r.rows},
                  {"cols", r.cols},
                  {"r2_rank", r.r2_rank},
                  {"r2_additive", num(r.r2_additive)},
                  {"r2_task_only", num(r.r2_task_only)},
                  {"r2_example_only", num(r.r2_example_only)},
                  {"singular_values", r.singular_values}};
        std::cout << j.dump() << std::endl;
        return 0;
    }
    std::cout << r.rows << " tasks x " << r.cols << " examples\n"
              << std::fixed << std::setprecision(3);
    for (size_t k = 0; k < r.r2_rank.size(); ++k)
        std::cout << "  R² rank " << k + 1 << "        " << r.r2_rank[k] << "\n";
    std::cout << "  R² additive       " << r.r2_additive << "\n"
              << "  R² task only      " << r.r2_task_only << "\n"
              << "  R² example only   " << r.r2_example_only << "\n";
    return 0;
}

int complete(const Args& args) {
    Options o(args, {{"--csv", true},
                     {"--matrix", true},
                     {"--db", true},
                     {"--json", false},
                     {"--holdout-rows", true},
                     {"--observed", true},
                     {"--seeds", true},
                     {"--seed", true}});
    const ForgetMatrix z = loadInput(o);
    CompletionOptions c;
    c.holdout_rows = static_cast<int>(o.integer("--holdout-rows", c.holdout_rows));
    c.observed = static_cast<int>(o.integer("--observed", c.observed));
    c.seeds = static_cast<int>(o.integer("--seeds", c.seeds));
    c.seed = static_cast<uint64_t>(std::max<long long>(0, o.integer("--seed", 0)));
    if (c.holdout_rows < 0)
        throw UsageError{"--holdout-rows must be >= 0 (0 = a fifth of the rows)"};
    if (c.observed < 1) throw UsageError{"--observed must be >= 1"};
    if (c.seeds < 1 || c.seeds > 1000) throw UsageError{"--seeds must be between 1 and 1000"};
    const CompletionReport r = completeMatrix(
        z, c, [](int done, int total) { std::cerr << "  seed " << done << "/" << total << "\n"; });
    if (o.has("--json")) {
        json j = {{"rows", z.rows},
                  {"cols", z.cols},
                  {"holdout_rows", r.holdout_rows},
                  {"observed", r.observed},
                  {"seeds", r.seeds}};
        for (const MethodScores& m : r.methods) {
            j[completionMethodName(m.method)] = {
                {"rmse", num(m.rmse)}, {"f1", num(m.f1)}, {"auc", num(m.auc)}};
        }
        std::cout << j.dump() << std::endl;
        return 0;
    }
    std::cout << "hold out " << r.holdout_rows << " tasks, reveal " << r.observed
              << " entries of each, mean over " << r.seeds << " seeds\n"
              << std::left << std::setw(10) << "method" << std::right << std::setw(10) << "RMSE"
              << std::setw(8) << "F1" << std::setw(8) << "AUC"
              << "\n"
              << std::fixed << std::setprecision(4);
    for (const MethodScores& m : r.methods)
        std::cout << std::left << std::setw(10) << completionMethodName(m.method) << std::right
                  << std::setw(10) << m.rmse << std::setw(8) << std::setprecision(3) << m.f1
                  << std::setw(8) << m.auc << std::setprecision(4) << "\n";
    return 0;
}

int sweep(const Args& args) {
    Options o(args, {{"--run", true},
                     {"--resume", true},
                     {"--families", true},
                     {"--per-family", true},
                     {"--steps", true},
                     {"--examples", true},
                     {"--name", true},
                     {"--threads", true},
                     {"--db", true},
                     {"--json", false}});
    if (o.has("--run") == o.has("--resume"))
        throw UsageError{
            "give exactly one of --run ID (a new sweep from that run's pre-trained "
            "checkpoint) or --resume MATRIX"};
    Store store(dbPath(o));
    int64_t id = 0;
    if (o.has("--run")) {
        SweepConfig s;
        if (o.has("--families")) s.families = splitList(o.get("--families"));
        s.per_family = static_cast<int>(o.integer("--per-family", s.per_family));
        s.steps = static_cast<int>(o.integer("--steps", s.steps));
        s.examples = static_cast<int>(o.integer("--examples", s.examples));
        try {
            id = createSweep(store, o.integer("--run", 0), s, o.get("--name"));
        } catch (const std::invalid_argument& e) {
            throw UsageError{e.what()};
        }
    } else {
        id = o.integer("--resume", 0);
        const MatrixInfo info = store.matrixInfo(id);
        if (info.status == status::kRunning)
            throw std::runtime_error("matrix #" + std::to_string(id) +
                                     " is being swept by another process right now");
    }
    const MatrixInfo info = store.matrixInfo(id);
    std::cerr << "sweep matrix #" << id << " (" << info.name << "): " << info.rows_done << "/"
              << info.rows_planned << " tasks done, " << info.cols << " tracked examples, in "
              << store.path() << "\n";
    RunControl control(interruptToken());
    cancelOnInterrupt(true);
    auto last = std::chrono::steady_clock::now() - std::chrono::seconds(10);
    int lastRow = -1;
    const SweepResult r = runSweep(
        store, id, control,
        [&](const SweepProgress& p) {
            const auto now = std::chrono::steady_clock::now();
            if (p.row == lastRow && now - last < std::chrono::seconds(1)) return;
            last = now;
            lastRow = p.row;
            std::cerr << "  task " << p.row + 1 << "/" << p.total << " " << p.current << "  ("
                      << p.done << " done, " << int(p.row_fraction * 100) << "%)\n";
        },
        static_cast<int>(o.integer("--threads", 0)));
    for (const auto& s : r.skipped) std::cerr << "forgetlab-cli: skipped " << s << "\n";
    std::cerr << "sweep " << r.status << ": " << r.rows_done << "/" << r.rows_total << " tasks in "
              << std::fixed << std::setprecision(1) << r.wall_seconds << " s\n";
    if (r.status == status::kStopped)
        std::cerr << "resume with: forgetlab-cli matrix sweep --resume " << id << "\n";
    if (o.has("--json")) {
        json j = {{"matrix_id", id},
                  {"status", r.status},
                  {"rows_done", r.rows_done},
                  {"rows_total", r.rows_total},
                  {"cols", info.cols},
                  {"skipped", r.skipped},
                  {"wall_seconds", r.wall_seconds}};
        if (!r.error.empty()) j["error"] = r.error;
        std::cout << j.dump() << std::endl;
    }
    return r.status == status::kFailed ? 1 : 0;
}

int list(const Args& args) {
    Options o(args, {{"--db", true}, {"--json", false}});
    Store store(dbPath(o));
    const auto all = store.listMatrices();
    if (o.has("--json")) {
        json arr = json::array();
        for (const auto& m : all)
            arr.push_back({{"id", m.id},
                           {"name", m.name},
                           {"created", m.created},
                           {"source", m.source},
                           {"status", m.status},
                           {"rows", m.rows_done},
                           {"rows_planned", m.rows_planned},
                           {"cols", m.cols}});
        std::cout << arr.dump() << std::endl;
        return 0;
    }
    if (all.empty())
        std::cout << "no forgetting matrices yet (forgetlab-cli matrix sweep --run ID)\n";
    for (const auto& m : all)
        std::cout << "#" << m.id << "  " << m.name << "  " << m.rows_done << "/" << m.rows_planned
                  << " x " << m.cols << "  " << m.source << "  " << m.status << "  " << m.created
                  << "\n";
    return 0;
}

int importCsv(const Args& args) {
    Options o(args, {{"--csv", true}, {"--name", true}, {"--db", true}});
    if (!o.has("--csv")) throw UsageError{"import needs --csv FILE"};
    const ForgetMatrix z = readMatrixCsv(o.get("--csv"));
    Store store(dbPath(o));
    const int64_t id = importMatrix(store, z, o.get("--name", o.get("--csv")));
    std::cerr << "imported " << z.rows << " x " << z.cols << " as matrix #" << id << "\n";
    std::cout << id << std::endl;
    return 0;
}

int exportCsv(const Args& args) {
    Options o(args, {{"--matrix", true}, {"--csv", true}, {"--db", true}});
    if (!o.has("--matrix") || !o.has("--csv"))
        throw UsageError{"export needs --matrix ID and --csv FILE"};
    Store store(dbPath(o));
    const ForgetMatrix z = loadStoredMatrix(store, o.integer("--matrix", 0));
    writeMatrixCsv(z, o.get("--csv"));
    std::cerr << "wrote " << z.rows << " x " << z.cols << " to " << o.get("--csv") << "\n";
    return 0;
}

int remove(const Args& args) {
    Options o(args, {{"--matrix", true}, {"--db", true}});
    if (!o.has("--matrix")) throw UsageError{"delete needs --matrix ID"};
    Store store(dbPath(o));
    const int64_t id = o.integer("--matrix", 0);
    store.matrixInfo(id);  // throws for an unknown id
    store.deleteMatrix(id);
    std::cerr << "deleted matrix #" << id << "\n";
    return 0;
}

}  // namespace

int matrixCommand(const Args& args) {
    return guarded([&] {
        if (args.empty())
            throw UsageError{
                "matrix needs a sub-command: list, sweep, fit, complete, import, export "
                "or delete"};
        const std::string sub = args.front();
        const Args rest(args.begin() + 1, args.end());
        try {
            if (sub == "fit") return fit(rest);
            if (sub == "complete") return complete(rest);
            if (sub == "sweep") return sweep(rest);
            if (sub == "list") return list(rest);
            if (sub == "import") return importCsv(rest);
            if (sub == "export") return exportCsv(rest);
            if (sub == "delete") return remove(rest);
        } catch (const MatrixError& e) {
            // Bad matrix input (a CSV that is not a matrix, too small for the protocol).
            std::cerr << "forgetlab-cli: " << e.what() << "\n";
            return 2;
        }
        throw UsageError{"unknown matrix sub-command '" + sub +
                         "'; use list, sweep, fit, complete, import, export or delete"};
    });
}

}  // namespace forgetlab::cli
