#include "bench/result_row.h"

#include <cmath>
#include <cstdio>

namespace forgetlab::bench {

namespace {

std::string fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

std::string targetText(Goal goal, double target, bool informational) {
    std::string text = "(information)";
    if (goal == Goal::AtLeast) text = "≥ " + fixed(target, 2);
    if (goal == Goal::AtMost) text = "≤ " + fixed(target, 2);
    if (informational && goal != Goal::Info) text += " (information only)";
    return text;
}

void print(const ResultRow& row, const std::string& ratio, const std::string& a,
           const std::string& b, const std::string& met, bool informational) {
    std::printf("ROW | %s | %s | %d | %s | %s | %s | %s | %s |\n", row.id.c_str(), row.what.c_str(),
                row.threads, a.c_str(), b.c_str(), ratio.c_str(),
                targetText(row.goal, row.target, informational).c_str(), met.c_str());
    std::fflush(stdout);
}

}  // namespace

ResultRow makeRow(const std::string& id, const std::string& what, int threads, Goal goal,
                  double target) {
    ResultRow row;
    row.id = id;
    row.what = what;
    row.threads = threads;
    row.goal = goal;
    row.target = target;
    return row;
}

std::string formatRate(double value, const std::string& unit) {
    const double mag = std::fabs(value);
    const int decimals = mag >= 1000 ? 0 : mag >= 100 ? 1 : mag >= 10 ? 2 : 3;
    return fixed(value, decimals) + " " + unit;
}

void printRow(const ResultRow& row, bool informational) {
    std::string met = "—";
    if (!informational && row.goal == Goal::AtLeast)
        met = row.ratio >= row.target ? "yes" : "**no**";
    if (!informational && row.goal == Goal::AtMost)
        met = row.ratio <= row.target ? "yes" : "**no**";
    std::string ratio = fixed(row.ratio, 2);
    if (row.busy) {
        ratio += " (machine busy)";
        if (met != "—") met = "? (machine busy)";
    }
    print(row, ratio, row.measuredA, row.measuredB, met, informational);
}

void printUnmeasured(const ResultRow& row, const std::string& reason, bool informational) {
    print(row, reason, "—", "—", "—", informational);
}

}  // namespace forgetlab::bench
