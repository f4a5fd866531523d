#pragma once
// Plain C++ (no torch). The compute devices this LibTorch can use, how a configured
// `device` ("auto", "cpu", "cuda", "cuda:N") resolves to one of them, whether a precision
// ("fp32", "bf16", "tf32") works there, and what the status bar shows about memory.
// Debian's libtorch-dev is CPU-only: there the list is the CPU alone, "auto" is "cpu" and
// every CUDA request is refused with a message that says how to get a CUDA build.

#include <cstdint>
#include <string>
#include <vector>

namespace forgetlab {

struct DeviceInfo {
    std::string device;        // "cpu", "cuda:0", ...
    std::string name;          // "CPU (16 threads)", "NVIDIA H200"
    int64_t memory_bytes = 0;  // total device memory (CUDA); 0 for the CPU
    int compute_major = 0;     // CUDA compute capability (0 for the CPU or when unknown)
    int compute_minor = 0;
    bool bf16 = false;  // bfloat16 matrix work (CUDA compute capability 8.0 or newer)
    bool tf32 = false;  // TF32 matmuls (same hardware generation)
};

// Whether this LibTorch was built with CUDA (false for Debian's libtorch-dev).
bool torchHasCuda();

// The CPU first, then every CUDA device LibTorch sees, in index order.
std::vector<DeviceInfo> listDevices();

// What "auto" resolves to: the first CUDA device when there is one, else "cpu".
std::string defaultDevice();

struct DeviceChoice {
    std::string device;  // the concrete device ("cpu", "cuda:N"); empty when refused
    std::string error;   // why it was refused, and what to do instead
    bool ok() const { return error.empty(); }
};

// Resolves a configured device. "cuda" means "cuda:0". A CPU-only LibTorch refuses every
// CUDA request; "cuda:7" on a one-GPU machine names the devices there are; an unknown
// spelling names the accepted ones.
DeviceChoice resolveDevice(const std::string& requested);

// Whether `device` spells a device at all ("auto", "cpu", "cuda", "cuda:N"), available or not.
bool isDeviceSpelling(const std::string& device);

// Empty when `precision` works on the (resolved) device, else why not and what to use.
std::string precisionProblem(const std::string& device, const std::string& precision);

struct DeviceMemory {
    bool known = false;
    int64_t used_bytes = 0;   // in use on the whole device (every process)
    int64_t total_bytes = 0;  // the device's memory
};

// Memory of a CUDA device from the driver; known = false for the CPU or when the driver
// cannot say.
DeviceMemory deviceMemory(const std::string& device);

// "libtorch 1.13.0", plus ", CUDA 12.4, driver 550.54" on a CUDA build with a driver.
std::string runtimeVersions();

// The record a run keeps of where it ran (JSON object): device, name, precision, libtorch,
// and on CUDA the driver and CUDA versions and compute capability.
std::string deviceRecordJson(const std::string& device, const std::string& precision);

// {"devices": [{"device": "cpu", "name": ...}, {"device": "cuda:0", "name": ...,
// "memory_bytes": ...}], "default": ...} on one line.
std::string devicesJson();

}  // namespace forgetlab
