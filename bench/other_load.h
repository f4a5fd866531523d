#pragma once
// OtherLoad: how much CPU the rest of the machine used while a benchmark ran: busy time in
// /proc/stat less the CPU time of this process and of the children it watches (the Python
// reference). Rounds during which another process took a real share of a core (a compile
// beside the benchmark) are dropped, because on a 2-core machine they can slow a 2-thread
// OpenMP step tenfold while barely touching a large matmul.

#include <sys/types.h>
#include <vector>

namespace forgetlab::bench {

class OtherLoad {
public:
    OtherLoad();
    void watch(pid_t child);  // a child process whose CPU time counts as ours
    void restart();           // starts a new interval
    // Cores used by other processes, averaged since restart() (0 where /proc is missing).
    double coresSinceRestart() const;

private:
    long long busyTicks() const;  // all CPUs, from /proc/stat
    long long ownTicks() const;   // this process and the watched children
    std::vector<pid_t> m_children;
    long long m_busy0 = 0;
    long long m_own0 = 0;
    double m_t0 = 0;
    double m_ticksPerSecond = 100;
};

}  // namespace forgetlab::bench
