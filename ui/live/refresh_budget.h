#pragma once

// How often the live view may refresh while a run trains. Pulling new points and repainting
// the plots runs on the GUI thread; on a small machine every millisecond it paints is a
// millisecond one of the training threads (and so, at the next OpenMP barrier, all of them)
// waits for. RefreshBudget turns the measured cost of each refresh into the next interval
// so that refreshing uses at most a fixed share of one core: the fastest interval when
// painting is cheap, longer ones when it is not (a large window, a slow machine, software
// rendering), never longer than a ceiling that keeps the curves visibly live.

namespace forgetlab::ui {

// CPU time the calling thread has used, in milliseconds (wall time where the platform
// cannot tell).
double threadCpuMilliseconds();

class RefreshBudget {
public:
    // cpuShare: the largest fraction of one core refreshing may take (0 < share <= 1);
    // minMs/maxMs: the interval's bounds (minMs also the first interval).
    RefreshBudget(double cpuShare, int minMs, int maxMs);

    // Records one refresh that took costMs milliseconds (pulling plus painting) and returns
    // the interval, in milliseconds, to wait before the next one: the smoothed cost divided
    // by the share, clamped to [minMs, maxMs]. A costlier refresh counts at once (the share
    // is a ceiling, also right after the plots start filling); cheaper ones bring the
    // smoothed cost down gradually (weight kWeight for the newest refresh), so the rate does
    // not flicker between fast and slow.
    int record(double costMs);
    // Called at each refresh: records the calling thread's CPU time since the previous
    // tick (everything the GUI thread did in between: pulling, painting, the status bar)
    // and returns the next interval. The first tick after reset() only starts the clock.
    int tick();
    int interval() const { return m_interval; }
    double smoothedCostMs() const { return m_smoothed; }
    void reset();

    static constexpr double kWeight = 0.25;

private:
    double m_share;
    int m_min, m_max;
    double m_smoothed = -1;   // no refresh measured yet
    double m_lastCpuMs = -1;  // thread CPU time at the previous tick
    int m_interval;
};

}  // namespace forgetlab::ui
