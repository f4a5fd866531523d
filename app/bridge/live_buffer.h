#pragma once
// LiveBuffer: hands a running experiment's metrics from the training thread to the GUI.
// The worker appends under a mutex (MetricSink callbacks); the GUI pulls everything new
// with take() from a timer (at most ~30 Hz), so there is never one signal per point and
// the worker never waits for the GUI. It also tracks phase and progress and estimates
// steps/s and the time left from the steps seen between pulls. Checkpoints the run
// writes (pre-trained, periodic, live snapshots, final) are kept for the whole run, so
// an analysis can wait for the snapshot it asked for. Events (samples a language model
// wrote, knob changes, ...) are handed out like the points.

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "engine/core/run_types.h"

namespace forgetlab::app {

// One event of the run (MetricSink::onEvent): e.g. kind "samples" with the text a language
// model wrote at that step.
struct LiveEvent {
    int64_t step = 0;
    std::string kind;
    std::string json;
};

struct LiveSnapshot {
    std::vector<MetricPoint> points;  // new since the last take(), in arrival order
    std::vector<LiveEvent> events;    // new since the last take(), in arrival order
    Phase phase = Phase::Preparing;
    int64_t step = 0;             // progress within the phase
    int64_t total = 0;            // steps of the phase
    int64_t fineTuningSteps = 0;  // total of the downstream phase, once known
    double stepsPerSecond = 0;    // 0 while unknown (or paused)
    double etaSeconds = -1;       // < 0 while unknown
    bool phaseChanged = false;    // since the last take()
};

struct LiveCheckpoint {
    int64_t step = 0;
    std::string tag;   // "pretrained" | "step-N" | "snapshot-N" | "final"
    std::string file;  // absolute path of the safetensors file
};

class LiveBuffer : public MetricSink {
public:
    // Forgets everything (before a new run).
    void reset();

    // MetricSink, called on the worker thread.
    void onPhase(Phase phase, int64_t totalSteps) override;
    void onMetrics(const std::vector<MetricPoint>& points) override;
    void onEvent(int64_t step, const std::string& kind, const std::string& json) override;
    void onProgress(Phase phase, int64_t step, int64_t total) override;
    // Called after the store recorded the checkpoint (the store sink comes first).
    void onCheckpoint(int64_t step, const std::string& tag, const std::string& file) override;

    // GUI thread: moves out the new points and returns the current progress.
    LiveSnapshot take();
    // Any thread: every checkpoint of the current run so far, in order.
    std::vector<LiveCheckpoint> checkpoints() const;
    Phase phase() const;

private:
    using Clock = std::chrono::steady_clock;

    mutable std::mutex m_mutex;
    std::vector<MetricPoint> m_points;
    std::vector<LiveEvent> m_events;
    std::vector<LiveCheckpoint> m_checkpoints;
    Phase m_phase = Phase::Preparing;
    int64_t m_step = 0;
    int64_t m_total = 0;
    int64_t m_fineTuningSteps = 0;
    bool m_phaseChanged = false;

    // Only touched by take() (GUI thread): recent (time, step) samples for the rate.
    std::deque<std::pair<Clock::time_point, int64_t>> m_history;
    Phase m_historyPhase = Phase::Preparing;
};

}  // namespace forgetlab::app
