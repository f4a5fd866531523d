#include "engine/measure/internal/example_forgetting.h"

#include "engine/measure/internal/evaluation.h"

#include <algorithm>
#include <numeric>
#include <random>

namespace forgetlab {

std::vector<int64_t> trackedExampleIndices(int64_t poolSize, int count, unsigned seed) {
    std::vector<int64_t> all(static_cast<size_t>(std::max<int64_t>(poolSize, 0)));
    std::iota(all.begin(), all.end(), 0);
    std::mt19937_64 rng(0x7eac4edULL * 1000003ULL + seed);
    std::shuffle(all.begin(), all.end(), rng);
    if (static_cast<int64_t>(all.size()) > count)
        all.resize(static_cast<size_t>(std::max(count, 0)));
    std::sort(all.begin(), all.end());
    return all;
}

std::vector<float> exampleLosses(ForgetModel& model, const DataSplit& split,
                                 const std::vector<int64_t>& index, int head) {
    torch::NoGradGuard noGrad;
    const bool wasTraining = model.is_training();
    model.eval();
    std::vector<float> out;
    out.reserve(index.size());
    const int64_t n = static_cast<int64_t>(index.size());
    const int64_t chunk = evaluationChunkRows(split);
    for (int64_t b = 0; b < n; b += chunk) {
        const int64_t e = std::min(n, b + chunk);
        auto idx = torch::from_blob(const_cast<int64_t*>(index.data()) + b, {e - b}, torch::kInt64);
        const Batch batch = split.rows(idx, head);
        torch::Tensor logits = model.forward(batch.input, head);
        torch::Tensor target = batch.target;
        torch::Tensor per = torch::nn::functional::cross_entropy(
            logits.reshape({-1, logits.size(-1)}), target.reshape({-1}),
            torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kNone));
        // Mean over the example's real target positions (padding's loss is 0 and not
        // counted): for a language model the example's log-perplexity.
        const torch::Tensor valid = target.reshape({e - b, -1}).ge(0).sum(1).clamp_min(1);
        per =
            (per.reshape({e - b, -1}).sum(1) / valid).to(torch::kCPU, torch::kFloat32).contiguous();
        out.insert(out.end(), per.data_ptr<float>(), per.data_ptr<float>() + (e - b));
    }
    if (wasTraining) model.train();
    return out;
}

}  // namespace forgetlab
