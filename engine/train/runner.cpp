#include "engine/train/runner.h"

#include <algorithm>
#include <chrono>
#include <numeric>
#include <random>
#include <cmath>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "engine/analysis/internal/analysis_model.h"
#include "engine/measure/internal/evaluation.h"
#include "engine/data/internal/experiment_tasks.h"
#include "engine/models/internal/language_model.h"
#include "engine/data/internal/text_tasks.h"
#include "engine/measure/internal/example_forgetting.h"
#include "engine/data/fashion_mnist.h"
#include "engine/data/idx_reader.h"
#include "engine/models/internal/models.h"
#include "engine/optim/internal/optimizers.h"
#include "engine/core/devices.h"
#include "engine/core/internal/torch_compat.h"
#include "engine/train/internal/checkpoints.h"
#include "engine/train/internal/device_placement.h"
#include "engine/train/internal/language_run.h"
#include "engine/train/internal/resume_state.h"
#include "engine/train/internal/step_loop.h"
#include "engine/train/internal/sequence_runner.h"
#include "engine/models/internal/safetensors.h"
#include "engine/measure/internal/sharpness.h"
#include "engine/train/internal/strategies.h"
#include "engine/train/internal/targeted_replay.h"
#include "engine/data/internal/tasks.h"

namespace forgetlab {
namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

// Device, precision and threads, once for every kind of run.
RunDevice setUpDevice(const ExperimentConfig& cfg, const RunnerOptions& opts) {
    RunDevice rd;
    try {
        rd = prepareDevice(cfg.device, cfg.precision);
    } catch (const std::runtime_error& e) {
        throw EndRun{status::kFailed, e.what()};
    }
    if (opts.num_threads > 0) torch::set_num_threads(opts.num_threads);
    return rd;
}

}  // namespace

struct Runner::Impl {
    ExperimentConfig cfg;
    RunnerOptions opts;
    MetricSink* sink = nullptr;
    RunControl* control = nullptr;
    RunDevice device;
    std::string where = "while preparing";  // for an out-of-memory message
    std::shared_ptr<ForgetModel> model;
    Task up, down;
    std::vector<int> heads;  // output count of each head
    bool language = false;   // model.kind "gpt": text tasks, log-perplexity, live samples
    std::shared_ptr<const Tokenizer> tokenizer;
    TokenizerSetup tok;                            // with its BOS rule for prompts
    std::vector<std::vector<int64_t>> promptIds;   // eval.samples.prompts, tokenized
    std::unique_ptr<BenchmarkTracker> benchmarks;  // eval.benchmarks (language models)
    DataSplit probe;
    RunSummary summary;
    bool m_inFineTuning = false;
    std::vector<int64_t> tracked;        // tracked upstream training examples (eval.example_losses)
    std::vector<float> lossBefore;       // their losses before fine-tuning
    std::vector<int64_t> replayIndices;  // targeted replay's choice (empty = random)
    // Resuming: the resume point being continued (until fine-tuning has restored it).
    std::unique_ptr<ResumeFile> resume;
    std::vector<Knob> knobsApplied;  // live knobs applied while fine-tuning, in order
    Clock::time_point started = Clock::now();
    double wallBefore = 0.0;  // a resumed run's wall time before this process

    bool resuming() const { return !opts.resume_file.empty(); }
    double wallSeconds() const {
        return wallBefore + std::chrono::duration<double>(Clock::now() - started).count();
    }

    std::string outOfMemoryWhere() const {
        return summary.steps > 0 ? "at fine-tuning step " + std::to_string(summary.steps + 1)
                                 : where;
    }

    // A checkpoint of the weights as they are now, for analysing a live run.
    void snapshot() { checkpoint("snapshot-" + std::to_string(summary.steps), summary.steps); }

