#include "ui/live/refresh_budget.h"

#include <QtGlobal>
#include <algorithm>
#include <chrono>
#include <cmath>
#ifdef Q_OS_UNIX
#include <ctime>
#endif

namespace forgetlab::ui {

double threadCpuMilliseconds() {
#if defined(Q_OS_UNIX) && defined(CLOCK_THREAD_CPUTIME_ID)
    timespec ts{};
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0)
        return 1e3 * static_cast<double>(ts.tv_sec) + 1e-6 * static_cast<double>(ts.tv_nsec);
#endif
    using namespace std::chrono;
    return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

RefreshBudget::RefreshBudget(double cpuShare, int minMs, int maxMs)
    : m_share(cpuShare > 0 ? std::min(cpuShare, 1.0) : 1.0),
      m_min(std::max(1, minMs)),
      m_max(std::max(m_min, maxMs)),
      m_interval(m_min) {}

int RefreshBudget::record(double costMs) {
    if (!std::isfinite(costMs) || costMs < 0) return m_interval;
    m_smoothed = costMs >= m_smoothed ? costMs : kWeight * costMs + (1 - kWeight) * m_smoothed;
    const double wanted = std::ceil(m_smoothed / m_share);
    m_interval = static_cast<int>(std::clamp(wanted, double(m_min), double(m_max)));
    return m_interval;
}

int RefreshBudget::tick() {
    const double now = threadCpuMilliseconds();
    const double last = m_lastCpuMs;
    m_lastCpuMs = now;
    return last < 0 ? m_interval : record(now - last);
}

void RefreshBudget::reset() {
    m_smoothed = -1;
    m_lastCpuMs = -1;
    m_interval = m_min;
}

}  // namespace forgetlab::ui
