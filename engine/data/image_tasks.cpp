// Tasks from a person's own images, CSV table or IDX pair: the source's split and
// standardisation, and the class subsets and transforms of a task drawn from it
// (engine/data/internal/image_tasks.h says what and why).

#include "engine/data/internal/image_tasks.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

namespace forgetlab {
namespace {

// A source's own test split (an IDX folder's t10k pair: its last test_count examples), or a
// seeded fifth of every class held out (image_tasks.h).
void splitSource(OwnSource& s, unsigned seed) {
    const int64_t n = s.data.count();
    const int64_t ownTest = s.data.summary.test_count;
    if (ownTest > 0) {
        s.train_pool.resize(static_cast<size_t>(n - ownTest));
        std::iota(s.train_pool.begin(), s.train_pool.end(), 0);
        s.test_pool.resize(static_cast<size_t>(ownTest));
        std::iota(s.test_pool.begin(), s.test_pool.end(), n - ownTest);
        return;
    }
    std::vector<std::vector<int64_t>> byClass(static_cast<size_t>(std::max(s.classes(), 0)));
    for (int64_t i = 0; i < n; ++i) {
        const int64_t label = s.data.labels[static_cast<size_t>(i)];
        if (label >= 0 && label < s.classes()) byClass[static_cast<size_t>(label)].push_back(i);
    }
    std::mt19937_64 rng(0x73706c6974ULL * 1000003ULL + seed);  // "split"
    for (auto& members : byClass) {
        std::shuffle(members.begin(), members.end(), rng);
        const size_t held = members.size() >= 2 ? std::max<size_t>(1, members.size() / 5) : 0;
        s.test_pool.insert(s.test_pool.end(), members.begin(), members.begin() + held);
        s.train_pool.insert(s.train_pool.end(), members.begin() + held, members.end());
    }
    std::sort(s.train_pool.begin(), s.train_pool.end());
    std::sort(s.test_pool.begin(), s.test_pool.end());
}

// Mean and 1/std of each channel (image) or feature column (table) over the training part.
void computeStandardisation(OwnSource& s) {
    const InputShape& sh = s.shape;
    const int groups = sh.isImage() ? sh.channels : sh.features;
    const int64_t perGroup = sh.isImage() ? int64_t(sh.height) * sh.width : 1;
    std::vector<double> sum(static_cast<size_t>(groups), 0.0), sq(sum);
    for (int64_t i : s.train_pool) {
        const float* x = s.data.example(i);
        for (int g = 0; g < groups; ++g)
            for (int64_t k = 0; k < perGroup; ++k) sum[size_t(g)] += x[g * perGroup + k];
    }
    const double count = double(s.train_pool.size()) * double(perGroup);
    s.mean.assign(static_cast<size_t>(groups), 0.0f);
    s.inv_std.assign(static_cast<size_t>(groups), 1.0f);
    if (count == 0) return;
    std::vector<double> mean(sum.size());
    for (size_t g = 0; g < sum.size(); ++g) mean[g] = sum[g] / count;
    // Two passes: a column of large values with a small spread keeps its precision.
    for (int64_t i : s.train_pool) {
        const float* x = s.data.example(i);
        for (int g = 0; g < groups; ++g)
            for (int64_t k = 0; k < perGroup; ++k) {
                const double d = x[g * perGroup + k] - mean[size_t(g)];
                sq[size_t(g)] += d * d;
            }
    }
    for (size_t g = 0; g < sum.size(); ++g) {
        const double sd = std::sqrt(sq[g] / count);
        s.mean[g] = static_cast<float>(mean[g]);
        s.inv_std[g] = sd > 1e-6 ? static_cast<float>(1.0 / sd) : 1.0f;
    }
}

// Rotates an h x w plane by `degrees` counter-clockwise about its centre (bilinear,
// background 0 outside the source), as Fashion-MNIST's rotation does (tasks.cpp).
void rotatePlane(const float* src, float* dst, int h, int w, double degrees) {
    const double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
    const double a = degrees * 3.14159265358979323846 / 180.0;
    const double ca = std::cos(a), sa = std::sin(a);
    auto px = [&](int xx, int yy) -> double {
        return (xx < 0 || yy < 0 || xx >= w || yy >= h) ? 0.0 : src[yy * w + xx];
    };
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            // Inverse map: where in the source does this output pixel come from.
            const double dx = x - cx, dy = y - cy;
            const double sx = ca * dx - sa * dy + cx, sy = sa * dx + ca * dy + cy;
            const int x0 = static_cast<int>(std::floor(sx)), y0 = static_cast<int>(std::floor(sy));
            const double fx = sx - x0, fy = sy - y0;
            const double v = (1 - fx) * (1 - fy) * px(x0, y0) + fx * (1 - fy) * px(x0 + 1, y0) +
                             (1 - fx) * fy * px(x0, y0 + 1) + fx * fy * px(x0 + 1, y0 + 1);
            dst[y * w + x] = static_cast<float>(v);
        }
}

// What a task takes from its source: which classes (position in task.classes, or -1), the
// label permutation and the pixel or feature permutation.
struct TaskView {
    const OwnSource& source;
    const TaskConfig& task;
    bool shared;
    std::vector<int> classPos;
    std::vector<int> labelMap;
    std::vector<int64_t> perm;
};

// Up to `count` examples of the task's classes from `pool`, deterministically from the seed.
DataSplit drawOwnSplit(const TaskView& v, const std::vector<int64_t>& poolAll, int count,
                       uint64_t seed) {
    const OwnSource& s = v.source;
    const InputShape& sh = s.shape;
    std::vector<int64_t> pool;
    for (int64_t i : poolAll)
        if (v.classPos[size_t(s.data.labels[size_t(i)])] >= 0) pool.push_back(i);
    std::mt19937_64 rng(seed);
    std::shuffle(pool.begin(), pool.end(), rng);
    if (static_cast<int64_t>(pool.size()) > count) pool.resize(static_cast<size_t>(count));
    std::sort(pool.begin(), pool.end());  // stable, cache-friendly order

    const int64_t n = static_cast<int64_t>(pool.size()), f = sh.features;
    auto input = torch::empty({n, f}, torch::kFloat32);
    auto target = torch::empty({n}, torch::kInt64);
    float* in = input.data_ptr<float>();
    int64_t* tg = target.data_ptr<int64_t>();
    const double rotation = v.task.rotation;
    const int64_t plane = sh.isImage() ? int64_t(sh.height) * sh.width : f;
    std::vector<float> rotated(rotation != 0 ? static_cast<size_t>(f) : 0);
    std::mt19937_64 noiseRng(seed ^ 0x6e6f697365ULL);
    std::normal_distribution<float> gauss(
        0.0f, v.task.noise > 0 ? static_cast<float>(v.task.noise) : 1.0f);
    for (int64_t r = 0; r < n; ++r) {
        const float* x = s.data.example(pool[size_t(r)]);
        if (rotation != 0) {
            for (int c = 0; c < sh.channels; ++c)
                rotatePlane(x + c * plane, rotated.data() + c * plane, sh.height, sh.width,
                            rotation);
            x = rotated.data();
        }
        float* row = in + r * f;
        if (sh.isImage()) {
            for (int c = 0; c < sh.channels; ++c) {
                const float m = s.mean[size_t(c)], k = s.inv_std[size_t(c)];
                const float* from = x + c * plane;
                float* to = row + c * plane;
                for (int64_t p = 0; p < plane; ++p) to[p] = (from[v.perm[size_t(p)]] - m) * k;
            }
        } else {
            for (int64_t p = 0; p < f; ++p) {
                const int64_t q = v.perm[size_t(p)];
                row[p] = (x[q] - s.mean[size_t(q)]) * s.inv_std[size_t(q)];
            }
        }
        if (v.task.noise > 0)
            for (int64_t p = 0; p < f; ++p) row[p] += gauss(noiseRng);
        const int pos = v.labelMap[size_t(v.classPos[size_t(s.data.labels[size_t(pool[r])])])];
        tg[r] = v.shared ? v.task.classes[size_t(pos)] : pos;
    }
    return {input, target};
}

std::string classList(const std::vector<int>& classes) {
    std::string s;
    for (int c : classes) s += (s.empty() ? "" : ", ") + std::to_string(c);
    return s;
}

}  // namespace