    // Runs a training phase through the one step loop. Returns the number of steps done.
    int64_t trainPhase(const Task& task, const PhaseConfig& phase, Phase phaseId,
                       uint64_t samplerSeed, bool fineTuning) {
        // With LoRA only the adapters train (the base weights are frozen).
        auto optimizer = makeOptimizer(trainableParameters(*model), phase.optimizer);
        // Strategies act while fine-tuning, anchored at the pre-trained weights.
        std::unique_ptr<StrategySet> strategies;
        if (fineTuning) strategies = makeStrategies();
        BatchSampler sampler(task.train.size(), phase.batch_size, samplerSeed);
        const int64_t total = phase.steps;
        sink->onPhase(phaseId, total);
        StepPhase sp;
        sp.task = &task;
        sp.sampler = &sampler;
        sp.steps = total;
        sp.optimizer = &phase.optimizer;
        sp.control = control;
        const bool resumePoints =
            fineTuning && cfg.eval.checkpoint_every > 0 && !opts.checkpoint_dir.empty();
        auto resumePointAt = [&](int64_t step) {
            return resumePoints && step % cfg.eval.checkpoint_every == 0 && step != total;
        };
        if (fineTuning) {
            sp.on_knob = [this](const Knob& k, bool applied) {
                if (applied) knobsApplied.push_back(k);
            };
            // A resume point holds every loss up to its step (on a GPU they are read late).
            if (resumePoints) sp.read_at = resumePointAt;
        }
        if (fineTuning && resume) {
            // Continue where the resume point was: the same state as after its step.
            const ResumeState& st = resume->state();
            double lr = phase.optimizer.lr;
            for (const Knob& k : st.knobs) applyKnob(k, lr, *optimizer, strategies.get());
            knobsApplied = st.knobs;
            sampler.restore(st.sampler);
            if (strategies) strategies->restoreReplayState(st.replay);
            resume->restore(*model, *optimizer);  // the generators last
            sp.start_after = st.step;
            sp.base_lr = st.base_lr;
            resume.reset();
        }
        sp.snapshot = [this] {
            if (m_inFineTuning) snapshot();
        };
        sp.event_context = {{"phase", phaseName(phaseId)}};
        sp.where = [phaseId](int64_t step) {
            return std::string("at ") + phaseName(phaseId) + " step " + std::to_string(step);
        };
        where = std::string("during ") + phaseName(phaseId);
        sp.on_losses = [this, fineTuning](const StepLosses& l) {
            std::vector<MetricPoint> losses;
            if (fineTuning) {
                losses.push_back({l.reported, keys::kTrainLoss, l.loss});
                losses.push_back({l.reported, keys::kLr, l.lr});
                if (l.has_penalty && l.penalty != 0.0)
                    losses.push_back({l.reported, keys::kPenalty, l.penalty});
            } else {
                losses.push_back({l.reported, keys::kPreTrainLoss, l.loss});
            }
            sink->onMetrics(losses);
        };
        std::vector<MetricPoint> points;
        runSteps(*model, *optimizer, strategies.get(), sp, sinkEvents(), [&](const StepDone& d) {
            const int64_t step = d.local;
            points.clear();
            if (fineTuning) {
                if (step % cfg.eval.every == 0 || step == total) evalPoints(step, points);
                if (cfg.eval.hessian_every > 0 && step % cfg.eval.hessian_every == 0)
                    hessianPoint(step, points);
                if (cfg.eval.trace_every > 0 && step % cfg.eval.trace_every == 0)
                    tracePoint(step, points);
                if (language && cfg.eval.samples_every > 0 &&
                    (step % cfg.eval.samples_every == 0 || step == total))
                    samples(step);
                if (benchmarks && benchmarks->due(step, total))
                    benchmarks->score(step, *model, *sink, summary);
                summary.steps = step;
            } else {
                if (step % (cfg.eval.every * 5) == 0 || step == total)
                    points.push_back(
                        {step, keys::kPreUpAcc, evaluateSplit(*model, up.test, up.head).acc});
            }
            if (!points.empty()) sink->onMetrics(points);
            sink->onProgress(phaseId, step, total);
            if (fineTuning && cfg.eval.checkpoint_every > 0 &&
                step % cfg.eval.checkpoint_every == 0 && step != total) {
                checkpoint("step-" + std::to_string(step), step);
                recordExampleLosses(step);
                if (resumePointAt(step))
                    writeResumePoint(step, d.base_lr, *optimizer, strategies.get(), sampler);
            }
        });
        return total;
    }

