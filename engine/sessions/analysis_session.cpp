#include "engine/sessions/analysis_session.h"

#include "engine/analysis/run_analysis.h"

namespace forgetlab {

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
    return out;
}

AnalysisSessionResult runAnalysisSession(Store& store, const AnalysisSessionRequest& request,
                                         const ProgressFn& progress, const CancelToken& cancel) {
    return runAnalysisSession(store, request, progress, cancel.flag());
}

}  // namespace forgetlab
