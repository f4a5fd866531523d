#include "engine/analysis/internal/analysis_model.h"

#include <filesystem>
#include <stdexcept>

#include "engine/data/internal/experiment_tasks.h"
#include "engine/data/fashion_mnist.h"
#include "engine/models/internal/safetensors.h"
#include "engine/train/internal/device_placement.h"

namespace forgetlab {

LoadedModel loadModel(const ExperimentConfig& config, const std::string& checkpointFile) {
    if (!std::filesystem::exists(checkpointFile))
        throw std::runtime_error("checkpoint file " + checkpointFile +
                                 " is missing (was the run's folder moved or deleted?)");
    LoadedModel m;
    ExperimentTasks tasks = buildExperimentTasks(config);
    m.up = std::move(tasks.up);
    m.down = std::move(tasks.down);
    m.model = buildModel(config.model, tasks.heads, tasks.input);
    try {
        // Checkpoints hold CPU tensors; they load onto whatever device the analysis uses.
        loadIntoModule(*m.model, loadSafetensors(checkpointFile), checkpointFile);
    } catch (const SafetensorsError& e) {
        throw std::runtime_error(std::string("cannot load the checkpoint: ") + e.what());
    }
    const RunDevice device = prepareDevice(config.device, config.precision);
    placeModel(*m.model, device);
    placeTask(m.up, device);
    placeTask(m.down, device);
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
    DataSplit head{split.input.slice(0, 0, n), split.target.slice(0, 0, n)};
    if (split.stage_to) {  // a fixed subset is small: it lives on the device
        head.input = head.input.to(*split.stage_to);
        head.target = head.target.to(*split.stage_to);
    }
    return head;
}

}  // namespace forgetlab
