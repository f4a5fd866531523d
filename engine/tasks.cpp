#include "engine/tasks.h"

#include <algorithm>
#include <numeric>

namespace forgetlab {

Batch DataSplit::rows(const torch::Tensor& index, int head) const {
    return {input.index_select(0, index), target.index_select(0, index), head};
}

Batch DataSplit::slice(int64_t begin, int64_t end, int head) const {
    return {input.slice(0, begin, end), target.slice(0, begin, end), head};
}

BatchSampler::BatchSampler(int64_t size, int batchSize, uint64_t seed)
    : m_order(static_cast<size_t>(size)), m_batch(batchSize), m_rng(seed) {
    std::iota(m_order.begin(), m_order.end(), 0);
    std::shuffle(m_order.begin(), m_order.end(), m_rng);
}

torch::Tensor BatchSampler::next() {
    const size_t n = std::min<size_t>(m_batch, m_order.size());
    std::vector<int64_t> idx;
    idx.reserve(n);
    while (idx.size() < n) {
        if (m_pos == m_order.size()) {
            std::shuffle(m_order.begin(), m_order.end(), m_rng);
            m_pos = 0;
        }
        idx.push_back(m_order[m_pos++]);
    }
    return torch::tensor(idx, torch::kInt64);
}

std::vector<int64_t> pixelPermutation(int seed) {
    std::vector<int64_t> perm(FashionMnist::kPixels);
    std::iota(perm.begin(), perm.end(), 0);
    if (seed != 0) {
        std::mt19937_64 rng(0x5eedULL * 1000003ULL + static_cast<uint64_t>(seed));
        std::shuffle(perm.begin(), perm.end(), rng);
    }
    return perm;
}

namespace {

// Picks up to `count` examples of the task's classes, deterministically from the seed.
DataSplit drawSplit(const std::vector<uint8_t>& images, const std::vector<uint8_t>& labels,
                    const TaskConfig& task, bool sharedHead, int count, uint64_t seed,
                    const std::vector<int64_t>& perm) {
    std::vector<int> classPos(10, -1);
    for (size_t i = 0; i < task.classes.size(); ++i) classPos[task.classes[i]] = int(i);
    std::vector<int64_t> pool;
    for (size_t i = 0; i < labels.size(); ++i)
        if (classPos[labels[i]] >= 0) pool.push_back(static_cast<int64_t>(i));
    std::mt19937_64 rng(seed);
    std::shuffle(pool.begin(), pool.end(), rng);
    if (static_cast<int64_t>(pool.size()) > count) pool.resize(static_cast<size_t>(count));
    std::sort(pool.begin(), pool.end());  // stable, cache-friendly order

    const int64_t n = static_cast<int64_t>(pool.size());
    auto input = torch::empty({n, FashionMnist::kPixels}, torch::kFloat32);
    auto target = torch::empty({n}, torch::kInt64);
    float* in = input.data_ptr<float>();
    int64_t* tg = target.data_ptr<int64_t>();
    // Standardised with the data set's pixel mean and std (0.2860, 0.3530).
    constexpr float kMean = 0.2860f, kStd = 0.3530f;
    for (int64_t r = 0; r < n; ++r) {
        const uint8_t* img = images.data() + pool[r] * FashionMnist::kPixels;
        float* row = in + r * FashionMnist::kPixels;
        for (int p = 0; p < FashionMnist::kPixels; ++p)
            row[p] = (img[perm[p]] / 255.0f - kMean) / kStd;
        const int label = labels[pool[r]];
        tg[r] = sharedHead ? label : classPos[label];
    }
    return {input, target};
}

}  // namespace

Task buildFashionTask(const FashionMnist& data, const TaskConfig& cfg, const ModelConfig& model,
                      int taskIndex, unsigned seed) {
    const bool shared = model.head == "shared";
    const auto perm = pixelPermutation(cfg.kind == "permuted" ? cfg.permutation_seed : 0);
    Task t;
    t.name = (taskIndex == 0 ? "upstream" : "downstream");
    t.head = shared ? 0 : taskIndex;
    t.num_outputs = shared ? 10 : static_cast<int>(cfg.classes.size());
    const uint64_t base = (uint64_t(seed) << 8) ^ (uint64_t(taskIndex + 1) * 0x9E3779B97F4A7C15ULL);
    t.train = drawSplit(data.train_images, data.train_labels, cfg, shared, cfg.train_size,
                        base ^ 0x1, perm);
    t.test = drawSplit(data.test_images, data.test_labels, cfg, shared, cfg.test_size,
                       base ^ 0x2, perm);
    return t;
}

torch::Tensor taskLoss(const torch::Tensor& logits, const torch::Tensor& target) {
    if (logits.dim() == 2 && target.dim() == 1)
        return torch::nn::functional::cross_entropy(logits, target);
    return torch::nn::functional::cross_entropy(logits.reshape({-1, logits.size(-1)}),
                                                target.reshape({-1}));
}

}  // namespace forgetlab
