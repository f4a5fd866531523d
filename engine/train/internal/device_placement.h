#pragma once
// Engine-internal (includes torch). Where a run computes: the resolved device and
// precision, and putting models and data there. Every runner, analysis and sweep places
// its model and tasks through these, so the device is decided in one place.

#include <string>

#include <torch/torch.h>

#include "engine/data/internal/tasks.h"
#include "engine/models/internal/models.h"

namespace forgetlab {

struct RunDevice {
    torch::Device device{torch::kCPU};
    std::string name = "cpu";  // "cpu", "cuda:0", ...
    std::string precision = "fp32";
    bool bf16() const { return precision == "bf16" && device.is_cuda(); }
    bool cuda() const { return device.is_cuda(); }
};

// Resolves a configured device and precision ("auto" included) and sets the process-wide
// matmul switches for the precision (TF32 on for tf32, off otherwise). Throws
// std::runtime_error with the refusal message when the device or precision cannot be used.
RunDevice prepareDevice(const std::string& device, const std::string& precision);

// Moves a model's parameters and buffers to the device and sets its autocast precision.
void placeModel(ForgetModel& model, const RunDevice& device);

// Moves a task's splits to the device when they fit comfortably (at most a quarter of the
// device's free memory); otherwise they stay in pinned host memory and each batch is copied
// over asynchronously. No-op on the CPU.
void placeTask(Task& task, const RunDevice& device);

// The device of a module's first parameter (the CPU for a module without parameters).
torch::Device deviceOf(torch::nn::Module& module);

// The message of work that ran out of (GPU) memory `where` ("at fine-tuning step 12"):
// LibTorch's figures (allocated, requested, free) and what to change (`advice`; by default
// a training run's: batch, LoRA, bf16).
std::string outOfMemoryMessage(const std::exception& e, const std::string& where,
                               const std::string& advice = "");

}  // namespace forgetlab