    // A resume point after fine-tuning step `step` (its metrics, checkpoint and example
    // losses are recorded by now), announced by a "resume_point" event once the file is
    // whole. The one before stays (its event is committed for sure: the step checkpoint
    // flushed the store); older ones go.
    void writeResumePoint(int64_t step, double baseLr, torch::optim::Optimizer& optimizer,
                          StrategySet* strategies, const BatchSampler& sampler) {
        ResumeState st;
        st.step = step;
        st.base_lr = baseLr;
        st.knobs = knobsApplied;
        st.sampler = sampler.state();
        st.replay = strategies ? strategies->replayState() : std::string();
        st.threads = torch::get_num_threads();
        st.summary = summary;
        st.summary.wall_seconds = wallSeconds();
        st.tracked = tracked;
        st.loss_before = lossBefore;
        st.replay_indices = replayIndices;
        const fs::path dir(opts.checkpoint_dir);
        writeResumeFile((dir / resumeFileName(step)).string(), st, *model, optimizer,
                        device.device);
        sink->onEvent(step, "resume_point",
                      nlohmann::json{{"step", step}, {"file", resumeFileName(step)}}.dump());
        const int64_t older = step - 2 * cfg.eval.checkpoint_every;
        std::error_code ec;
        if (older > 0) fs::remove(dir / resumeFileName(older), ec);
    }

    // Events of the step loop go to the sink.
    std::function<void(const std::string&, int64_t, const std::string&)> sinkEvents() {
        return [this](const std::string& kind, int64_t step, const std::string& json) {
            sink->onEvent(step, kind, json);
        };
    }

    std::unique_ptr<StrategySet> makeStrategies() {
        std::shared_ptr<ForgetModel> teacher;
        if (cfg.strategies.lwf_lambda > 0) teacher = frozenCopy(*model, cfg.model, heads);
        return std::make_unique<StrategySet>(cfg.strategies, *model, teacher, up,
                                             uint64_t(cfg.seed) * 2654435761ULL + 5,
                                             replayIndices.empty() ? nullptr : &replayIndices);
    }

    // Sharpness and Hessian are measured on a fixed probe of downstream training data.
    LossFn probeLoss() {
        return [this]() { return taskLoss(model->forward(probe.input, down.head), probe.target); };
    }

    void evalPoints(int64_t step, std::vector<MetricPoint>& points) {
        const EvalResult u = evaluateSplit(*model, up.test, up.head);
        const EvalResult d = evaluateSplit(*model, down.test, down.head);
        points.push_back({step, keys::kUpTestLoss, u.loss});
        points.push_back({step, keys::kUpTestAcc, u.acc});
        points.push_back({step, keys::kDownTestLoss, d.loss});
        points.push_back({step, keys::kDownTestAcc, d.acc});
        model->eval();
        const double s =
            samSharpness(trainableParameters(*model), probeLoss(), cfg.eval.sharpness_rho);
        model->train();
        points.push_back({step, keys::kSharpness, s});
        summary.upstream_acc_after = u.acc;
        summary.downstream_acc_after = d.acc;
        summary.upstream_logppl_after = u.loss;
        summary.downstream_logppl_after = d.loss;
        summary.sharpness_last = s;
    }

