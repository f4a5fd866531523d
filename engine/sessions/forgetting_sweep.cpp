#include "engine/sessions/forgetting_sweep.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <set>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "engine/measure/internal/example_forgetting.h"
#include "engine/data/internal/experiment_tasks.h"
#include "engine/data/fashion_mnist.h"
#include "engine/data/fortunes.h"
#include "engine/train/runner.h"
#include "engine/data/internal/tasks.h"

namespace forgetlab {
namespace fs = std::filesystem;
using json = nlohmann::json;

std::vector<std::string> sweepFamilies() {
    return {"class", "pair", "permute", "rotate", "noise", "labelperm", "domain"};
}

namespace {

// Language models: one row per fortune file of the downstream language with at least
// kMinDomainFortunes fortunes, the largest first, at most perFamily of them; each row
// fine-tunes on that file alone (a tenth of it held out for testing).
constexpr size_t kMinDomainFortunes = 50;

std::vector<SweepTaskSpec> domainRows(const ExperimentConfig& base, int perFamily) {
    const TaskConfig& down = base.downstream.task;
    std::vector<FortuneDomain> domains = loadFortuneDomains(down.language, {}, base.text_dir);
    std::stable_sort(domains.begin(), domains.end(),
                     [](const FortuneDomain& a, const FortuneDomain& b) {
                         return a.texts.size() > b.texts.size();
                     });
    std::vector<SweepTaskSpec> rows;
    for (const FortuneDomain& d : domains) {
        if (d.texts.size() < kMinDomainFortunes || int(rows.size()) >= perFamily) continue;
        TaskConfig t = down;
        t.domains = {d.name};
        const int n =
            int(std::min<size_t>(d.texts.size(), size_t(down.train_size) + size_t(down.test_size)));
        t.test_size = std::max(5, n / 10);
        t.train_size = n - t.test_size;
        rows.push_back({"domain " + down.language + "/" + d.name, "domain", t});
    }
    return rows;
}

}  // namespace

std::vector<SweepTaskSpec> sweepPlan(const ExperimentConfig& base, const SweepConfig& sweep) {
    if (sweep.per_family < 1 || sweep.per_family > 100)
        throw std::invalid_argument("tasks per family must be between 1 and 100");
    if (sweep.steps < 1) throw std::invalid_argument("fine-tuning steps per task must be >= 1");
    if (sweep.examples < 1 || sweep.examples > 60000)
        throw std::invalid_argument("tracked upstream examples must be between 1 and 60000");
    const auto known = sweepFamilies();
    const bool language = isLanguageModel(base);
    const TaskConfig down = base.downstream.task;
    const std::vector<int>& cls = down.classes;
    std::vector<SweepTaskSpec> plan;
    std::set<std::string> seen;
    for (const std::string& f : sweep.families) {
        if (std::find(known.begin(), known.end(), f) == known.end())
            throw std::invalid_argument("unknown task family '" + f +
                                        "'; use class, pair, permute, rotate, noise, labelperm "
                                        "(image models) or domain (language models)");
        if (!seen.insert(f).second) continue;
        if (language != (f == "domain"))
            throw std::invalid_argument(
                language ? "the family '" + f +
                               "' transforms images; a language model's sweep "
                               "uses domain (one row per fortune file)"
                         : std::string("the family 'domain' is for language models (model gpt); "
                                       "use class, pair, permute, rotate, noise or labelperm"));
        if (f == "rotate" && taskSource(down) == "csv")
            throw std::invalid_argument(
                "the family 'rotate' turns images, but the downstream source csv is a table of "
                "features: use class, pair, permute, noise or labelperm");
        if (f == "domain") {
            for (SweepTaskSpec& row : domainRows(base, sweep.per_family))
                plan.push_back(std::move(row));
            continue;
        }
        auto add = [&](std::string name, TaskConfig t) {
            plan.push_back({std::move(name), f, std::move(t)});
        };
        TaskConfig t = down;
        t.kind = "classes";
        if (f == "class") {
            for (int c : cls) {
                TaskConfig one = t;
                one.classes = {c};
                add("class " + std::to_string(c), one);
            }
        } else if (f == "pair") {
            for (size_t a = 0; a < cls.size(); ++a)
                for (size_t b = a + 1; b < cls.size(); ++b) {
                    TaskConfig two = t;
                    two.classes = {cls[a], cls[b]};
                    add("pair " + std::to_string(cls[a]) + "+" + std::to_string(cls[b]), two);
                }
        } else {
            for (int k = 1; k <= sweep.per_family; ++k) {
                TaskConfig v = t;
                std::ostringstream name;
                if (f == "permute") {
                    v.kind = "permuted";
                    v.permutation_seed = k;
                    name << "permute #" << k;
                } else if (f == "rotate") {
                    v.rotation = 30.0 * k;
                    name << "rotate " << 30 * k << "°";
                } else if (f == "noise") {
                    v.noise = 0.5 * k;
                    name << "noise σ=" << 0.5 * k;
                } else {  // labelperm
                    v.label_permutation_seed = k;
                    name << "labelperm #" << k;
                }
                add(name.str(), v);
            }
        }
    }
    return plan;
}

namespace {

json sweepJson(const SweepConfig& s) {
    return {{"families", s.families},
            {"per_family", s.per_family},
            {"steps", s.steps},
            {"examples", s.examples}};
}

SweepConfig sweepFromJson(const json& j) {
    SweepConfig s;
    s.families = j.at("families").get<std::vector<std::string>>();
    s.per_family = j.at("per_family").get<int>();
    s.steps = j.at("steps").get<int>();
    s.examples = j.at("examples").get<int>();
    return s;
}

std::string pretrainedCheckpoint(Store& store, int64_t runId) {
    for (const CheckpointRow& c : store.checkpoints(runId))
        if (c.tag == "pretrained") return store.checkpointPath(c);
    return {};
}

// Collects a row's per-example losses (first and last call) and its progress.
class RowSink : public MetricSink {
public:
    explicit RowSink(std::function<void(double)> progress) : m_progress(std::move(progress)) {}
    void onMetrics(const std::vector<MetricPoint>&) override {}
    void onExampleLosses(int64_t step, const std::vector<float>& losses) override {
        if (step == 0)
            before = losses;
        else
            after = losses;
    }
    void onProgress(Phase phase, int64_t step, int64_t total) override {
        if (phase == Phase::Downstream && total > 0 && m_progress)
            m_progress(double(step) / double(total));
    }
    std::vector<float> before, after;

private:
    std::function<void(double)> m_progress;
};

}  // namespace

int64_t createSweep(Store& store, int64_t sourceRunId, const SweepConfig& requested,
                    const std::string& name) {
    SweepConfig sweep = requested;
    const RunInfo run = store.run(sourceRunId);  // throws for an unknown run
    const ConfigParseResult parsed = parseStoredConfig(run.config_json);
    if (!parsed.ok())
        throw std::runtime_error("run #" + std::to_string(sourceRunId) +
                                 "'s stored configuration no longer parses:\n" +
                                 formatErrors(parsed.errors));
    ExperimentConfig base = parsed.config;
    // The default families are the image ones; a language model's default is its domains.
    if (isLanguageModel(base) && sweep.families == SweepConfig{}.families)
        sweep.families = {"domain"};
    // A table has no pixels to rotate: its default is the other image families.
    if (taskSource(base.downstream.task) == "csv" && sweep.families == SweepConfig{}.families)
        sweep.families.erase(std::find(sweep.families.begin(), sweep.families.end(), "rotate"));
    if (base.sequence.tasks > 0)
        throw std::runtime_error("run #" + std::to_string(sourceRunId) +
                                 " is a task sequence; sweep from an upstream -> downstream run");
    if (base.model.head != "shared")
        throw std::runtime_error("run #" + std::to_string(sourceRunId) +
                                 " has a multi-head model; a sweep's tasks need the shared head "
                                 "(set model.head to shared)");
    const std::string ckpt = pretrainedCheckpoint(store, sourceRunId);
    if (ckpt.empty())
        throw std::runtime_error("run #" + std::to_string(sourceRunId) +
                                 " has no pre-trained checkpoint; sweep from a run that got past "
                                 "pre-training");
    if (!fs::exists(ckpt))
        throw std::runtime_error("the pre-trained checkpoint of run #" +
                                 std::to_string(sourceRunId) + " is missing (" + ckpt +
                                 "); it was deleted or moved. Sweep from another run, or rerun "
                                 "this one");
    const std::vector<SweepTaskSpec> plan = sweepPlan(base, sweep);  // throws invalid_argument
    if (plan.empty())
        throw std::runtime_error("the sweep has no tasks: choose at least one family");

    // The columns: the tracked upstream examples, named by their index in the upstream
    // training split.
    const Task up = buildExperimentTasks(base).up;
    const std::vector<int64_t> tracked =
        trackedExampleIndices(up.train.size(), sweep.examples, base.seed);
    json colNames = json::array();
    for (int64_t i : tracked) colNames.push_back("up" + std::to_string(i));

    json cfg = {{"source_run", sourceRunId},
                {"base", json::parse(configToJson(base))},
                {"sweep", sweepJson(sweep)},
                {"upstream_hash", upstreamHash(base)}};
    const std::string label = name.empty() ? "sweep of run #" + std::to_string(sourceRunId) : name;
    return store.createMatrix(label, "sweep", cfg.dump(), static_cast<int64_t>(plan.size()),
                              static_cast<int64_t>(tracked.size()), colNames.dump(),
                              status::kCreated);
}

SweepResult runSweep(Store& store, int64_t matrixId, RunControl& control,
                     const std::function<void(const SweepProgress&)>& progress, int numThreads) {
    const auto t0 = std::chrono::steady_clock::now();
    const MatrixInfo info = store.matrixInfo(matrixId);
    if (info.source != "sweep")
        throw std::runtime_error("matrix #" + std::to_string(matrixId) +
                                 " was imported, not swept: there is nothing to run");
    const json cfg = json::parse(info.config_json);
    const int64_t sourceRun = cfg.at("source_run").get<int64_t>();
    const ConfigParseResult parsed = parseStoredConfig(cfg.at("base").dump());
    if (!parsed.ok()) throw std::runtime_error("the sweep's stored configuration does not parse");
    const ExperimentConfig base = parsed.config;
    const SweepConfig sweep = sweepFromJson(cfg.at("sweep"));
    const std::string ckpt = pretrainedCheckpoint(store, sourceRun);
    if (ckpt.empty() || !fs::exists(ckpt))
        throw std::runtime_error("the pre-trained checkpoint of run #" + std::to_string(sourceRun) +
                                 " is missing; the sweep cannot go on");
    const std::vector<SweepTaskSpec> plan = sweepPlan(base, sweep);

    std::set<int64_t> done;
    for (const MatrixRowData& r : store.matrixRows(matrixId)) done.insert(r.row);
    store.setMatrixStatus(matrixId, status::kRunning);

    SweepResult result;
    result.matrix_id = matrixId;
    result.rows_total = static_cast<int>(plan.size());
    SweepProgress prog;
    prog.total = result.rows_total;
    prog.done = static_cast<int>(done.size());
    result.status = status::kDone;
    for (size_t i = 0; i < plan.size(); ++i) {
        if (done.count(static_cast<int64_t>(i))) continue;
        if (control.stopRequested()) {
            result.status = status::kStopped;
            break;
        }
        const SweepTaskSpec& spec = plan[i];
        prog.row = static_cast<int>(i);
        prog.current = spec.name;
        prog.row_fraction = 0;
        if (progress) progress(prog);

        ExperimentConfig rc = base;
        rc.name = info.name + " / " + spec.name;
        rc.downstream.task = spec.task;
        rc.downstream.steps = sweep.steps;
        rc.eval.every = sweep.steps;  // one evaluation, at the end
        rc.eval.hessian_every = 0;
        rc.eval.trace_every = 0;
        rc.eval.checkpoint_every = 0;
        rc.eval.example_losses = sweep.examples;
        rc.eval.samples_every = 0;
        rc.strategies.replay_select = "random";
        RunnerOptions ro;
        ro.pretrained_file = ckpt;
        ro.num_threads = numThreads;
        RowSink sink([&](double f) {
            prog.row_fraction = f;
            if (progress) progress(prog);
        });
        Runner runner(rc, ro);
        const RunSummary s = runner.run(sink, control);
        if (s.status == status::kStopped) {
            result.status = status::kStopped;
            break;
        }
        if (s.status != status::kDone || sink.before.empty() ||
            sink.before.size() != sink.after.size() ||
            static_cast<int64_t>(sink.before.size()) != info.cols) {
            result.skipped.push_back(spec.name + " (" + (s.error.empty() ? s.status : s.error) +
                                     ")");
            continue;
        }
        std::vector<double> z(sink.before.size());
        bool finite = true;
        for (size_t j = 0; j < z.size(); ++j) {
            z[j] = double(sink.after[j]) - double(sink.before[j]);
            finite &= std::isfinite(z[j]);
        }
        if (!finite) {
            result.skipped.push_back(spec.name + " (non-finite losses)");
            continue;
        }
        json extra = {{"family", spec.family},
                      {"upstream_acc_before", s.upstream_acc_before},
                      {"upstream_acc_after", s.upstream_acc_after},
                      {"downstream_acc_after", s.downstream_acc_after},
                      {"example_forgetting_mean", s.example_forgetting_mean},
                      {"steps", s.steps},
                      {"wall_seconds", s.wall_seconds}};
        if (s.language) {
            extra["upstream_logppl_before"] = s.upstream_logppl_before;
            extra["upstream_logppl_after"] = s.upstream_logppl_after;
            extra["downstream_logppl_after"] = s.downstream_logppl_after;
        }
        store.addMatrixRow(matrixId, static_cast<int64_t>(i), spec.name, z, extra.dump());
        done.insert(static_cast<int64_t>(i));
        prog.done = static_cast<int>(done.size());
        prog.row_fraction = 1;
        if (progress) progress(prog);
    }
    result.rows_done = static_cast<int>(done.size());
    if (result.status == status::kDone && !result.skipped.empty() && result.rows_done == 0) {
        result.status = status::kFailed;
        result.error = "every task failed; the first: " + result.skipped.front();
    }
    store.setMatrixStatus(matrixId, result.status);
    result.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return result;
}

ForgetMatrix loadStoredMatrix(Store& store, int64_t matrixId) {
    const MatrixInfo info = store.matrixInfo(matrixId);
    const std::vector<MatrixRowData> rows = store.matrixRows(matrixId);
    ForgetMatrix z;
    z.cols = info.cols;
    z.rows = static_cast<int64_t>(rows.size());
    z.values.reserve(static_cast<size_t>(z.rows * z.cols));
    for (const MatrixRowData& r : rows) {
        if (static_cast<int64_t>(r.values.size()) != info.cols)
            throw StoreError("matrix #" + std::to_string(matrixId) + " row " +
                             std::to_string(r.row) + " has " + std::to_string(r.values.size()) +
                             " values, expected " + std::to_string(info.cols));
        z.values.insert(z.values.end(), r.values.begin(), r.values.end());
        z.row_names.push_back(r.name);
    }
    const json names = json::parse(store.matrixColumnNamesJson(matrixId), nullptr, false);
    if (names.is_array() && static_cast<int64_t>(names.size()) == info.cols)
        for (const auto& n : names)
            z.col_names.push_back(n.is_string() ? n.get<std::string>() : n.dump());
    return z;
}

int64_t importMatrix(Store& store, const ForgetMatrix& z, const std::string& name) {
    json colNames = json::array();
    for (const auto& n : z.col_names) colNames.push_back(n);
    int64_t id = 0;
    store.transaction([&] {
        id = store.createMatrix(name, "csv", json{{"imported", name}}.dump(), z.rows, z.cols,
                                colNames.dump(), status::kDone);
        for (int64_t i = 0; i < z.rows; ++i) {
            std::vector<double> row(z.values.begin() + i * z.cols,
                                    z.values.begin() + (i + 1) * z.cols);
            store.addMatrixRow(id, i,
                               i < static_cast<int64_t>(z.row_names.size())
                                   ? z.row_names[size_t(i)]
                                   : "task" + std::to_string(i + 1),
                               row);
        }
    });
    return id;
}

}  // namespace forgetlab
