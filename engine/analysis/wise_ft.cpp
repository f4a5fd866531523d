#include "engine/analysis/wise_ft.h"

#include <filesystem>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "engine/analysis/internal/analysis_model.h"
#include "engine/measure/internal/evaluation.h"
#include "engine/analysis/run_analysis.h"
#include "engine/models/internal/safetensors.h"
#include "engine/train/internal/checkpoints.h"

namespace forgetlab {
namespace fs = std::filesystem;

namespace {

struct Pair {
    LoadedModel ft;
    std::vector<torch::Tensor> pre, post;
};

Pair load(const ModelSource& source) {
    if (source.pretrainedFile.empty())
        throw std::runtime_error("Wise-FT needs the run's pre-trained checkpoint");
    Pair p{loadModel(source.config, source.checkpointFile), {}, {}};
    p.pre = copyParameters(*loadModel(source.config, source.pretrainedFile).model);
    p.post = copyParameters(*p.ft.model);
    return p;
}

// Sets the model to w(alpha); exact at alpha 0 and 1.
void interpolate(Pair& p, double alpha) {
    torch::NoGradGuard noGrad;
    auto params = p.ft.model->parameters();
    for (size_t i = 0; i < params.size(); ++i)
        params[i].copy_(p.pre[i] * (1.0 - alpha) + p.post[i] * alpha);
}

WiseFtPoint measure(Pair& p, double alpha, int subset) {
    interpolate(p, alpha);
    const EvalResult u =
        evaluateSplit(*p.ft.model, headOf(p.ft.up.test, subset), p.ft.up.head, false);
    const EvalResult d =
        evaluateSplit(*p.ft.model, headOf(p.ft.down.test, subset), p.ft.down.head, false);
    return {alpha, u.loss, u.acc, d.loss, d.acc};
}

void checkAlpha(double alpha) {
    if (!(alpha >= 0.0 && alpha <= 1.0))
        throw std::runtime_error("alpha must be between 0 (pre-trained) and 1 (fine-tuned)");
}

}  // namespace

std::vector<WiseFtPoint> wiseFtCurve(const ModelSource& source, int points, int subset,
                                     const ProgressFn& progress, const std::atomic<bool>* cancel) {
    if (points < 2 || points > 101) throw std::runtime_error("points must be between 2 and 101");
    Pair p = load(source);
    std::vector<WiseFtPoint> out;
    for (int i = 0; i < points; ++i) {
        if (cancel && cancel->load()) break;
        const double alpha = i == points - 1 ? 1.0 : double(i) / double(points - 1);
        out.push_back(measure(p, alpha, subset));
        if (progress) progress(i + 1, points);
    }
    return out;
}

WiseFtPoint wiseFtPoint(const ModelSource& source, double alpha, int subset) {
    checkAlpha(alpha);
    Pair p = load(source);
    return measure(p, alpha, subset);
}

int64_t wiseFtApply(Store& store, int64_t runId, double alpha, int subset, int64_t step) {
    checkAlpha(alpha);
    const RunInfo base = store.run(runId);
    const ModelSource source = modelSourceForRun(store, runId, step);
    Pair p = load(source);
    const WiseFtPoint at = measure(p, alpha, subset);
    const WiseFtPoint pre = measure(p, 0.0, subset);

    char label[64];
    std::snprintf(label, sizeof(label), " wise-ft a=%.2f", alpha);
    const int64_t id = store.createRun(base.name + label, base.config_json, base.seed, base.device);
    const fs::path dir = store.runCheckpointDir(id);
    fs::create_directories(dir);
    const std::string preFile = (dir / "pretrained.safetensors").string();
    fs::copy_file(source.pretrainedFile, preFile, fs::copy_options::overwrite_existing);
    interpolate(p, alpha);
    const int64_t ckStep = checkpointStepForRun(store, runId, step);
    const std::string finalFile = writeCheckpoint(
        *p.ft.model, dir.string(), "final", ckStep,
        {{"wise_ft_alpha", std::to_string(alpha)}, {"derived_from_run", std::to_string(runId)}});
    store.addCheckpoint(id, 0, "pretrained", preFile);
    store.addCheckpoint(id, ckStep, "final", finalFile);
    store.appendEvent(
        id, ckStep, "wise_ft",
        nlohmann::json{{"from_run", runId}, {"alpha", alpha}, {"step", ckStep}}.dump());
    RunSummary s;
    s.run_id = id;
    s.status = status::kDone;
    s.steps = ckStep;
    s.upstream_acc_before = pre.up_acc;
    s.upstream_acc_after = at.up_acc;
    s.downstream_acc_after = at.down_acc;
    s.forgetting = pre.up_acc - at.up_acc;
    store.appendMetrics(id, {{ckStep, keys::kUpTestAcc, at.up_acc},
                             {ckStep, keys::kDownTestAcc, at.down_acc},
                             {ckStep, keys::kUpTestLoss, at.up_loss},
                             {ckStep, keys::kDownTestLoss, at.down_loss},
                             {0, keys::kUpTestAcc, pre.up_acc}});
    store.finishRun(id, status::kDone, summaryToJson(s));
    return id;
}

}  // namespace forgetlab
