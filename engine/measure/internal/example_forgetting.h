#pragma once
// Engine-internal (includes torch). Per-example forgetting (SCIENCE.md section 5): a fixed,
// seeded set of tracked upstream training examples and the loss of each of them, so that
// z_j = loss after fine-tuning - loss before can be formed per example.

#include <cstdint>
#include <vector>

#include <torch/torch.h>

#include "engine/models/internal/models.h"
#include "engine/data/internal/tasks.h"

namespace forgetlab {

// `count` distinct indices into a pool of `poolSize` upstream training examples, drawn from
// the seed alone (so every run and every sweep row with that seed tracks the same
// examples), in increasing order. Fewer when the pool is smaller.
std::vector<int64_t> trackedExampleIndices(int64_t poolSize, int count, unsigned seed);

// Per-example loss (mean over the target positions of each example), eval mode, no
// gradients, in chunks; the model's training mode is restored.
std::vector<float> exampleLosses(ForgetModel& model, const DataSplit& split,
                                 const std::vector<int64_t>& index, int head);

}  // namespace forgetlab
