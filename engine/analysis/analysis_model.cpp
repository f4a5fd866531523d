#include "engine/analysis/internal/analysis_model.h"

#include <filesystem>
#include <stdexcept>

#include "engine/data/internal/experiment_tasks.h"
#include "engine/data/fashion_mnist.h"
#include "engine/models/internal/safetensors.h"

namespace forgetlab {

LoadedModel loadModel(const ExperimentConfig& config, const std::string& checkpointFile) {
    if (!std::filesystem::exists(checkpointFile))
        throw std::runtime_error("checkpoint file " + checkpointFile +
                                 " is missing (was the run's folder moved or deleted?)");
    LoadedModel m;
    ExperimentTasks tasks = buildExperimentTasks(config);
    m.up = std::move(tasks.up);
    m.down = std::move(tasks.down);
    m.model = buildModel(config.model, tasks.heads);
    try {
        loadIntoModule(*m.model, loadSafetensors(checkpointFile), checkpointFile);
    } catch (const SafetensorsError& e) {
        throw std::runtime_error(std::string("cannot load the checkpoint: ") + e.what());
    }
    m.model->eval();
    return m;
}

std::vector<torch::Tensor> copyParameters(torch::nn::Module& model) {
    std::vector<torch::Tensor> out;
    for (const auto& p : model.parameters()) out.push_back(p.detach().clone());
    return out;
}

DataSplit headOf(const DataSplit& split, int64_t n) {
    n = std::min(n, split.size());
    return {split.input.slice(0, 0, n), split.target.slice(0, 0, n)};
}

}  // namespace forgetlab