    void hessianPoint(int64_t step, std::vector<MetricPoint>& points) {
        model->eval();
        const EigenResult r = hessianTopEigenvalues(
            trainableParameters(*model), probeLoss(), cfg.eval.hessian_topk,
            cfg.eval.hessian_max_iters, cfg.eval.hessian_tol, cfg.seed * 7919ULL + uint64_t(step));
        model->train();
        points.push_back({step, keys::kHessianLmax, r.eigenvalues.at(0)});
        for (size_t i = 1; i < r.eigenvalues.size(); ++i)
            points.push_back(
                {step, keys::kHessianPrefix + std::to_string(i + 1), r.eigenvalues[i]});
        summary.hessian_lmax_last = r.eigenvalues.at(0);
    }

    void tracePoint(int64_t step, std::vector<MetricPoint>& points) {
        model->eval();
        const TraceResult t =
            hessianTrace(trainableParameters(*model), probeLoss(), cfg.eval.trace_samples,
                         cfg.seed * 104729ULL + uint64_t(step));
        model->train();
        points.push_back({step, keys::kHessianTrace, t.mean});
        points.push_back({step, keys::kHessianTraceStderr, t.stderr_});
    }

    std::string checkpoint(const std::string& tag, int64_t step) {
        const std::string file = writeCheckpoint(*model, opts.checkpoint_dir, tag, step);
        if (!file.empty()) sink->onCheckpoint(step, tag, file);
        return file;
    }

    void pretrain() {
        if (!opts.pretrained_file.empty()) {
            if (!fs::exists(opts.pretrained_file))
                throw EndRun{status::kFailed, "the pre-trained checkpoint " + opts.pretrained_file +
                                                  " does not exist (deleted or moved?); pick a run "
                                                  "whose checkpoint files are still there"};
            loadIntoModule(*model, loadSafetensors(opts.pretrained_file), opts.pretrained_file);
            summary.upstream_from_cache = true;
            sink->onEvent(
                0, "upstream_checkpoint",
                nlohmann::json{{"file", fs::path(opts.pretrained_file).filename().string()}}
                    .dump());
            return;
        }
        std::string cacheFile;
        // A model folder used as it is (no upstream steps) needs no cached copy of itself.
        const bool folderAsIs =
            language && !cfg.model.checkpoint.empty() && cfg.upstream.steps == 0;
        if (!opts.cache_dir.empty() && !folderAsIs) {
            // Pre-training on a GPU is not bit-identical to the CPU's, so its cache entry is
            // kept apart (the CPU's name is unchanged).
            const std::string where =
                device.cuda() || cfg.precision != "fp32" ? "-cuda-" + cfg.precision : "";
            cacheFile = (fs::path(opts.cache_dir) /
                         ("upstream-" + upstreamHash(cfg) + where + ".safetensors"))
                            .string();
            if (fs::exists(cacheFile)) {
                try {
                    loadIntoModule(*model, loadSafetensors(cacheFile), cacheFile);
                    summary.upstream_from_cache = true;
                    sink->onEvent(0, "upstream_cache",
                                  nlohmann::json{{"hit", true},
                                                 {"file", fs::path(cacheFile).filename().string()}}
                                      .dump());
                    return;
                } catch (const std::exception& e) {
                    // A damaged cache entry is not fatal: retrain and overwrite it.
                    sink->onEvent(0, "upstream_cache",
                                  nlohmann::json{{"hit", false}, {"error", e.what()}}.dump());
                }
            }
        }
        if (language && !cfg.model.checkpoint.empty()) {
            // A Hugging Face model folder is the starting point; upstream.steps (often 0)
            // train it further on the upstream text.
            auto& lm = static_cast<LanguageModel&>(*model);
            loadHfWeights(lm, cfg.model.checkpoint);
            const nlohmann::json event = {{"dir", cfg.model.checkpoint},
                                          {"family", lm.architecture().family},
                                          {"parameters", parameterCount(lm.architecture())},
                                          {"tokenizer", tok.kind}};
            sink->onEvent(0, "hf_checkpoint", event.dump());
        }
        trainPhase(up, cfg.upstream, Phase::Upstream,
                   uint64_t(cfg.upstreamSeed()) * 1000003ULL + 11, false);
        if (!cacheFile.empty()) {
            fs::create_directories(opts.cache_dir);
            saveSafetensors(cacheFile, moduleTensors(*model),
                            {{"upstream_hash", upstreamHash(cfg)}});
        }
    }

