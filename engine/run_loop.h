#pragma once
// Engine-internal. Pieces of the training loop shared by the two-phase runner and the
// task-sequence runner.

#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "engine/run_control.h"

namespace forgetlab {

// Thrown inside a phase to end the run early with a given status.
struct EndRun {
    std::string status;
    std::string error;
};

// Blocks while paused (one step passes per step request); runs `snapshot` when one is
// requested. Returns false when a stop was requested.
inline bool waitForGo(RunControl& control, const std::function<void()>& snapshot) {
    while (true) {
        if (control.takeSnapshotRequest() && snapshot) snapshot();
        if (control.stopRequested()) return false;
        if (!control.paused()) return true;
        if (control.takeStepRequest()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

}  // namespace forgetlab
