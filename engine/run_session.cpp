#include "engine/run_session.h"

#include <filesystem>

#include "engine/runner.h"

namespace forgetlab {
namespace fs = std::filesystem;

RunSummary runAndRecord(const ExperimentConfig& config, Store& store, RunControl& control,
                        MetricSink* live, const SessionOptions& options) {
    const int64_t runId = store.createRun(config.name, configToJson(config), config.seed, config.device);
    if (options.on_run_created) options.on_run_created(runId);

    RunnerOptions ro;
    ro.cache_dir = (fs::path(store.directory()) / "cache").string();
    ro.checkpoint_dir = (fs::path(store.directory()) / "checkpoints" / ("run-" + std::to_string(runId))).string();
    ro.num_threads = options.num_threads;

    StoreSink storeSink(store, runId, options.flush_interval_ms);
    std::vector<MetricSink*> sinks = {&storeSink};
    if (live) sinks.push_back(live);
    TeeSink tee(sinks);

    Runner runner(config, ro);
    RunSummary summary = runner.run(tee, control);
    summary.run_id = runId;
    try {
        storeSink.flush();
    } catch (const StoreError& e) {
        // The database stopped accepting writes (disk full, file removed): keep what was
        // committed and report it rather than losing the summary silently.
        summary.status = status::kFailed;
        summary.error = std::string("could not record the last metrics: ") + e.what();
    }
    store.finishRun(runId, summary.status, summaryToJson(summary));
    return summary;
}

}  // namespace forgetlab
