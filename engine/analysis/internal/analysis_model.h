#pragma once
// Engine-internal (includes torch). Rebuilds a run's model and tasks from its config and
// loads a checkpoint into it, for analyses of stored runs.

#include <memory>
#include <string>
#include <vector>

#include "engine/core/config.h"
#include "engine/models/internal/models.h"
#include "engine/data/internal/tasks.h"

namespace forgetlab {

struct LoadedModel {
    std::shared_ptr<ForgetModel> model;
    Task up, down;
};

// Throws std::runtime_error naming the file if the checkpoint is missing or does not fit.
LoadedModel loadModel(const ExperimentConfig& config, const std::string& checkpointFile);

// Parameters of a model, detached copies (e.g. to keep pre-trained weights).
std::vector<torch::Tensor> copyParameters(torch::nn::Module& model);

// The first n examples of a split (fixed evaluation subsets).
DataSplit headOf(const DataSplit& split, int64_t n);

}  // namespace forgetlab
