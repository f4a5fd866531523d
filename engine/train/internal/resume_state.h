#pragma once
// Engine-internal (includes torch). A resume point: what a fine-tuning run needs to go on
// from a checkpoint step exactly as if it had never stopped. Its weights as they train (LoRA
// adapters unfolded: the step's safetensors checkpoint has them folded in, so it cannot be
// trained on), the optimizer's state (SAM: its base optimizer's), the batch samplers
// (order, position, generator), torch's global generators, the live knobs applied so far,
// the base learning rate and the runner's bookkeeping. What the set-up recomputes
// deterministically (tasks, the pre-trained weights, strategy anchors, the Fisher, the LwF
// teacher) is not in it.
//
// The file (resume-step-N.pt beside step-N.safetensors) is a LibTorch archive written from
// CPU copies under a temporary name and then renamed, so a file of that name is always
// whole. It loads onto any device.

#include <cstdint>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "engine/core/run_control.h"
#include "engine/core/run_types.h"

namespace forgetlab {

// The plain part of a resume point.
struct ResumeState {
    int64_t step = 0;                     // fine-tuning steps done
    double base_lr = 0.0;                 // the base learning rate then (lr knobs included)
    std::vector<Knob> knobs;              // the live knobs applied so far, in order
    std::string sampler;                  // the fine-tuning BatchSampler's state()
    std::string replay;                   // StrategySet::replayState(), "" without replay
    int threads = 0;                      // torch's intra-op threads (CPU results depend on them)
    RunSummary summary;                   // what the runner had summarised so far
    std::vector<int64_t> tracked;         // tracked upstream examples (eval.example_losses)
    std::vector<float> loss_before;       // their losses before fine-tuning
    std::vector<int64_t> replay_indices;  // targeted replay's choice
};

// The file name of step N's resume point inside a run's checkpoint folder.
std::string resumeFileName(int64_t step);

// Deletes every resume point in a run's checkpoint folder (a run that ended for good).
void removeResumeFiles(const std::string& dir);

// Writes `state`, every parameter and buffer of `model`, the optimizer's state and torch's
// global generators (the CPU's, and `device`'s when it is a CUDA device) to `file`.
void writeResumeFile(const std::string& file, const ResumeState& state, torch::nn::Module& model,
                     const torch::optim::Optimizer& optimizer, const torch::Device& device);

// A resume point read back. Construction reads the file and its plain part; restore() puts
// the rest into a model and optimizer built as the run built them. Both throw
// std::runtime_error with a message naming the file when it is damaged or does not fit.
class ResumeFile {
public:
    ResumeFile(const std::string& file, const torch::Device& device);
    const ResumeState& state() const { return m_state; }
    // Weights and buffers into `model` (same names and shapes), the optimizer's state, and
    // the global generators last, so that nothing after it draws from them before step N+1.
    void restore(torch::nn::Module& model, torch::optim::Optimizer& optimizer);

private:
    std::string m_file;
    torch::Device m_device;
    torch::serialize::InputArchive m_archive;
    ResumeState m_state;
};

}  // namespace forgetlab