std::shared_ptr<const OwnSource> loadOwnSource(const TaskConfig& task, unsigned seed) {
    auto s = std::make_shared<OwnSource>();
    s->path = task.path;
    s->data = readDataSource(dataSourceOf(task));
    const DataSummary& sum = s->data.summary;
    s->shape = sum.height > 0 ? InputShape::image(sum.channels, sum.height, sum.width)
                              : InputShape::table(sum.features);
    splitSource(*s, seed);
    computeStandardisation(*s);
    return s;
}

bool sameOwnSource(const TaskConfig& a, const TaskConfig& b) {
    const std::string src = taskSource(a);
    if (src != taskSource(b) || a.path != b.path) return false;
    if (src == "images")
        return a.image_size == b.image_size && (a.channels == 3) == (b.channels == 3);
    if (src == "csv") return a.label_column == b.label_column;
    return true;
}

Task buildOwnTask(const OwnSource& source, const TaskConfig& cfg, const ModelConfig& model,
                  int taskIndex, unsigned seed, int sharedOutputs) {
    const std::string field = taskIndex == 0 ? "upstream.task" : "downstream.task";
    const bool shared = model.head == "shared";
    const int classes = source.classes();
    if (cfg.rotation != 0 && !source.shape.isImage())
        throw DataError(field + ".rotation: " + source.path +
                        " is a table of features, which has no pixels to rotate: set rotation "
                        "to 0");
    TaskView view{source, cfg, shared, std::vector<int>(size_t(std::max(classes, 0)), -1), {}, {}};
    for (size_t i = 0; i < cfg.classes.size(); ++i) {
        const int c = cfg.classes[i];
        if (c < 0 || c >= classes)
            throw DataError(field + ".classes: class " + std::to_string(c) + " is out of range: " +
                            source.path + " has classes 0-" + std::to_string(classes - 1));
        view.classPos[size_t(c)] = int(i);
    }
    view.labelMap = labelPermutation(cfg.classes.size(), cfg.label_permutation_seed);
    const InputShape& sh = source.shape;
    const int64_t positions = sh.isImage() ? int64_t(sh.height) * sh.width : sh.features;
    view.perm = pixelPermutation(cfg.kind == "permuted" ? cfg.permutation_seed : 0, positions);

    Task t;
    t.name = taskIndex == 0 ? "upstream" : "downstream";
    t.head = shared ? 0 : taskIndex;
    t.num_outputs = shared ? sharedOutputs : static_cast<int>(cfg.classes.size());
    // The seeds of Fashion-MNIST's tasks (tasks.cpp), so a task's draw depends on the same
    // things whichever source it comes from.
    const uint64_t base = (uint64_t(seed) << 8) ^ (uint64_t(taskIndex + 1) * 0x9E3779B97F4A7C15ULL);
    t.train = drawOwnSplit(view, source.train_pool, cfg.train_size, base ^ 0x1);
    t.test = drawOwnSplit(view, source.test_pool, cfg.test_size, base ^ 0x2);
    if (t.train.size() == 0)
        throw DataError(field + ": " + source.path + " has no training examples of classes " +
                        classList(cfg.classes));
    if (t.test.size() == 0)
        throw DataError(field + ": " + source.path + " has no test examples of classes " +
                        classList(cfg.classes) +
                        (source.data.summary.test_count > 0
                             ? std::string(" in its own test split")
                             : std::string(": a fifth of each class is held out for testing, "
                                           "so a class needs at least 2 examples")));
    return t;
}

}  // namespace forgetlab
