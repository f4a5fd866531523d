#pragma once
// Interleaved timing: several workloads are timed alternately, block after block, with the
// order rotated each round (A B, then B A, ...), so that slow drift hits all of them alike.
// Rounds during which other processes used the CPU are dropped (see other_load.h). Every
// result the benchmarks print is a ratio of two workloads from the same round, never an
// absolute time.

#include <cstdint>
#include <functional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace forgetlab::bench {

struct Workload {
    std::string name;
    // Performs `units` units of work (training steps, matmuls) and returns the seconds they
    // took, as measured by whoever did the work (a child process times itself).
    std::function<double(int64_t units)> timed;
};

struct InterleaveOptions {
    int rounds = 21;             // undisturbed rounds wanted
    double blockSeconds = 0.15;  // the wall time each block aims at
    // Idle time before each block: OpenMP workers of the side that just ran keep spinning
    // for a few milliseconds (libgomp's default wait policy) and would steal a core from
    // the next block on a 2-core machine.
    double settleSeconds = 0.03;
    // A round is dropped when other processes used more than this many cores during it.
    double maxOtherCores = 0.3;
    // Stops after the round that passes this (but not before 3 rounds), so that a machine
    // in a busy spell cannot stretch a benchmark past bench/run_bench.sh's budget.
    double maxSeconds = 60;
    std::vector<pid_t> children;  // child processes doing work for us (their CPU is ours)
};

struct InterleaveResult {
    // rates[w][r]: units per second of workload w in kept round r.
    std::vector<std::vector<double>> rates;
    int dropped = 0;        // rounds dropped because the machine was busy
    bool busy = false;      // fewer than 3 undisturbed rounds: all rounds kept, untrustworthy
    double otherCores = 0;  // mean CPU of other processes over all rounds, in cores
};

// Calibrates each workload (which also warms it up), then runs rounds until `rounds`
// undisturbed ones are kept or maxSeconds has passed.
InterleaveResult measureInterleaved(const std::vector<Workload>& workloads,
                                    const InterleaveOptions& options);

double median(std::vector<double> values);

// a[r] / b[r] for every round.
std::vector<double> perRoundRatios(const std::vector<double>& a, const std::vector<double>& b);

// Seconds since an arbitrary start (steady clock).
double nowSeconds();

}  // namespace forgetlab::bench
