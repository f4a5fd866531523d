#include <chrono>
#include <fstream>
#include <iomanip>
#include <map>

#include "engine/store/store.h"

namespace forgetlab {

namespace {
int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}
}  // namespace

StoreSink::StoreSink(Store& store, int64_t runId, int flushIntervalMs)
    : m_store(store), m_runId(runId), m_flushMs(flushIntervalMs), m_lastFlushMs(nowMs()) {}

StoreSink::~StoreSink() {
    try {
        flush();
    } catch (...) {
        // Destructors must not throw; the caller flushes explicitly to see errors.
    }
}

void StoreSink::onPhase(Phase, int64_t) {
    flush();
}

void StoreSink::onMetrics(const std::vector<MetricPoint>& points) {
    m_pending.insert(m_pending.end(), points.begin(), points.end());
    maybeFlush();
}

void StoreSink::onEvent(int64_t step, const std::string& kind, const std::string& json) {
    m_pendingEvents.push_back({step, kind, json});
    maybeFlush();
}

void StoreSink::onCheckpoint(int64_t step, const std::string& tag, const std::string& file) {
    flush();
    m_store.addCheckpoint(m_runId, step, tag, file);
}

void StoreSink::onExampleLosses(int64_t step, const std::vector<float>& losses) {
    flush();
    m_store.saveExampleLosses(m_runId, step, losses);
}

void StoreSink::maybeFlush() {
    if (nowMs() - m_lastFlushMs >= m_flushMs) flush();
}

void StoreSink::flush() {
    m_lastFlushMs = nowMs();
    if (m_pending.empty() && m_pendingEvents.empty()) return;
    // One transaction for the whole batch: metrics and events land together or not at all.
    m_store.appendBatch(m_runId, m_pending, m_pendingEvents);
    m_pending.clear();
    m_pendingEvents.clear();
}

void TeeSink::onPhase(Phase phase, int64_t totalSteps) {
    for (auto* s : m_sinks) s->onPhase(phase, totalSteps);
}
void TeeSink::onMetrics(const std::vector<MetricPoint>& points) {
    for (auto* s : m_sinks) s->onMetrics(points);
}
void TeeSink::onEvent(int64_t step, const std::string& kind, const std::string& json) {
    for (auto* s : m_sinks) s->onEvent(step, kind, json);
}
void TeeSink::onCheckpoint(int64_t step, const std::string& tag, const std::string& file) {
    for (auto* s : m_sinks) s->onCheckpoint(step, tag, file);
}
void TeeSink::onExampleLosses(int64_t step, const std::vector<float>& losses) {
    for (auto* s : m_sinks) s->onExampleLosses(step, losses);
}
void TeeSink::onProgress(Phase phase, int64_t step, int64_t total) {
    for (auto* s : m_sinks) s->onProgress(phase, step, total);
}

void exportRunCsv(Store& store, int64_t runId, const std::string& csvPath) {
    const RunInfo info = store.run(runId);  // throws for an unknown run
    const auto points = store.metrics(runId);
    std::ofstream out(csvPath, std::ios::trunc);
    if (!out)
        throw StoreError("cannot write " + csvPath + ": check the folder exists and is writable");
    out << "run,step,key,value\n";
    out << std::setprecision(17);
    for (const auto& p : points)
        out << info.id << ',' << p.step << ',' << p.key << ',' << p.value << '\n';
    out.flush();
    if (!out) throw StoreError("writing " + csvPath + " failed (disk full?)");
}

}  // namespace forgetlab
