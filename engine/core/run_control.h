#pragma once
// RunControl: what another thread may ask of a running Runner between two steps.
// Pause/resume/step/stop are atomics; live knobs go through a small locked queue.

#include <atomic>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "engine/core/cancel_token.h"
#include "engine/core/names.h"

namespace forgetlab {

struct Knob {
    std::string name;  // one of knobs:: (engine/core/names.h)
    double value = 0.0;
};

class RunControl {
public:
    RunControl() = default;
    // A run that stops when `stop` is cancelled (e.g. the CLI's interrupt token).
    explicit RunControl(CancelToken stop) : m_stop(std::move(stop)) {}

    void requestStop() { m_stop.cancel(); }
    void setPaused(bool paused) { m_paused = paused; }
    // While paused, performs exactly one more step.
    void requestStep() { m_stepRequests.fetch_add(1); }
    // Asks the runner to write a "snapshot" checkpoint of the current weights before its
    // next step (reported through MetricSink::onCheckpoint), e.g. to analyse a live run.
    void requestSnapshot() { m_snapshot = true; }
    bool takeSnapshotRequest() { return m_snapshot.exchange(false); }
    void setKnob(const std::string& name, double value) {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_knobs.push_back({name, value});
    }

    bool stopRequested() const { return m_stop.cancelled(); }
    // Stop as a CancelToken, for jobs a run starts that poll a cancel flag.
    const CancelToken& stopToken() const { return m_stop; }
    bool paused() const { return m_paused.load(); }
    // Consumes one step request if there is one.
    bool takeStepRequest() {
        int n = m_stepRequests.load();
        while (n > 0) {
            if (m_stepRequests.compare_exchange_weak(n, n - 1)) return true;
        }
        return false;
    }
    std::vector<Knob> takeKnobs() {
        std::lock_guard<std::mutex> lock(m_mutex);
        std::vector<Knob> out;
        out.swap(m_knobs);
        return out;
    }

private:
    CancelToken m_stop;
    std::atomic<bool> m_paused{false};
    std::atomic<int> m_stepRequests{0};
    std::atomic<bool> m_snapshot{false};
    std::mutex m_mutex;
    std::vector<Knob> m_knobs;
};

}  // namespace forgetlab
