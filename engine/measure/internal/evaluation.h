#pragma once
// Engine-internal (includes torch). Mean loss and accuracy of a model on a data split,
// in eval mode, without gradients, in chunks of 1000 examples.

#include "engine/models/internal/models.h"
#include "engine/data/internal/tasks.h"

namespace forgetlab {

struct EvalResult {
    double loss = 0.0;
    double acc = 0.0;
};

// Rows per evaluation chunk: 1000 images, or about 32k target positions of sequences.
int64_t evaluationChunkRows(const DataSplit& split);

// Leaves the model in eval mode if `restoreTrain` is false.
EvalResult evaluateSplit(ForgetModel& model, const DataSplit& split, int head,
                         bool restoreTrain = true);

}  // namespace forgetlab
