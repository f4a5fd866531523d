#pragma once
// Resuming a run: one that ended interrupted (its process was killed), failed (out of
// memory, for example) or stopped goes on from its last resume point, written at each
// eval.checkpoint_every step of fine-tuning, with its optimizer, SAM, sampler and strategy
// state, continuing the same metric series in the same run. The CLI's `run --resume` and
// the GUI's Resume in the run list both come here.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/core/run_control.h"
#include "engine/core/run_types.h"
#include "engine/sessions/run_session.h"
#include "engine/store/store.h"

namespace forgetlab {

// Where a run would go on from.
struct ResumePoint {
    int64_t step = 0;        // fine-tuning steps done at the point
    std::string file;        // the resume point's file (absolute)
    std::string pretrained;  // the run's pre-trained checkpoint (absolute)
};

// Whether a run that ended with this status may be resumed at all.
bool isResumableStatus(const std::string& status);

// Why run `runId` cannot be resumed, saying what to do about it; "" when it can, and then
// `point` (when given) says from where: the latest resume point whose file is there.
std::string resumeRefusal(Store& store, int64_t runId, ResumePoint* point = nullptr);

// The metrics of run `runId` that stay when it is resumed from `point` (in the store's
// order): the series its resumed steps continue, e.g. for the live plots.
std::vector<MetricPoint> keptOnResume(Store& store, int64_t runId, const ResumePoint& point);

// A run that cannot be resumed (the message is resumeRefusal's).
class ResumeRefused : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Blocking. Takes the run back to its resume point (what it recorded after that step goes:
// metrics, events, per-example losses, checkpoint rows and their files), reopens it as
// running in this process and fine-tunes it to the end, recording into the same run; the
// live sink sees the new steps only. Throws ResumeRefused before changing anything when the
// run cannot be resumed and StoreError when the database cannot be written; training
// failures come back as statuses, as from runAndRecord.
RunSummary resumeAndRecord(Store& store, int64_t runId, RunControl& control,
                           MetricSink* live = nullptr, const SessionOptions& options = {});

}  // namespace forgetlab
