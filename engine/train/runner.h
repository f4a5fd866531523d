#pragma once
// Runner: runs one experiment (upstream pre-training or its cached checkpoint, then
// fine-tuning) on the calling thread, reporting to a MetricSink and obeying a RunControl.

#include <memory>
#include <string>

#include "engine/core/config.h"
#include "engine/forgetting/forgetting_matrix.h"
#include "engine/core/run_control.h"
#include "engine/core/run_types.h"

namespace forgetlab {

struct RunnerOptions {
    std::string cache_dir;       // upstream checkpoint cache (created if missing); "" = no cache
    std::string checkpoint_dir;  // where this run's checkpoints go; "" = none written
    int num_threads = 0;         // torch intra-op threads, 0 = leave as is
    // Start fine-tuning from these weights (a run's "pretrained" safetensors checkpoint)
    // instead of pre-training or the cache; a missing or mismatched file fails the run.
    std::string pretrained_file;
    // Resume a run: go on fine-tuning from this resume point (resume-step-N.pt in the run's
    // checkpoint folder, engine/train/internal/resume_state.h) after set-up from
    // pretrained_file, the run's "pretrained" checkpoint. Nothing up to step N is recorded
    // again; steps N+1.. continue the run's series.
    std::string resume_file;
    // The stored forgetting matrix targeted replay completes (strategies.replay.select =
    // "targeted"); its columns must be this config's tracked upstream examples.
    std::shared_ptr<const ForgetMatrix> replay_reference;
};

class Runner {
public:
    Runner(ExperimentConfig config, RunnerOptions options);
    ~Runner();
    Runner(const Runner&) = delete;
    Runner& operator=(const Runner&) = delete;

    // Blocking. Never throws: failures come back as status "failed" with an error text.
    RunSummary run(MetricSink& sink, RunControl& control);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace forgetlab
