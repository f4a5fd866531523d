#include "engine/sessions/run_resume.h"

#include <algorithm>
#include <filesystem>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/core/config.h"
#include "engine/core/names.h"
#include "engine/sessions/run_session.h"
#include "engine/train/runner.h"

namespace forgetlab {
namespace fs = std::filesystem;

namespace {

constexpr const char* kResumePointEvent = "resume_point";

// The file a "resume_point" event names, in the run's checkpoint folder ("" if unreadable).
std::string resumePointFile(Store& store, int64_t runId, const EventRow& e) {
    const auto j = nlohmann::json::parse(e.json, nullptr, false);
    if (!j.is_object() || !j.contains("file") || !j["file"].is_string()) return {};
    return (fs::path(store.runCheckpointDir(runId)) / j["file"].get<std::string>()).string();
}

// What resuming from step N takes back in the store, besides everything after step N.
RunRewind rewindTo(const ExperimentConfig& config, int64_t step) {
    RunRewind rewind;
    rewind.step = step;
    // Knobs recorded at step N were taken after the point (they apply from step N+1).
    rewind.event_kinds_at_step = {"knob"};
    // A stop at step N itself added its final checkpoint and, off the evaluation cadence,
    // an evaluation at step N.
    rewind.checkpoint_tags = {"final"};
    if (step % config.eval.every != 0)
        rewind.metric_keys_at_step = {keys::kUpTestLoss, keys::kUpTestAcc, keys::kDownTestLoss,
                                      keys::kDownTestAcc, keys::kSharpness};
    return rewind;
}

}  // namespace

std::vector<MetricPoint> keptOnResume(Store& store, int64_t runId, const ResumePoint& point) {
    const RunRewind rewind =
        rewindTo(parseStoredConfig(store.run(runId).config_json).config, point.step);
    std::vector<MetricPoint> kept;
    for (MetricPoint& p : store.metrics(runId)) {
        if (p.step > rewind.step) continue;
        if (p.step == rewind.step &&
            std::find(rewind.metric_keys_at_step.begin(), rewind.metric_keys_at_step.end(),
                      p.key) != rewind.metric_keys_at_step.end())
            continue;
        kept.push_back(std::move(p));
    }
    return kept;
}

bool isResumableStatus(const std::string& s) {
    return s == status::kInterrupted || s == status::kFailed || s == status::kStopped;
}

std::string resumeRefusal(Store& store, int64_t runId, ResumePoint* point) {
    RunInfo info;
    try {
        info = store.run(runId);
    } catch (const StoreError& e) {
        return e.what();
    }
    const std::string run = "run #" + std::to_string(runId);
    if (info.status == status::kRunning)
        return run + " is still running (process " + std::to_string(info.pid) +
               "); stop it first, or wait for it to end";
    if (info.status == status::kDone)
        return run + " is done: it trained all its steps, so there is nothing to resume";
    if (info.status == status::kDiverged)
        return run +
               " diverged, and resuming it would diverge again: start a new run with a "
               "smaller learning rate";
    if (!isResumableStatus(info.status))
        return run + " has status '" + info.status +
               "'; only interrupted, failed or stopped runs can be resumed";
    const ConfigParseResult parsed = parseStoredConfig(info.config_json);
    if (!parsed.ok())
        return "the stored configuration of " + run + " cannot be read:\n" +
               formatErrors(parsed.errors);
    const ExperimentConfig& cfg = parsed.config;
    if (cfg.sequence.tasks > 0)
        return run +
               " is a task sequence (sequence.tasks), which cannot be resumed yet: start it "
               "again";
    const std::vector<EventRow> points = store.events(runId, kResumePointEvent);
    if (points.empty()) {
        if (cfg.eval.checkpoint_every <= 0)
            return run +
                   " has no resume point: it ran without eval.checkpoint_every; set "
                   "eval.checkpoint_every (e.g. 100) so that fine-tuning writes resume points, "
                   "and start it again";
        return run + " has no resume point: it ended before fine-tuning step " +
               std::to_string(cfg.eval.checkpoint_every) +
               ", the first one (eval.checkpoint_every); start it again";
    }
    // The latest resume point whose file is there (a run keeps the last two files).
    ResumePoint found;
    bool any = false;
    int64_t latestStep = -1;
    std::string latestFile;
    for (const EventRow& e : points) {
        const std::string file = resumePointFile(store, runId, e);
        if (e.step >= latestStep) {
            latestStep = e.step;
            latestFile = file;
        }
        if (file.empty() || !fs::exists(file)) continue;
        if (!any || e.step >= found.step) {
            found.step = e.step;
            found.file = file;
            any = true;
        }
    }
    if (!any)
        return "the resume points of " + run + " are missing (deleted or moved?); the last was " +
               latestFile;
    for (const CheckpointRow& c : store.checkpoints(runId))
        if (c.tag == "pretrained") found.pretrained = store.checkpointPath(c);
    if (found.pretrained.empty() || !fs::exists(found.pretrained))
        return "the pre-trained checkpoint of " + run + " is missing (" +
               (found.pretrained.empty() ? std::string("never recorded") : found.pretrained) +
               "), so it cannot be resumed";
    if (point) *point = found;
    return {};
}

RunSummary resumeAndRecord(Store& store, int64_t runId, RunControl& control, MetricSink* live,
                           const SessionOptions& options) {
    ResumePoint point;
    if (const std::string why = resumeRefusal(store, runId, &point); !why.empty())
        throw ResumeRefused(why);
    const ExperimentConfig config = parseStoredConfig(store.run(runId).config_json).config;

    // What the run recorded after the point goes, in one transaction; then the files.
    const RunRewind rewind = rewindTo(config, point.step);
    std::vector<std::string> files;
    for (const EventRow& e : store.events(runId, kResumePointEvent))
        if (e.step > point.step) files.push_back(resumePointFile(store, runId, e));
    for (const std::string& f : store.rewindRun(runId, rewind)) files.push_back(f);
    std::error_code ec;
    for (const std::string& f : files)
        if (!f.empty()) fs::remove(f, ec);
    if (options.on_run_created) options.on_run_created(runId);

    RunnerOptions ro;
    ro.checkpoint_dir = store.runCheckpointDir(runId);
    ro.num_threads = options.num_threads;
    ro.pretrained_file = point.pretrained;
    ro.resume_file = point.file;

    return recordIntoRun(store, runId, config, ro, control, live, options.flush_interval_ms);
}

}  // namespace forgetlab