    void execute() {
        sink->onPhase(Phase::Preparing, 0);
        ExperimentTasks tasks = buildExperimentTasks(cfg);
        up = std::move(tasks.up);
        down = std::move(tasks.down);
        placeTask(up, device);
        placeTask(down, device);
        heads = tasks.heads;
        tokenizer = tasks.tokenizer;
        tok = tasks.tok;
        language = isLanguageModel(cfg);
        if (language) {
            tokenizePrompts();
            benchmarks = std::make_unique<BenchmarkTracker>(cfg, tok, up);
            summary.truncated_examples = up.truncated + down.truncated;
            summary.dropped_examples = up.dropped + down.dropped;
            if (!resuming()) sink->onEvent(0, "data", dataEventJson(up, down));
        }
        const int64_t np = std::min<int64_t>(cfg.eval.probe_size, down.train.size());
        probe = DataSplit{down.train.input.slice(0, 0, np).to(device.device),
                          down.train.target.slice(0, 0, np).to(device.device)};
        // The initial weights are the pre-training's: its seed.
        torch::manual_seed(cfg.upstreamSeed());
        model = buildModel(cfg.model, heads, tasks.input);  // on the CPU: the same on any device
        placeModel(*model, device);

        if (resuming()) {
            prepareResume();
        } else {
            pretrain();
            checkpoint("pretrained", 0);
            stepZero();
        }
        if (language && cfg.model.lora_rank > 0) enableRunLora(*model, cfg, *sink, !resuming());
        summary.trainable_parameters = 0;
        for (const auto& p : trainableParameters(*model)) summary.trainable_parameters += p.numel();
        torch::manual_seed(cfg.seed + 1);
        m_inFineTuning = true;
        try {
            trainPhase(down, cfg.downstream, Phase::Downstream,
                       uint64_t(cfg.seed) * 1000003ULL + 23, true);
        } catch (const EndRun& end) {
            if (end.status == status::kStopped) {
                finalEval();
                checkpoint("final", summary.steps);
                recordExampleLosses(summary.steps);
            }
            throw;
        }
        finalEval();
        checkpoint("final", summary.steps);
        recordExampleLosses(summary.steps);
    }

    // A resumed run's set-up: the run's pre-trained weights instead of pre-training, and
    // from the resume point what step 0 measured and chose (tracked examples, their losses,
    // targeted replay's buffer) and the summary so far; nothing is recorded again.
    void prepareResume() {
        if (cfg.sequence.tasks > 0)
            throw EndRun{status::kFailed, "a task sequence cannot be resumed"};
        resume = std::make_unique<ResumeFile>(opts.resume_file, device.device);
        if (opts.pretrained_file.empty() || !fs::exists(opts.pretrained_file))
            throw EndRun{status::kFailed,
                         "the run's pre-trained checkpoint " + opts.pretrained_file +
                             " does not exist (deleted or moved?), so it cannot be resumed"};
        loadIntoModule(*model, loadSafetensors(opts.pretrained_file), opts.pretrained_file);
        const ResumeState& st = resume->state();
        // The interrupted run's thread count: on the CPU, results depend on it.
        if (st.threads > 0) torch::set_num_threads(st.threads);
        summary = st.summary;
        wallBefore = st.summary.wall_seconds;
        tracked = st.tracked;
        lossBefore = st.loss_before;
        replayIndices = st.replay_indices;
        sink->onEvent(st.step, "resumed",
                      nlohmann::json{{"from_step", st.step}, {"device", device.name}}.dump());
    }

