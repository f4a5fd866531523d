#pragma once
// Engine-internal (includes torch). Models the runner trains: a body shared by all tasks
// and one or more output heads. Anything with forward(input, head) -> logits fits the
// runner, so a sequence model can be added without touching it.

#include <memory>
#include <vector>

#include <torch/torch.h>

#include "engine/core/config.h"
#include "engine/data/input_shape.h"

namespace forgetlab {

class ForgetModel : public torch::nn::Module {
public:
    // logits [..., num_outputs(head)]
    virtual torch::Tensor forward(const torch::Tensor& input, int head) = 0;
    virtual int numHeads() const = 0;

    // Precision bf16: every forward pass autocasts its matrix work to bfloat16 on CUDA and
    // returns fp32 logits; weights, gradients and the optimizer stay fp32.
    void setAutocastBf16(bool on) { m_autocastBf16 = on; }
    bool autocastBf16() const { return m_autocastBf16; }

    // The shape of one input example it was built for (MLP, CNN), so that a copy of it
    // (frozenCopy) is built alike; language models take token ids and leave it as it is.
    const InputShape& inputShape() const { return m_input; }

protected:
    bool m_autocastBf16 = false;
    InputShape m_input;
};

// MLP on flattened inputs (an image's C*H*W values, a table row's features): hidden widths
// with an activation, then the heads.
class MlpModel : public ForgetModel {
public:
    MlpModel(const InputShape& input, const std::vector<int>& hidden, const std::string& activation,
             const std::vector<int>& headOutputs);
    MlpModel(int64_t inputs, const std::vector<int>& hidden, const std::string& activation,
             const std::vector<int>& headOutputs)
        : MlpModel(InputShape::table(static_cast<int>(inputs)), hidden, activation, headOutputs) {}
    torch::Tensor forward(const torch::Tensor& input, int head) override;
    int numHeads() const override { return static_cast<int>(m_heads.size()); }

private:
    std::vector<torch::nn::Linear> m_layers;
    std::vector<torch::nn::Linear> m_heads;
    std::string m_activation;
};

// Small CNN: 3x3 conv + activation + 2x2 max-pool (while both sides are at least 2) per
// channel entry, then the hidden MLP widths, then the heads. Inputs are images of the given
// [C, H, W], flattened or not; throws std::invalid_argument for a table's shape.
class CnnModel : public ForgetModel {
public:
    CnnModel(const InputShape& input, const std::vector<int>& channels,
             const std::vector<int>& hidden, const std::string& activation,
             const std::vector<int>& headOutputs);
    torch::Tensor forward(const torch::Tensor& input, int head) override;
    int numHeads() const override { return static_cast<int>(m_heads.size()); }

private:
    std::vector<torch::nn::Conv2d> m_convs;
    std::vector<torch::nn::Linear> m_layers;
    std::vector<torch::nn::Linear> m_heads;
    std::string m_activation;
};

torch::Tensor activate(const torch::Tensor& x, const std::string& activation);

// The architecture of a model.kind "gpt" configuration: the checkpoint's config.json, or
// model.gpt.family with the size fields; vocab_size is `vocab` (the task's output count).
struct LmArchitecture;
LmArchitecture languageArchitecture(const ModelConfig& config, int vocab);

// Builds the configured model. headOutputs: output count of each head (one entry for a
// shared head). input: one example's shape, from the data (ExperimentTasks::input; the
// default is Fashion-MNIST's 1 x 28 x 28); language models ignore it. Initialised from
// torch's global generator: seed it first. Throws std::invalid_argument for a CNN on a
// table's shape.
std::shared_ptr<ForgetModel> buildModel(const ModelConfig& config,
                                        const std::vector<int>& headOutputs,
                                        const InputShape& input = InputShape{});

// The parameters that train (requires_grad), in parameters() order: all of them except the
// frozen base weights of a LoRA model.
std::vector<torch::Tensor> trainableParameters(torch::nn::Module& model);

// Named parameters in a fixed order (used by checkpoints and flat-vector helpers).
std::vector<std::pair<std::string, torch::Tensor>> namedParameters(torch::nn::Module& model);

}  // namespace forgetlab
