#include "engine/train/internal/device_placement.h"

#include <stdexcept>

#include "engine/core/devices.h"
#include "engine/core/internal/torch_compat.h"

namespace forgetlab {

RunDevice prepareDevice(const std::string& device, const std::string& precision) {
    const DeviceChoice choice = resolveDevice(device);
    if (!choice.ok()) throw std::runtime_error(choice.error);
    if (const std::string p = precisionProblem(choice.device, precision); !p.empty())
        throw std::runtime_error(p);
    RunDevice rd;
    rd.name = choice.device;
    rd.device = torch::Device(choice.device);
    rd.precision = precision;
    if (rd.cuda()) compat::setTf32(precision == "tf32");
    return rd;
}

void placeModel(ForgetModel& model, const RunDevice& device) {
    if (device.cuda()) model.to(device.device);
    model.setAutocastBf16(device.bf16());
}

namespace {

int64_t splitBytes(const DataSplit& s) {
    int64_t n = 0;
    if (s.input.defined()) n += s.input.numel() * int64_t(s.input.element_size());
    if (s.target.defined()) n += s.target.numel() * int64_t(s.target.element_size());
    return n;
}

void placeSplit(DataSplit& s, const RunDevice& device, bool fits) {
    if (!s.input.defined()) return;
    if (fits) {
        s.input = s.input.to(device.device);
        s.target = s.target.to(device.device);
        s.stage_to.reset();
    } else {
        s.input = s.input.pin_memory();
        s.target = s.target.pin_memory();
        s.stage_to = device.device;
    }
}

}  // namespace

void placeTask(Task& task, const RunDevice& device) {
    if (!device.cuda()) return;
    const int64_t bytes = splitBytes(task.train) + splitBytes(task.test);
    const DeviceMemory mem = deviceMemory(device.name);
    // Unknown free memory (no driver figures): trust that a task fits.
    const bool fits = !mem.known || bytes <= (mem.total_bytes - mem.used_bytes) / 4;
    placeSplit(task.train, device, fits);
    placeSplit(task.test, device, fits);
}

torch::Device deviceOf(torch::nn::Module& module) {
    for (const auto& p : module.parameters()) return p.device();
    return torch::kCPU;
}

std::string outOfMemoryMessage(const std::exception& e, const std::string& where,
                               const std::string& advice) {
    std::string what = e.what();
    if (const auto* c = dynamic_cast<const c10::Error*>(&e)) what = c->what_without_backtrace();
    // LibTorch's first paragraph carries the figures (tried to allocate, total, free,
    // allocated by PyTorch); the advice about allocator settings after it is for Python.
    if (const size_t cut = what.find(" See documentation"); cut != std::string::npos)
        what.resize(cut);
    while (!what.empty() && (what.back() == '\n' || what.back() == ' ')) what.pop_back();
    return "out of memory " + where + ": " + what + ". To fit, " +
           (advice.empty() ? "lower the batch size, train LoRA adapters (model.lora.rank) "
                             "instead of every weight, or use precision bf16"
                           : advice);
}

}  // namespace forgetlab
