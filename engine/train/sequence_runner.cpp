#include "engine/train/internal/sequence_runner.h"

#include <nlohmann/json.hpp>

#include "engine/analysis/internal/analysis_model.h"
#include "engine/measure/cl_metrics.h"
#include "engine/measure/internal/evaluation.h"
#include "engine/data/fashion_mnist.h"
#include "engine/optim/internal/optimizers.h"
#include "engine/train/internal/checkpoints.h"
#include "engine/train/internal/step_loop.h"
#include "engine/train/internal/strategies.h"

namespace forgetlab {

std::vector<TaskConfig> sequenceTasks(const SequenceConfig& sq) {
    std::vector<TaskConfig> tasks;
    for (int i = 0; i < sq.tasks; ++i) {
        TaskConfig t;
        t.train_size = sq.train_size;
        t.test_size = sq.test_size;
        t.classes.clear();
        if (sq.kind == "split") {
            t.kind = "classes";
            for (int c = i * 10 / sq.tasks; c < (i + 1) * 10 / sq.tasks; ++c)
                t.classes.push_back(c);
        } else {
            t.kind = "permuted";
            t.permutation_seed = i;  // task 0 sees the original images
            for (int c = 0; c < 10; ++c) t.classes.push_back(c);
        }
        tasks.push_back(t);
    }
    return tasks;
}

namespace {

class SequenceRun {
public:
    SequenceRun(const ExperimentConfig& c, const RunnerOptions& o, const RunDevice& d,
                MetricSink& s, RunControl& k, RunSummary& sum)
        : cfg(c), opts(o), device(d), sink(s), control(k), summary(sum) {}

    void run() {
        sink.onPhase(Phase::Preparing, 0);
        auto data = loadFashionMnist(cfg.data_dir);
        const auto configs = sequenceTasks(cfg.sequence);
        heads.clear();
        for (size_t i = 0; i < configs.size(); ++i) {
            tasks.push_back(buildFashionTask(*data, configs[i], cfg.model, int(i), cfg.seed));
            placeTask(tasks.back(), device);
            heads.push_back(tasks.back().num_outputs);
        }
        if (cfg.model.head != "multi") heads = {10};
        torch::manual_seed(cfg.seed);
        model = buildModel(cfg.model, heads);
        placeModel(*model, device);
        summary.initial_accuracy = accuracies();
        checkpoint("pretrained", 0);

        const int64_t total = int64_t(cfg.sequence.tasks) * cfg.sequence.steps_per_task;
        sink.onPhase(Phase::Downstream, total);
        for (size_t i = 0; i < tasks.size(); ++i) {
            sink.onEvent(globalStep, "task_start", nlohmann::json{{"task", i}}.dump());
            trainTask(i, total);
            summary.accuracy_matrix.push_back(accuracies());
            sink.onEvent(
                globalStep, "accuracy_row",
                nlohmann::json{{"task", i}, {"row", summary.accuracy_matrix.back()}}.dump());
            if (i + 1 < tasks.size()) checkpoint("task-" + std::to_string(i), globalStep);
        }
        checkpoint("final", globalStep);
    }

private:
    std::vector<double> accuracies() {
        std::vector<double> row;
        for (const auto& t : tasks) row.push_back(evaluateSplit(*model, t.test, t.head).acc);
        return row;
    }

    void checkpoint(const std::string& tag, int64_t step) {
        const std::string file = writeCheckpoint(*model, opts.checkpoint_dir, tag, step);
        if (!file.empty()) sink.onCheckpoint(step, tag, file);
    }

    // What the strategies protect when training task i: the tasks before it. One shared
    // head: all earlier tasks pooled; one head per task: the previous task (a replay
    // buffer holds examples of a single head).
    Task previousTasks(size_t i) const {
        if (cfg.model.head == "multi") return tasks[i - 1];
        Task pooled = tasks[0];
        std::vector<torch::Tensor> xs, ys;
        for (size_t j = 0; j < i; ++j) {
            xs.push_back(tasks[j].train.input);
            ys.push_back(tasks[j].train.target);
        }
        pooled.train = {torch::cat(xs), torch::cat(ys)};
        pooled.train.stage_to = tasks[0].train.stage_to;
        return pooled;
    }

