#pragma once
// Engine-internal (includes torch). A task is a supervised data set whose examples feed a
// model's head: inputs, integer targets, and which head to use. Targets may have any
// shape that matches the model output without its last (class) dimension, so a
// next-token language-model task fits the same runner (logits [B,T,V], targets [B,T]).

#include <cstdint>
#include <optional>
#include <utility>
#include <random>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "engine/core/config.h"
#include "engine/data/fashion_mnist.h"

namespace forgetlab {

struct Batch {
    torch::Tensor input;
    torch::Tensor target;
    int head = 0;
};

struct DataSplit {
    torch::Tensor input;   // [N, ...] float
    torch::Tensor target;  // [N, ...] int64
    // Where batches go when the split itself stays in (pinned) host memory because it does
    // not fit the run's device; empty: batches stay where the split is.
    std::optional<torch::Device> stage_to;

    DataSplit() = default;
    DataSplit(torch::Tensor in, torch::Tensor tg) : input(std::move(in)), target(std::move(tg)) {}
    int64_t size() const { return input.defined() ? input.size(0) : 0; }
    Batch rows(const torch::Tensor& index, int head) const;
    Batch slice(int64_t begin, int64_t end, int head) const;
};

struct Task {
    std::string name;
    int head = 0;
    int num_outputs = 10;  // outputs of that head
    DataSplit train, test;
    // Language tasks: examples cut to the context (truncated) and left out because nothing
    // that counts for the loss remained (dropped), over train and test together.
    int64_t truncated = 0, dropped = 0;
    // Language tasks: the test examples as text (the fortune-cloze benchmark cuts these).
    std::vector<std::string> test_texts;
};

// Draws batches from a training split: a fresh seeded shuffle each epoch.
class BatchSampler {
public:
    BatchSampler(int64_t size, int batchSize, uint64_t seed);
    torch::Tensor next();  // int64 indices, batchSize of them (fewer only if size < batch)

    // Where the sampler is (order, position, generator) as text, and back: a resumed run
    // continues with the batches the interrupted one would have drawn. restore throws
    // std::runtime_error for a state of another size or a damaged one.
    std::string state() const;
    void restore(const std::string& state);

private:
    std::vector<int64_t> m_order;
    size_t m_pos = 0;
    int m_batch;
    std::mt19937_64 m_rng;
};

// Builds the task with the given index (0 = upstream, 1 = downstream) from Fashion-MNIST.
// Shared head: targets are the original class ids (10 outputs). Multi-head: the task has
// its own head and targets are positions in task.classes.
Task buildFashionTask(const FashionMnist& data, const TaskConfig& task, const ModelConfig& model,
                      int taskIndex, unsigned seed);

// The permutation of `size` positions (pixels of an image, features of a table row) for a
// seed: output position p takes input position perm[p]. Identity for seed 0. The default is
// Fashion-MNIST's 28 x 28; a size's permutation is the same whichever data it is used on.
std::vector<int64_t> pixelPermutation(int seed, int64_t size = FashionMnist::kPixels);

// The label permutation of a task with `classes` classes for a seed: position i's examples
// get the label of position map[i]. Identity for seed 0; otherwise a seeded derangement.
std::vector<int> labelPermutation(size_t classes, int seed);

// Mean cross-entropy over all target positions; logits [..., C], target [...].
torch::Tensor taskLoss(const torch::Tensor& logits, const torch::Tensor& target);

}  // namespace forgetlab
