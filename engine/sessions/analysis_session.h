#pragma once
// runAnalysisSession: the one way both front ends analyse a stored run. It resolves the
// checkpoint of the run (modelSourceForRun's rules), computes the landscape slice, the
// Hessian spectrum/trace or the timing pass behind a cost estimate, and stores a
// completed landscape or Hessian. A cancelled job is never stored: a half-filled grid in
// the database would later be reopened as if it were a result. The CLI and the GUI's
// AnalysisWorker used to do this each on their own and disagreed on exactly that rule.
//
// How to call it (on the job's own thread, with the thread's own Store connection):
//
//     Store store(dbPath);
//     AnalysisSessionRequest req;
//     req.kind = AnalysisKind::Landscape;  // or Hessian, Timing
//     req.run_id = runId;
//     req.step = -1;                       // -1: the final (else latest) checkpoint
//     req.landscape = landscapeRequest;    // or req.hessian / req.timing_subset
//     CancelToken token;                   // token.cancel() from any thread
//     const AnalysisSessionResult r = runAnalysisSession(store, req, progress, token);
//     // r.checkpoint_step, r.landscape / r.hessian / r.seconds_per_pass,
//     // r.cancelled, r.stored_id (0 when cancelled, not asked to store, or Timing)
//
// Throws what the pieces throw: StoreError for an unknown run or an unusable database,
// std::runtime_error (with a user-facing message) for a missing checkpoint, an unreadable
// config or bad request values. Plain C++.

#include <atomic>
#include <cstdint>
#include <functional>

#include "engine/analysis/analysis.h"
#include "engine/core/cancel_token.h"
#include "engine/store/store.h"

namespace forgetlab {

enum class AnalysisKind { Landscape, Hessian, Timing };

struct AnalysisSessionRequest {
    AnalysisKind kind = AnalysisKind::Landscape;
    int64_t run_id = 0;
    int64_t step = -1;           // checkpoint step; < 0 = the final (or latest) checkpoint
    LandscapeRequest landscape;  // kind Landscape
    HessianRequest hessian;      // kind Hessian
    int timing_subset = 500;     // kind Timing: examples per task in the timed pass
    bool store = true;           // save a completed (not cancelled) landscape or Hessian
    // Called once the checkpoint is resolved, before the computation starts (the CLI
    // prints what it is about to do); on the calling thread.
    std::function<void(int64_t checkpointStep)> on_resolved;
};

struct AnalysisSessionResult {
    AnalysisKind kind = AnalysisKind::Landscape;
    int64_t run_id = 0;
    int64_t checkpoint_step = 0;    // the checkpoint actually analysed
    LandscapeResult landscape;      // kind Landscape
    HessianResult hessian;          // kind Hessian
    double seconds_per_pass = 0.0;  // kind Timing
    int64_t stored_id = 0;          // row id in landscapes/hessians; 0 when nothing was stored
    bool cancelled = false;
};

// Blocking. `progress` gets done/total evaluations (grid points or Hessian-vector
// products) on the calling thread; `cancel` is polled before each evaluation.
AnalysisSessionResult runAnalysisSession(Store& store, const AnalysisSessionRequest& request,
                                         const ProgressFn& progress = {},
                                         const std::atomic<bool>* cancel = nullptr);
AnalysisSessionResult runAnalysisSession(Store& store, const AnalysisSessionRequest& request,
                                         const ProgressFn& progress, const CancelToken& cancel);

}  // namespace forgetlab
