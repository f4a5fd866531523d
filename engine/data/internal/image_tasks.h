#pragma once
// Engine-internal (includes torch). Tasks for the MLP/CNN from a person's own images, CSV
// table or IDX pair (task.source images | csv | idx, engine/data/data_files.h), built as
// Fashion-MNIST's are (engine/data/internal/tasks.h): the same class subsets, pixel or
// feature permutations, rotations, noise and label permutations, the same seeds.
//
// What differs, because a person's data has no fixed split and no known statistics:
// - Split. An IDX folder with a t10k pair keeps that split. Any other source is split once
//   per run seed, independently of the tasks: in every class, a seeded fifth of the
//   examples (at least one when the class has two or more) is held out for testing, the
//   rest trains. Each task then draws up to test_size test examples from the held-out part
//   of its classes and up to train_size training examples from the rest, as Fashion-MNIST's
//   tasks draw from its test and training files. Because the split does not depend on the
//   task, an example that one phase tests on is never one the other phase trains on.
// - Standardisation. Every value is standardised with the source's own mean and standard
//   deviation over its training part (all classes, before any transform): per channel for
//   images (Fashion-MNIST uses one pair of constants, 0.2860 and 0.3530, for its one
//   channel), per feature column for a table (columns often have unrelated units). A
//   constant channel or column keeps its scale (std taken as 1).
// - Permutation. "permuted" permutes pixel positions (the same permutation in every channel
//   of an image) or feature columns, with pixelPermutation(permutation_seed, size).
// - Rotation turns each channel about the image centre (bilinear, 0 outside, before the
//   standardisation, as Fashion-MNIST's); a table has no pixels and is refused.
// - Outputs. A shared head has one output per class of the source (of the larger source
//   when the two phases use different ones); targets are the source's class ids.

#include <memory>
#include <string>
#include <vector>

#include "engine/core/config.h"
#include "engine/data/data_files.h"
#include "engine/data/input_shape.h"
#include "engine/data/internal/tasks.h"

namespace forgetlab {

// One own source read for training.
struct OwnSource {
    std::string path;
    LabeledData data;  // values in [0, 1] for images, as written for a table
    InputShape shape;
    std::vector<int64_t> train_pool, test_pool;  // example indices, ascending
    std::vector<float> mean, inv_std;            // per channel (image) or feature (table)
    int classes() const { return data.summary.classes(); }
};

// Reads a task's source (images, csv or idx) and splits it for the run seed. Throws
// DataError listing the source's problems.
std::shared_ptr<const OwnSource> loadOwnSource(const TaskConfig& task, unsigned seed);

// Whether two tasks read the same examples the same way, so one read serves both.
bool sameOwnSource(const TaskConfig& a, const TaskConfig& b);

// Builds the task with the given index (0 = upstream, 1 = downstream) from the source.
// Shared head: sharedOutputs outputs, targets the source's class ids. Multi-head: its own
// head, targets positions in task.classes. Throws DataError for a class the source lacks, a
// rotation of a table, or a task left without training or test examples.
Task buildOwnTask(const OwnSource& source, const TaskConfig& task, const ModelConfig& model,
                  int taskIndex, unsigned seed, int sharedOutputs);

}  // namespace forgetlab
