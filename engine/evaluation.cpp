#include "engine/evaluation.h"

namespace forgetlab {

EvalResult evaluateSplit(ForgetModel& model, const DataSplit& split, int head, bool restoreTrain) {
    torch::NoGradGuard noGrad;
    const bool wasTraining = model.is_training();
    model.eval();
    const int64_t n = split.size();
    const int64_t chunk = 1000;
    double lossSum = 0.0, correct = 0.0, count = 0.0;
    for (int64_t b = 0; b < n; b += chunk) {
        Batch batch = split.slice(b, std::min(n, b + chunk), head);
        torch::Tensor logits = model.forward(batch.input, head);
        const double items = static_cast<double>(batch.target.numel());
        lossSum += taskLoss(logits, batch.target).item<double>() * items;
        correct += logits.argmax(-1).eq(batch.target).sum().item<double>();
        count += items;
    }
    if (restoreTrain && wasTraining) model.train();
    return {count > 0 ? lossSum / count : 0.0, count > 0 ? correct / count : 0.0};
}

}  // namespace forgetlab
