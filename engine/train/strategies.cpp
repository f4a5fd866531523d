#include "engine/train/internal/strategies.h"

#include <cmath>
#include <stdexcept>

#include "engine/core/names.h"

namespace forgetlab {

std::vector<torch::Tensor> empiricalFisher(ForgetModel& model, const DataSplit& data, int head,
                                           int samples) {
    const auto params = trainableParameters(model);
    std::vector<torch::Tensor> fisher;
    for (const auto& p : params) fisher.push_back(torch::zeros_like(p).detach());
    const int64_t n = std::min<int64_t>(samples, data.size());
    if (n == 0) return fisher;
    const bool wasTraining = model.is_training();
    model.eval();
    torch::AutoGradMode enable(true);
    for (int64_t i = 0; i < n; ++i) {
        const Batch one = data.slice(i, i + 1, head);
        // -log p(y | x): one class, or the sum over a sequence's (non-padding) tokens.
        const torch::Tensor logits = model.forward(one.input, head);
        torch::Tensor nll = torch::nn::functional::cross_entropy(
            logits.reshape({-1, logits.size(-1)}), one.target.reshape({-1}),
            torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum));
        auto grads = torch::autograd::grad({nll}, params, {}, false, false, true);
        torch::NoGradGuard noGrad;
        for (size_t k = 0; k < params.size(); ++k)
            if (grads[k].defined()) fisher[k].add_(grads[k].pow(2));
    }
    for (auto& f : fisher) f.div_(double(n));
    model.train(wasTraining);
    return fisher;
}

torch::Tensor ewcPenalty(const std::vector<torch::Tensor>& params,
                         const std::vector<torch::Tensor>& fisher,
                         const std::vector<torch::Tensor>& anchor, double lambda) {
    torch::Tensor sum = torch::zeros({}, params.at(0).options());
    for (size_t i = 0; i < params.size(); ++i)
        sum = sum + (fisher[i] * (params[i] - anchor[i]).pow(2)).sum();
    return 0.5 * lambda * sum;
}

torch::Tensor l2spPenalty(const std::vector<torch::Tensor>& params,
                          const std::vector<torch::Tensor>& anchor, double lambda) {
    torch::Tensor sum = torch::zeros({}, params.at(0).options());
    for (size_t i = 0; i < params.size(); ++i) sum = sum + (params[i] - anchor[i]).pow(2).sum();
    return 0.5 * lambda * sum;
}

torch::Tensor lwfLoss(const torch::Tensor& student, const torch::Tensor& teacher, double t) {
    const torch::Tensor target = torch::softmax(teacher.detach() / t, -1);
    return -(target * torch::log_softmax(student / t, -1)).sum(-1).mean();
}

StrategySet::StrategySet(const StrategyConfig& config, ForgetModel& model,
                         std::shared_ptr<ForgetModel> teacher, const Task& upstream, uint64_t seed,
                         const std::vector<int64_t>* replayIndices)
    : m_cfg(config), m_teacher(std::move(teacher)), m_upHead(upstream.head) {
    const int64_t keep = std::min<int64_t>(m_cfg.replay_buffer, upstream.train.size());
    // The buffer is always filled (if configured) so a live knob can switch replay on.
    if (replayIndices && !replayIndices->empty()) {
        const Batch rows =
            upstream.train.rows(torch::tensor(*replayIndices, torch::kInt64), upstream.head);
        m_buffer = {rows.input, rows.target};
        m_replaySampler = std::make_unique<BatchSampler>(
            static_cast<int64_t>(replayIndices->size()), 1, seed ^ 0x5EEDu);
    } else if (keep > 0) {
        BatchSampler pick(upstream.train.size(), static_cast<int>(keep), seed ^ 0xB0FFu);
        const Batch rows = upstream.train.rows(pick.next(), upstream.head);
        m_buffer = {rows.input, rows.target};
        m_replaySampler = std::make_unique<BatchSampler>(keep, 1, seed ^ 0x5EEDu);
    }
    // Anchors (and the Fisher) cover the trainable parameters: with LoRA, the adapters.
    for (const auto& p : trainableParameters(model)) m_anchor.push_back(p.detach().clone());
    if (m_cfg.ewc_lambda > 0)
        m_fisher = empiricalFisher(model, upstream.train, upstream.head, m_cfg.ewc_samples);
    if (m_teacher) {
        m_teacher->eval();
        for (auto& p : m_teacher->parameters()) p.requires_grad_(false);
    }
}

