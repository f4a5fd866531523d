#include "engine/models/internal/models.h"

#include <filesystem>
#include <stdexcept>

#include "engine/core/internal/torch_compat.h"
#include "engine/models/internal/gpt_model.h"

namespace forgetlab {

torch::Tensor activate(const torch::Tensor& x, const std::string& activation) {
    if (activation == "tanh") return torch::tanh(x);
    if (activation == "gelu") return torch::gelu(x);
    return torch::relu(x);
}

namespace {

std::vector<torch::nn::Linear> makeHeads(torch::nn::Module& m, int64_t in,
                                         const std::vector<int>& outs) {
    std::vector<torch::nn::Linear> heads;
    for (size_t i = 0; i < outs.size(); ++i)
        heads.push_back(
            m.register_module("head" + std::to_string(i), torch::nn::Linear(in, outs[i])));
    return heads;
}

}  // namespace

MlpModel::MlpModel(const InputShape& input, const std::vector<int>& hidden,
                   const std::string& activation, const std::vector<int>& headOutputs)
    : m_activation(activation) {
    m_input = input;
    int64_t in = input.features;
    for (size_t i = 0; i < hidden.size(); ++i) {
        m_layers.push_back(
            register_module("fc" + std::to_string(i), torch::nn::Linear(in, hidden[i])));
        in = hidden[i];
    }
    m_heads = makeHeads(*this, in, headOutputs);
}

torch::Tensor MlpModel::forward(const torch::Tensor& input, int head) {
    compat::AutocastScope autocast(m_autocastBf16);
    // Inputs are usually [B, features] already; a no-op reshape would still cost an autograd
    // node.
    torch::Tensor x = input.dim() == 2 ? input : input.reshape({input.size(0), -1});
    for (auto& layer : m_layers) x = activate(layer->forward(x), m_activation);
    torch::Tensor logits = m_heads.at(static_cast<size_t>(head))->forward(x);
    return m_autocastBf16 ? logits.to(torch::kFloat32) : logits;
}

CnnModel::CnnModel(const InputShape& input, const std::vector<int>& channels,
                   const std::vector<int>& hidden, const std::string& activation,
                   const std::vector<int>& headOutputs)
    : m_activation(activation) {
    if (!input.isImage())
        throw std::invalid_argument("a CNN convolves images, but the data are a table of " +
                                    input.text() + ": use model.kind mlp");
    m_input = input;
    int64_t inCh = input.channels, h = input.height, w = input.width;
    for (size_t i = 0; i < channels.size(); ++i) {
        m_convs.push_back(register_module(
            "conv" + std::to_string(i),
            torch::nn::Conv2d(torch::nn::Conv2dOptions(inCh, channels[i], 3).padding(1))));
        inCh = channels[i];
        if (h >= 2 && w >= 2) {  // forward pools exactly then
            h /= 2;
            w /= 2;
        }
    }
    int64_t in = inCh * h * w;
    for (size_t i = 0; i < hidden.size(); ++i) {
        m_layers.push_back(
            register_module("fc" + std::to_string(i), torch::nn::Linear(in, hidden[i])));
        in = hidden[i];
    }
    m_heads = makeHeads(*this, in, headOutputs);
}

torch::Tensor CnnModel::forward(const torch::Tensor& input, int head) {
    compat::AutocastScope autocast(m_autocastBf16);
    torch::Tensor x =
        input.reshape({input.size(0), m_input.channels, m_input.height, m_input.width});
    for (auto& conv : m_convs) {
        x = activate(conv->forward(x), m_activation);
        if (x.size(-1) >= 2 && x.size(-2) >= 2) x = torch::max_pool2d(x, 2);
    }
    x = x.flatten(1);
    for (auto& layer : m_layers) x = activate(layer->forward(x), m_activation);
    torch::Tensor logits = m_heads.at(static_cast<size_t>(head))->forward(x);
    return m_autocastBf16 ? logits.to(torch::kFloat32) : logits;
}

LmArchitecture languageArchitecture(const ModelConfig& config, int vocab) {
    LmArchitecture arch;
    if (!config.checkpoint.empty()) {
        arch = readHfConfig((std::filesystem::path(config.checkpoint) / "config.json").string());
    } else {
        arch = architectureFromSizes(config.family, config.n_layer, config.n_head, config.n_embd,
                                     config.context, vocab);
    }
    arch.vocab_size = vocab;
    return arch;
}

std::shared_ptr<ForgetModel> buildModel(const ModelConfig& config,
                                        const std::vector<int>& headOutputs,
                                        const InputShape& input) {
    if (config.kind == "gpt") {
        // The vocabulary is the single head's output count; the family and sizes come from
        // the checkpoint's config.json when there is one. Weights about to be loaded from a
        // folder are not initialised first (much faster for large models); gpt2 keeps its
        // initialisation so runs stay as they were.
        LmArchitecture arch = languageArchitecture(config, headOutputs.at(0));
        auto model = makeLanguageModel(arch, config.checkpoint.empty() || arch.family == "gpt2");
        model->setGradientCheckpointing(config.gradient_checkpointing);
        return model;
    }
    if (config.kind == "cnn")
        return std::make_shared<CnnModel>(input, config.channels, config.hidden, config.activation,
                                          headOutputs);
    return std::make_shared<MlpModel>(input, config.hidden, config.activation, headOutputs);
}

std::vector<torch::Tensor> trainableParameters(torch::nn::Module& model) {
    std::vector<torch::Tensor> out;
    for (const auto& p : model.parameters(/*recurse=*/true))
        if (p.requires_grad()) out.push_back(p);
    return out;
}

std::vector<std::pair<std::string, torch::Tensor>> namedParameters(torch::nn::Module& model) {
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (const auto& item : model.named_parameters(/*recurse=*/true))
        out.emplace_back(item.key(), item.value());
    return out;
}

}  // namespace forgetlab
