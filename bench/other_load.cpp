#include "bench/other_load.h"

#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

#include "bench/interleave.h"

namespace forgetlab::bench {

namespace {

// utime + stime of a process (all its threads), in clock ticks; 0 if unreadable.
long long processTicks(const std::string& statPath) {
    std::ifstream in(statPath);
    std::string text;
    if (!std::getline(in, text)) return 0;
    // The command name is in parentheses and may contain spaces: fields follow the last ')'.
    const size_t close = text.rfind(')');
    if (close == std::string::npos) return 0;
    std::istringstream fields(text.substr(close + 2));
    std::string field;
    long long utime = 0, stime = 0;
    for (int i = 3; fields >> field; ++i) {  // field 3 is the state
        if (i == 14) utime = std::stoll(field);
        if (i == 15) {
            stime = std::stoll(field);
            break;
        }
    }
    return utime + stime;
}

}  // namespace

OtherLoad::OtherLoad() {
    const long hz = sysconf(_SC_CLK_TCK);
    if (hz > 0) m_ticksPerSecond = static_cast<double>(hz);
    restart();
}

void OtherLoad::watch(pid_t child) {
    m_children.push_back(child);
}

long long OtherLoad::busyTicks() const {
    std::ifstream in("/proc/stat");
    std::string cpu;
    long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
    if (!(in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal))
        return 0;
    return user + nice + system + irq + softirq + steal;
}

long long OtherLoad::ownTicks() const {
    long long ticks = processTicks("/proc/self/stat");
    for (pid_t child : m_children)
        ticks += processTicks("/proc/" + std::to_string(child) + "/stat");
    return ticks;
}

void OtherLoad::restart() {
    m_busy0 = busyTicks();
    m_own0 = ownTicks();
    m_t0 = nowSeconds();
}

double OtherLoad::coresSinceRestart() const {
    const double seconds = nowSeconds() - m_t0;
    if (seconds <= 0) return 0;
    const long long other = (busyTicks() - m_busy0) - (ownTicks() - m_own0);
    return other > 0 ? static_cast<double>(other) / m_ticksPerSecond / seconds : 0.0;
}

}  // namespace forgetlab::bench