MixedBatch StrategySet::compose(const Batch& down) {
    MixedBatch mixed;
    const int64_t b = down.input.size(0);
    const int64_t r = m_buffer.size() > 0
                          ? std::min<int64_t>(b, std::llround(m_cfg.replay_ratio * double(b)))
                          : 0;
    if (r == 0) {
        mixed.down = down;
        return mixed;
    }
    mixed.down = {down.input.slice(0, 0, b - r), down.target.slice(0, 0, b - r), down.head};
    std::vector<int64_t> idx;
    for (int64_t i = 0; i < r; ++i) idx.push_back(m_replaySampler->next().item<int64_t>());
    mixed.replay = m_buffer.rows(torch::tensor(idx, torch::kInt64), m_upHead);
    return mixed;
}

torch::Tensor StrategySet::loss(ForgetModel& model, const MixedBatch& batch) {
    const int64_t nd = batch.down.input.size(0);
    const int64_t nr = batch.replay.input.defined() ? batch.replay.input.size(0) : 0;
    torch::Tensor total;
    if (nr > 0 && batch.replay.head == batch.down.head) {
        // One head: one forward over the concatenated batch (the plain mean over rows).
        const torch::Tensor x = torch::cat({batch.down.input, batch.replay.input});
        const torch::Tensor y = torch::cat({batch.down.target, batch.replay.target});
        total = taskLoss(model.forward(x, batch.down.head), y);
    } else {
        total = taskLoss(model.forward(batch.down.input, batch.down.head), batch.down.target);
        if (nr > 0) {
            const torch::Tensor lr =
                taskLoss(model.forward(batch.replay.input, batch.replay.head), batch.replay.target);
            total = (total * double(nd) + lr * double(nr)) / double(nd + nr);
        }
    }
    torch::Tensor penalty;
    auto add = [&](const torch::Tensor& t) { penalty = penalty.defined() ? penalty + t : t; };
    // Only list the parameters when a penalty needs them: this runs every step.
    if (m_cfg.ewc_lambda > 0 && !m_fisher.empty())
        add(ewcPenalty(trainableParameters(model), m_fisher, m_anchor, m_cfg.ewc_lambda));
    if (m_cfg.l2sp_lambda > 0)
        add(l2spPenalty(trainableParameters(model), m_anchor, m_cfg.l2sp_lambda));
    if (m_cfg.lwf_lambda > 0 && m_teacher) {
        // Distil the pre-trained model's upstream-head outputs on the downstream inputs.
        torch::Tensor teacherLogits;
        {
            torch::NoGradGuard noGrad;
            teacherLogits = m_teacher->forward(batch.down.input, m_upHead);
        }
        add(m_cfg.lwf_lambda * lwfLoss(model.forward(batch.down.input, m_upHead), teacherLogits,
                                       m_cfg.lwf_temperature));
    }
    m_lastPenalty = penalty.defined() ? penalty.detach() : torch::Tensor();
    return penalty.defined() ? total + penalty : total;
}

std::string StrategySet::replayState() const {
    return m_replaySampler ? m_replaySampler->state() : std::string();
}

void StrategySet::restoreReplayState(const std::string& state) {
    if (!m_replaySampler) {
        if (!state.empty())
            throw std::runtime_error("the saved run replays from a buffer this one does not have");
        return;
    }
    m_replaySampler->restore(state);
}

bool StrategySet::setKnob(const std::string& name, double value) {
    if (!std::isfinite(value) || value < 0) return false;
    if (name == knobs::kReplayRatio) {
        if (value >= 1 || m_buffer.size() == 0) return false;
        m_cfg.replay_ratio = value;
    } else if (name == knobs::kEwcLambda) {
        if (m_fisher.empty()) return false;  // the Fisher was not computed for this run
        m_cfg.ewc_lambda = value;
    } else if (name == knobs::kL2spLambda) {
        m_cfg.l2sp_lambda = value;
    } else if (name == knobs::kLwfLambda) {
        if (!m_teacher) return false;
        m_cfg.lwf_lambda = value;
    } else {
        return false;
    }
    return true;
}

}  // namespace forgetlab
