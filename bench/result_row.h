#pragma once
// ResultRow: one line of the benchmark table (docs/benchmarks.md). Each benchmark prints
// its rows as "ROW | ... |" on stdout; bench/run_bench.sh collects them into the table.
// Everything else a benchmark prints (on stderr) is a diagnostic for the log.

#include <string>

namespace forgetlab::bench {

enum class Goal { AtLeast, AtMost, Info };

struct ResultRow {
    std::string id;         // "1", "3b", ...
    std::string what;       // what the ratio compares
    int threads = 0;        // torch intra-op threads on both sides
    std::string measuredA;  // numerator, with units ("1234 steps/s")
    std::string measuredB;  // denominator
    double ratio = 0.0;
    Goal goal = Goal::Info;
    double target = 0.0;
    // Other processes kept the CPU busy through most rounds: the ratio is shown but not
    // judged.
    bool busy = false;
};

// A row to be filled in with the measured values and the ratio.
ResultRow makeRow(const std::string& id, const std::string& what, int threads,
                  Goal goal = Goal::Info, double target = 0.0);

// Prints the row with the ratio, the target ("≥ 1.10") and whether it is met. With
// informational set, the target is shown but not judged (a variant such as 1 thread).
void printRow(const ResultRow& row, bool informational = false);
// Prints a row whose ratio could not be measured, with the reason in the ratio column.
void printUnmeasured(const ResultRow& row, const std::string& reason, bool informational = false);

// "1234 steps/s", "56.7 GFLOP/s": a rate with about four significant digits.
std::string formatRate(double value, const std::string& unit);

}  // namespace forgetlab::bench