    // Fine-tuning's step 0 (the pre-trained model): evaluations, samples, the tracked
    // examples' losses and targeted replay's choice.
    void stepZero() {
        std::vector<MetricPoint> points;
        evalPoints(0, points);
        if (cfg.eval.hessian_every > 0) hessianPoint(0, points);
        if (cfg.eval.trace_every > 0) tracePoint(0, points);
        summary.upstream_acc_before = summary.upstream_acc_after;
        summary.upstream_logppl_before = summary.upstream_logppl_after;
        summary.language = language;
        sink->onMetrics(points);
        if (language && cfg.eval.samples_every > 0) samples(0);
        if (benchmarks) benchmarks->score(0, *model, *sink, summary);
        if (cfg.eval.example_losses > 0) {
            tracked = trackedExampleIndices(up.train.size(), cfg.eval.example_losses, cfg.seed);
            lossBefore = exampleLosses(*model, up.train, tracked, up.head);
            summary.examples_tracked = static_cast<int64_t>(tracked.size());
            sink->onExampleLosses(0, lossBefore);
        }
        if (cfg.strategies.replay_ratio > 0 && cfg.strategies.replay_select == "targeted")
            chooseTargetedReplay();
    }

    // Losses of the tracked examples now; the summary's per-example forgetting follows the
    // latest call.
    void recordExampleLosses(int64_t step) {
        if (tracked.empty()) return;
        const std::vector<float> now = exampleLosses(*model, up.train, tracked, up.head);
        sink->onExampleLosses(step, now);
        double sum = 0;
        int64_t forgotten = 0;
        for (size_t j = 0; j < now.size(); ++j) {
            const double z = double(now[j]) - double(lossBefore[j]);
            sum += z;
            forgotten += z > 0;
        }
        summary.example_forgetting_mean = now.empty() ? 0.0 : sum / double(now.size());
        summary.example_forgotten_fraction =
            now.empty() ? 0.0 : double(forgotten) / double(now.size());
    }

    // Targeted replay's choice of replay examples (engine/train/targeted_replay.cpp).
    void chooseTargetedReplay() {
        const TargetedReplayChoice c =
            selectTargetedReplay(cfg, opts.replay_reference.get(), *model, up, down, tracked,
                                 lossBefore, control, sinkEvents());
        replayIndices = c.indices;
        sink->onEvent(0, "targeted_replay", c.event_json);
        summary.replay_selection = c.event_json;
    }

    // Checks that every prompt fits the context (in tokens; bpe prompts are only known here).
    void tokenizePrompts() {
        promptIds.clear();
        for (size_t i = 0; i < cfg.eval.samples_prompts.size(); ++i) {
            std::vector<int64_t> ids = forgetlab::promptIds(tok, cfg.eval.samples_prompts[i]);
            if (cfg.eval.samples_every > 0 && int64_t(ids.size()) >= cfg.model.context)
                throw EndRun{status::kFailed,
                             "eval.samples.prompts[" + std::to_string(i) + "] is " +
                                 std::to_string(ids.size()) + " tokens but the context is " +
                                 std::to_string(cfg.model.context) + ": shorten the prompt"};
            promptIds.push_back(std::move(ids));
        }
    }

