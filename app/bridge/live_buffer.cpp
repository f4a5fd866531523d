#include "app/bridge/live_buffer.h"

namespace forgetlab::app {

namespace {
// Rate window: long enough to smooth evaluation pauses, short enough to follow knob changes.
constexpr auto kRateWindow = std::chrono::seconds(3);
}  // namespace

void LiveBuffer::reset() {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_points.clear();
    m_events.clear();
    m_checkpoints.clear();
    m_phase = Phase::Preparing;
    m_step = m_total = m_fineTuningSteps = 0;
    m_phaseChanged = true;
    m_history.clear();
    m_historyPhase = Phase::Preparing;
}

void LiveBuffer::onPhase(Phase phase, int64_t totalSteps) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_phase = phase;
    m_step = 0;
    m_total = totalSteps;
    if (phase == Phase::Downstream) m_fineTuningSteps = totalSteps;
    m_phaseChanged = true;
}

void LiveBuffer::onMetrics(const std::vector<MetricPoint>& points) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_points.insert(m_points.end(), points.begin(), points.end());
}

void LiveBuffer::onEvent(int64_t step, const std::string& kind, const std::string& json) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_events.push_back({step, kind, json});
}

void LiveBuffer::onProgress(Phase phase, int64_t step, int64_t total) {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (phase != m_phase) m_phaseChanged = true;
    m_phase = phase;
    m_step = step;
    m_total = total;
    if (phase == Phase::Downstream) m_fineTuningSteps = total;
}

void LiveBuffer::onCheckpoint(int64_t step, const std::string& tag, const std::string& file) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_checkpoints.push_back({step, tag, file});
}

std::vector<LiveCheckpoint> LiveBuffer::checkpoints() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_checkpoints;
}

Phase LiveBuffer::phase() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_phase;
}

LiveSnapshot LiveBuffer::take() {
    LiveSnapshot s;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        s.points.swap(m_points);
        s.events.swap(m_events);
        s.phase = m_phase;
        s.step = m_step;
        s.total = m_total;
        s.fineTuningSteps = m_fineTuningSteps;
        s.phaseChanged = m_phaseChanged;
        m_phaseChanged = false;
    }
    const Clock::time_point now = Clock::now();
    if (s.phase != m_historyPhase || (!m_history.empty() && s.step < m_history.back().second)) {
        m_history.clear();
        m_historyPhase = s.phase;
    }
    m_history.emplace_back(now, s.step);
    while (m_history.size() > 2 && now - m_history.front().first > kRateWindow)
        m_history.pop_front();
    const double seconds = std::chrono::duration<double>(now - m_history.front().first).count();
    const int64_t steps = s.step - m_history.front().second;
    if (seconds > 0.25 && steps > 0) {
        s.stepsPerSecond = steps / seconds;
        if (s.total > 0) s.etaSeconds = static_cast<double>(s.total - s.step) / s.stepsPerSecond;
    }
    return s;
}

}  // namespace forgetlab::app
