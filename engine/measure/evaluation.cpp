#include "engine/measure/internal/evaluation.h"

namespace forgetlab {

int64_t evaluationChunkRows(const DataSplit& split) {
    const int64_t perRow = split.target.dim() > 1 ? split.target[0].numel() : 1;
    return perRow > 1 ? std::max<int64_t>(1, 32768 / perRow) : 1000;
}

EvalResult evaluateSplit(ForgetModel& model, const DataSplit& split, int head, bool restoreTrain) {
    torch::NoGradGuard noGrad;
    const bool wasTraining = model.is_training();
    model.eval();
    const int64_t n = split.size();
    const int64_t chunk = evaluationChunkRows(split);
    double lossSum = 0.0, correct = 0.0, count = 0.0;
    for (int64_t b = 0; b < n; b += chunk) {
        Batch batch = split.slice(b, std::min(n, b + chunk), head);
        torch::Tensor logits = model.forward(batch.input, head);
        // Padding targets (kIgnoreTarget, negative) count for neither loss nor accuracy.
        const torch::Tensor valid = batch.target.ge(0);
        const double items = valid.sum().item<double>();
        if (items == 0) continue;
        lossSum += taskLoss(logits, batch.target).item<double>() * items;
        correct += logits.argmax(-1).eq(batch.target).logical_and(valid).sum().item<double>();
        count += items;
    }
    if (restoreTrain && wasTraining) model.train();
    return {count > 0 ? lossSum / count : 0.0, count > 0 ? correct / count : 0.0};
}

}  // namespace forgetlab
