#include "engine/sessions/run_session.h"

#include <filesystem>

#include <nlohmann/json.hpp>

#include "engine/core/devices.h"
#include "engine/sessions/forgetting_sweep.h"
#include "engine/train/runner.h"

namespace forgetlab {
namespace fs = std::filesystem;

RunSummary runAndRecord(const ExperimentConfig& requested, Store& store, RunControl& control,
                        MetricSink* live, const SessionOptions& options) {
    // The run keeps the device it resolved to ("auto" becomes "cpu" or "cuda:N"), in its
    // configuration and its device column, so the record says where it ran.
    ExperimentConfig config = requested;
    if (const DeviceChoice d = resolveDevice(config.device); d.ok()) config.device = d.device;
    const int64_t runId = store.createRun(config.name, configToJson(config), config.seed,
                                          config.device, runtimeVersions());
    if (options.on_run_created) options.on_run_created(runId);

    RunnerOptions ro;
    ro.cache_dir = (fs::path(store.directory()) / "cache").string();
    ro.checkpoint_dir = store.runCheckpointDir(runId);
    ro.num_threads = options.num_threads;

    // Targeted replay completes a stored forgetting matrix; one that cannot be used fails
    // the run before any training, with the reason.
    std::string setupError;
    if (config.strategies.replay_ratio > 0 && config.strategies.replay_select == "targeted") {
        try {
            const MatrixInfo info = store.matrixInfo(config.strategies.replay_matrix);
            const auto swept = nlohmann::json::parse(info.config_json, nullptr, false);
            if (swept.is_object() && swept.contains("upstream_hash") &&
                swept["upstream_hash"] != upstreamHash(config))
                throw StoreError("forgetting matrix #" + std::to_string(info.id) +
                                 " was swept from another pre-trained model (the seed, model or "
                                 "upstream task differ), so its columns are other examples: sweep "
                                 "from a run with this configuration and seed");
            ro.replay_reference = std::make_shared<ForgetMatrix>(
                loadStoredMatrix(store, config.strategies.replay_matrix));
            if (ro.replay_reference->rows < 2)
                setupError = "forgetting matrix #" + std::to_string(info.id) + " has " +
                             std::to_string(ro.replay_reference->rows) +
                             " finished rows; targeted replay needs at least 2 (finish its sweep)";
        } catch (const StoreError& e) {
            setupError = e.what();
        }
    }

    return recordIntoRun(store, runId, config, ro, control, live, options.flush_interval_ms,
                         setupError);
}

RunSummary recordIntoRun(Store& store, int64_t runId, const ExperimentConfig& config,
                         const RunnerOptions& runnerOptions, RunControl& control, MetricSink* live,
                         int flushIntervalMs, const std::string& setupError) {
    StoreSink storeSink(store, runId, flushIntervalMs);
    std::vector<MetricSink*> sinks = {&storeSink};
    if (live) sinks.push_back(live);
    TeeSink tee(sinks);

    RunSummary summary;
    if (setupError.empty()) {
        Runner runner(config, runnerOptions);
        summary = runner.run(tee, control);
    } else {
        summary.status = status::kFailed;
        summary.error = setupError;
    }
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
