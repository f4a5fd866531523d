#pragma once
// Engine-internal (includes torch). Anti-forgetting strategies for fine-tuning
// (SCIENCE.md section 4): replay, EWC, L2-SP and LwF. They change the training loss
// only, so each combines with every optimizer (SAM included) and with each other.

#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "engine/core/config.h"
#include "engine/models/internal/models.h"
#include "engine/data/internal/tasks.h"

namespace forgetlab {

// Diagonal empirical Fisher: mean over `samples` examples of the squared per-example
// gradient of the log-likelihood of the true label. Same order as model.parameters().
std::vector<torch::Tensor> empiricalFisher(ForgetModel& model, const DataSplit& data, int head,
                                           int samples);

// lambda/2 sum_i F_i (w_i - w*_i)^2
torch::Tensor ewcPenalty(const std::vector<torch::Tensor>& params,
                         const std::vector<torch::Tensor>& fisher,
                         const std::vector<torch::Tensor>& anchor, double lambda);
// lambda/2 ||w - w_pre||^2
torch::Tensor l2spPenalty(const std::vector<torch::Tensor>& params,
                          const std::vector<torch::Tensor>& anchor, double lambda);
// Distillation: mean over the batch of -sum_c softmax(teacher/T)_c log softmax(student/T)_c.
torch::Tensor lwfLoss(const torch::Tensor& studentLogits, const torch::Tensor& teacherLogits,
                      double temperature);

// A batch split into its downstream part and its replayed upstream part.
struct MixedBatch {
    Batch down;
    Batch replay;  // empty input when nothing is replayed
};

class StrategySet {
public:
    // `model` holds the pre-trained weights now; `teacher` is a frozen copy of them (used
    // only for LwF, may be null otherwise). `upstream` supplies replay and Fisher data.
    // `replayIndices`, when given, are the upstream training examples the replay buffer
    // keeps (targeted replay); otherwise replay_buffer of them are drawn from the seed.
    StrategySet(const StrategyConfig& config, ForgetModel& model,
                std::shared_ptr<ForgetModel> teacher, const Task& upstream, uint64_t seed,
                const std::vector<int64_t>* replayIndices = nullptr);

    // Replaces round(ratio * B) rows of the downstream batch with replayed examples.
    MixedBatch compose(const Batch& downstream);
    // Task loss over the mixed batch (each part through its own head, weighted by its
    // share of rows) plus the penalties.
    torch::Tensor loss(ForgetModel& model, const MixedBatch& batch);
    // Penalty part of the last loss() call (0 if no penalty is on), for the metrics.
    // The last loss() call's penalty (read back from the device on each call).
    double lastPenalty() const {
        return m_lastPenalty.defined() ? m_lastPenalty.item<double>() : 0.0;
    }
    // The same, left on the device (undefined when no penalty applies), so that a GPU step
    // does not wait for it.
    const torch::Tensor& lastPenaltyTensor() const { return m_lastPenalty; }

    // Live knobs: "replay_ratio", "ewc_lambda", "l2sp_lambda", "lwf_lambda".
    bool setKnob(const std::string& name, double value);
    const StrategyConfig& config() const { return m_cfg; }

    // Where replay is in its buffer ("" without one), and back, for resuming a run.
    std::string replayState() const;
    void restoreReplayState(const std::string& state);

private:
    StrategyConfig m_cfg;
    std::shared_ptr<ForgetModel> m_teacher;
    int m_upHead = 0;
    DataSplit m_buffer;
    std::unique_ptr<BatchSampler> m_replaySampler;
    std::vector<torch::Tensor> m_anchor, m_fisher;
    torch::Tensor m_lastPenalty;
};

}  // namespace forgetlab