    // Live samples: each prompt continued greedily and (temperature > 0) by sampling,
    // recorded as a "samples" event {"step", "samples": [{"prompt", "greedy", "sampled"}]}.
    void samples(int64_t step) {
        auto& gpt = static_cast<LanguageModel&>(*model);
        const bool wasTraining = gpt.is_training();
        gpt.eval();
        nlohmann::json list = nlohmann::json::array();
        for (size_t i = 0; i < promptIds.size(); ++i) {
            auto text = [&](double temperature) {
                const std::vector<int64_t> ids = gpt.generate(
                    promptIds[i], cfg.eval.samples_tokens, temperature,
                    uint64_t(cfg.seed) * 6364136223846793005ULL + uint64_t(step) * 31 + i,
                    tokenizer->vocabSize());
                return sanitizeUtf8(tokenizer->decode(std::vector<int>(ids.begin(), ids.end())));
            };
            nlohmann::json one = {{"prompt", sanitizeUtf8(cfg.eval.samples_prompts[i])},
                                  {"greedy", text(0.0)}};
            if (cfg.eval.samples_temperature > 0)
                one["sampled"] = text(cfg.eval.samples_temperature);
            list.push_back(std::move(one));
        }
        gpt.train(wasTraining);
        sink->onEvent(
            step, "samples",
            nlohmann::json{
                {"step", step}, {"temperature", cfg.eval.samples_temperature}, {"samples", list}}
                .dump());
    }

    // Makes sure the summary's "after" values describe the last step done.
    void finalEval() {
        if (summary.steps == 0) return;
        if (benchmarks) benchmarks->score(summary.steps, *model, *sink, summary);
        const bool evaluated =
            summary.steps % cfg.eval.every == 0 || summary.steps == cfg.downstream.steps;
        if (evaluated) return;
        std::vector<MetricPoint> points;
        evalPoints(summary.steps, points);
        sink->onMetrics(points);
    }
};

Runner::Runner(ExperimentConfig config, RunnerOptions options) : m_impl(std::make_unique<Impl>()) {
    m_impl->cfg = std::move(config);
    m_impl->opts = std::move(options);
}

Runner::~Runner() = default;

RunSummary Runner::run(MetricSink& sink, RunControl& control) {
    Impl& im = *m_impl;
    im.sink = &sink;
    im.control = &control;
    im.summary = RunSummary{};
    im.started = Clock::now();
    try {
        im.device = setUpDevice(im.cfg, im.opts);
        // Where it ran: device, name, precision and versions (on CUDA: driver, runtime); a
        // resumed run says so in its "resumed" event.
        if (!im.resuming())
            sink.onEvent(0, "device", deviceRecordJson(im.device.name, im.device.precision));
        if (im.cfg.sequence.tasks > 0) {
            runSequence(im.cfg, im.opts, im.device, sink, control, im.summary);
        } else {
            im.execute();
        }
        im.summary.status = status::kDone;
    } catch (const EndRun& end) {
        im.summary.status = end.status;
        im.summary.error = end.error;
    } catch (const DataError& e) {
        im.summary.status = status::kFailed;
        im.summary.error = e.what();
    } catch (const c10::Error& e) {
        im.summary.status = status::kFailed;
        im.summary.error = compat::isOutOfMemory(e) ? outOfMemoryMessage(e, im.outOfMemoryWhere())
                                                    : e.what_without_backtrace();
    } catch (const std::bad_alloc& e) {
        im.summary.status = status::kFailed;
        im.summary.error = outOfMemoryMessage(e, im.outOfMemoryWhere());
    } catch (const std::exception& e) {
        im.summary.status = status::kFailed;
        im.summary.error = e.what();
    }
    if (im.summary.accuracy_matrix.empty())
        im.summary.forgetting = im.summary.upstream_acc_before - im.summary.upstream_acc_after;
    if (im.summary.language)
        im.summary.forgetting_logppl =
            im.summary.upstream_logppl_after - im.summary.upstream_logppl_before;
    im.summary.wall_seconds = im.wallSeconds();
    // A run that ended for good needs no resume points any more (they are large).
    if ((im.summary.status == status::kDone || im.summary.status == status::kDiverged) &&
        !im.opts.checkpoint_dir.empty())
        removeResumeFiles(im.opts.checkpoint_dir);
    sink.onPhase(Phase::Finished, im.summary.steps);
    return im.summary;
}

}  // namespace forgetlab
