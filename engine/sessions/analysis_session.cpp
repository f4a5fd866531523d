#include "engine/sessions/analysis_session.h"

#include <stdexcept>

#include "engine/analysis/run_analysis.h"
#include "engine/core/internal/torch_compat.h"
#include "engine/train/internal/device_placement.h"

namespace forgetlab {

namespace {
void compute(Store& store, const AnalysisSessionRequest& request, const ModelSource& source,
             const ProgressFn& progress, const std::atomic<bool>* cancel,
             AnalysisSessionResult& out);
}  // namespace

AnalysisSessionResult runAnalysisSession(Store& store, const AnalysisSessionRequest& request,
                                         const ProgressFn& progress,
                                         const std::atomic<bool>* cancel) {
    AnalysisSessionResult out;
    out.kind = request.kind;
    out.run_id = request.run_id;
    // The model source first: it names the unknown run or the missing checkpoint.
    const ModelSource source = modelSourceForRun(store, request.run_id, request.step);
    out.checkpoint_step = checkpointStepForRun(store, request.run_id, request.step);
    if (request.on_resolved) request.on_resolved(out.checkpoint_step);

    try {
        compute(store, request, source, progress, cancel, out);
    } catch (const std::exception& e) {
        // Out of (GPU) memory: a failed analysis with the figures and what to change; the
        // run and everything stored stay as they are.
        if (!compat::isOutOfMemory(e)) throw;
        throw std::runtime_error(outOfMemoryMessage(
            e, "while analysing run #" + std::to_string(request.run_id),
            "use a smaller subset (landscape) or probe (Hessian), or analyse on the CPU"));
    }
    return out;
}

namespace {
void compute(Store& store, const AnalysisSessionRequest& request, const ModelSource& source,
             const ProgressFn& progress, const std::atomic<bool>* cancel,
             AnalysisSessionResult& out) {
    switch (request.kind) {
        case AnalysisKind::Timing:
            out.seconds_per_pass = timeOneEvaluation(source, request.timing_subset);
            break;
        case AnalysisKind::Landscape:
            out.landscape = computeLandscape(source, request.landscape, progress, cancel);
            out.cancelled = out.landscape.cancelled;
            if (request.store && !out.cancelled)
                out.stored_id =
                    store.saveLandscape(request.run_id, out.checkpoint_step, request.landscape.kind,
                                        landscapeToJson(out.landscape));
            break;
        case AnalysisKind::Hessian:
            out.hessian = computeHessian(source, request.hessian, progress, cancel);
            out.cancelled = out.hessian.cancelled;
            if (request.store && !out.cancelled)
                out.stored_id = store.saveHessian(request.run_id, out.checkpoint_step,
                                                  hessianToJson(out.hessian));
            break;
    }
}
}  // namespace

AnalysisSessionResult runAnalysisSession(Store& store, const AnalysisSessionRequest& request,
                                         const ProgressFn& progress, const CancelToken& cancel) {
    return runAnalysisSession(store, request, progress, cancel.flag());
}

}  // namespace forgetlab
