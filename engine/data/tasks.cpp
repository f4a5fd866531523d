#include "engine/data/internal/tasks.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>
#include <stdexcept>

namespace forgetlab {

namespace {

// A batch gathered in host memory goes to the run's device through pinned memory, so the
// copy is asynchronous.
Batch staged(Batch b, const std::optional<torch::Device>& to) {
    if (!to) return b;
    b.input = b.input.pin_memory().to(*to, /*non_blocking=*/true);
    b.target = b.target.pin_memory().to(*to, /*non_blocking=*/true);
    return b;
}

}  // namespace

Batch DataSplit::rows(const torch::Tensor& index, int head) const {
    const torch::Tensor at = index.device() == input.device() ? index : index.to(input.device());
    return staged({input.index_select(0, at), target.index_select(0, at), head}, stage_to);
}

Batch DataSplit::slice(int64_t begin, int64_t end, int head) const {
    return staged({input.slice(0, begin, end), target.slice(0, begin, end), head}, stage_to);
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

std::string BatchSampler::state() const {
    std::ostringstream out;
    out << m_order.size() << ' ' << m_pos << ' ' << m_batch;
    for (int64_t i : m_order) out << ' ' << i;
    out << ' ' << m_rng;  // the standard's text form of the generator's state
    return out.str();
}

void BatchSampler::restore(const std::string& state) {
    std::istringstream in(state);
    size_t size = 0, pos = 0;
    int batch = 0;
    in >> size >> pos >> batch;
    if (!in || size != m_order.size() || batch != m_batch || pos > size)
        throw std::runtime_error("the saved batch sampler has another size or batch (" +
                                 std::to_string(size) + " x " + std::to_string(batch) +
                                 ", this one " + std::to_string(m_order.size()) + " x " +
                                 std::to_string(m_batch) + ")");
    std::vector<int64_t> order(size);
    for (int64_t& i : order) in >> i;
    std::mt19937_64 rng;
    in >> rng;
    if (!in) throw std::runtime_error("the saved batch sampler state is damaged");
    m_order = std::move(order);
    m_pos = pos;
    m_rng = rng;
}

std::vector<int64_t> pixelPermutation(int seed, int64_t size) {
    std::vector<int64_t> perm(static_cast<size_t>(size));
    std::iota(perm.begin(), perm.end(), 0);
    if (seed != 0) {
        std::mt19937_64 rng(0x5eedULL * 1000003ULL + static_cast<uint64_t>(seed));
        std::shuffle(perm.begin(), perm.end(), rng);
    }
    return perm;
}

std::vector<int> labelPermutation(size_t classes, int seed) {
    std::vector<int> map(classes);
    std::iota(map.begin(), map.end(), 0);
    if (seed == 0 || classes < 2) return map;
    std::mt19937_64 rng(0x1abe1ULL * 1000003ULL + static_cast<uint64_t>(seed));
    // A derangement when there is one: every class really gets another label.
    for (int attempt = 0; attempt < 100; ++attempt) {
        std::shuffle(map.begin(), map.end(), rng);
        bool fixedPoint = false;
        for (size_t i = 0; i < classes; ++i) fixedPoint |= map[i] == static_cast<int>(i);
        if (!fixedPoint) break;
    }
    return map;
}

namespace {

// Picks up to `count` examples of the task's classes, deterministically from the seed.
// Rotates a 28 x 28 image by `degrees` counter-clockwise about its centre (bilinear,
// background 0 outside the source).
void rotateImage(const uint8_t* src, float* dst, double degrees) {
    constexpr int n = 28;
    constexpr double c = (n - 1) / 2.0;
    const double a = degrees * 3.14159265358979323846 / 180.0;
    const double ca = std::cos(a), sa = std::sin(a);
    for (int y = 0; y < n; ++y)
        for (int x = 0; x < n; ++x) {
            // Inverse map: where in the source does this output pixel come from.
            const double dx = x - c, dy = y - c;
            const double sx = ca * dx - sa * dy + c, sy = sa * dx + ca * dy + c;
            const int x0 = static_cast<int>(std::floor(sx)), y0 = static_cast<int>(std::floor(sy));
            const double fx = sx - x0, fy = sy - y0;
            auto px = [&](int xx, int yy) -> double {
                return (xx < 0 || yy < 0 || xx >= n || yy >= n) ? 0.0 : src[yy * n + xx];
            };
            const double v = (1 - fx) * (1 - fy) * px(x0, y0) + fx * (1 - fy) * px(x0 + 1, y0) +
                             (1 - fx) * fy * px(x0, y0 + 1) + fx * fy * px(x0 + 1, y0 + 1);
            dst[y * n + x] = static_cast<float>(v);
        }
}

DataSplit drawSplit(const std::vector<uint8_t>& images, const std::vector<uint8_t>& labels,
                    const TaskConfig& task, bool sharedHead, int count, uint64_t seed,
                    const std::vector<int64_t>& perm) {
    std::vector<int> classPos(10, -1);
    for (size_t i = 0; i < task.classes.size(); ++i) classPos[task.classes[i]] = int(i);
    const std::vector<int> labelMap =
        labelPermutation(task.classes.size(), task.label_permutation_seed);
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
    std::vector<float> rotated(FashionMnist::kPixels);
    std::mt19937_64 noiseRng(seed ^ 0x6e6f697365ULL);
    std::normal_distribution<float> gauss(0.0f,
                                          task.noise > 0 ? static_cast<float>(task.noise) : 1.0f);
    for (int64_t r = 0; r < n; ++r) {
        const uint8_t* img = images.data() + pool[r] * FashionMnist::kPixels;
        float* row = in + r * FashionMnist::kPixels;
        if (task.rotation != 0) {
            rotateImage(img, rotated.data(), task.rotation);
            for (int p = 0; p < FashionMnist::kPixels; ++p)
                row[p] = (rotated[perm[p]] / 255.0f - kMean) / kStd;
        } else {
            for (int p = 0; p < FashionMnist::kPixels; ++p)
                row[p] = (img[perm[p]] / 255.0f - kMean) / kStd;
        }
        if (task.noise > 0)
            for (int p = 0; p < FashionMnist::kPixels; ++p) row[p] += gauss(noiseRng);
        const int pos = labelMap[classPos[labels[pool[r]]]];
        tg[r] = sharedHead ? task.classes[pos] : pos;
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
    t.test =
        drawSplit(data.test_images, data.test_labels, cfg, shared, cfg.test_size, base ^ 0x2, perm);
    return t;
}

torch::Tensor taskLoss(const torch::Tensor& logits, const torch::Tensor& target) {
    if (logits.dim() == 2 && target.dim() == 1)
        return torch::nn::functional::cross_entropy(logits, target);
    return torch::nn::functional::cross_entropy(logits.reshape({-1, logits.size(-1)}),
                                                target.reshape({-1}));
}

}  // namespace forgetlab