    std::unique_ptr<StrategySet> strategiesFor(size_t i) {
        if (i == 0) return nullptr;
        std::shared_ptr<ForgetModel> teacher;
        if (cfg.strategies.lwf_lambda > 0) teacher = frozenCopy(*model, cfg.model, heads);
        return std::make_unique<StrategySet>(cfg.strategies, *model, teacher, previousTasks(i),
                                             uint64_t(cfg.seed) * 2654435761ULL + i);
    }

    void trainTask(size_t i, int64_t total) {
        const Task& task = tasks[i];
        const OptimizerConfig& oc = cfg.downstream.optimizer;
        auto optimizer = makeOptimizer(model->parameters(), oc);
        auto strategies = strategiesFor(i);
        BatchSampler sampler(task.train.size(), cfg.downstream.batch_size,
                             uint64_t(cfg.seed) * 1000003ULL + 97 * (i + 1));
        const int steps = cfg.sequence.steps_per_task;
        StepPhase sp;
        sp.task = &task;
        sp.sampler = &sampler;
        sp.steps = steps;
        sp.first_reported = globalStep + 1;
        sp.optimizer = &oc;
        sp.control = &control;
        sp.snapshot = [&] { checkpoint("snapshot-" + std::to_string(globalStep), globalStep); };
        sp.event_context = {{"task", i}};
        sp.where = [i](int64_t step) {
            return "on task " + std::to_string(i) + " at step " + std::to_string(step);
        };
        auto events = [&](const std::string& kind, int64_t step, const std::string& json) {
            sink.onEvent(step, kind, json);
        };
        std::vector<MetricPoint> points;
        sp.on_losses = [&](const StepLosses& l) {
            sink.onMetrics({{l.reported, keys::kTrainLoss, l.loss}, {l.reported, keys::kLr, l.lr}});
        };
        runSteps(*model, *optimizer, strategies.get(), sp, events, [&](const StepDone& d) {
            globalStep = d.reported;
            points.clear();
            if (globalStep % cfg.eval.every == 0 || d.local == steps) {
                const auto acc = accuracies();
                for (size_t j = 0; j < acc.size(); ++j)
                    points.push_back(
                        {globalStep, keys::kTaskAccPrefix + std::to_string(j) + "_acc", acc[j]});
            }
            summary.steps = globalStep;
            if (!points.empty()) sink.onMetrics(points);
            sink.onProgress(Phase::Downstream, globalStep, total);
        });
    }

    const ExperimentConfig& cfg;
    const RunnerOptions& opts;
    const RunDevice& device;
    MetricSink& sink;
    RunControl& control;
    RunSummary& summary;
    std::vector<Task> tasks;
    std::vector<int> heads;  // outputs of each of the model's heads
    std::shared_ptr<ForgetModel> model;
    int64_t globalStep = 0;
};

}  // namespace

void runSequence(const ExperimentConfig& config, const RunnerOptions& options,
                 const RunDevice& device, MetricSink& sink, RunControl& control,
                 RunSummary& summary) {
    SequenceRun run(config, options, device, sink, control, summary);
    try {
        run.run();
    } catch (const EndRun&) {
        // Keep the rows finished so far; metrics below describe them.
        if (!summary.accuracy_matrix.empty()) {
            const auto& m = summary.accuracy_matrix;
            summary.upstream_acc_before = m.front().front();
            summary.upstream_acc_after = m.back().front();
        }
        throw;
    }
    const auto& r = summary.accuracy_matrix;
    const ContinualMetrics m = continualMetrics(r, summary.initial_accuracy);
    summary.avg_acc = m.avg_acc;
    summary.forgetting = m.forgetting;
    summary.bwt = m.bwt;
    summary.fwt = m.fwt;
    summary.upstream_acc_before = r.front().front();  // task 0 right after learning it
    summary.upstream_acc_after = r.back().front();
    summary.downstream_acc_after = r.back().back();
}

}  // namespace forgetlab
