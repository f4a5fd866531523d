#include "engine/core/devices.h"

#include <dlfcn.h>

#include <cstdio>
#include <mutex>
#include <regex>
#include <thread>

#include <nlohmann/json.hpp>
#include <torch/torch.h>
#include <torch/version.h>

namespace forgetlab {
namespace {

// The CUDA driver API, loaded at run time so that the engine neither needs the CUDA
// headers to build nor libcuda to start: names, memory and compute capability come from
// the driver (LibTorch's C++ API offers only the device count without CUDA headers).
struct CudaDriver {
    using Fn1i = int (*)(unsigned);
    using FnPi = int (*)(int*);
    using FnGet = int (*)(int*, int);
    using FnName = int (*)(char*, int, int);
    using FnMem = int (*)(size_t*, int);
    using FnAttr = int (*)(int*, int, int);
    using FnCtxState = int (*)(int, unsigned*, int*);
    using FnRetain = int (*)(void**, int);
    using FnRelease = int (*)(int);
    using FnPush = int (*)(void*);
    using FnPop = int (*)(void**);
    using FnMemInfo = int (*)(size_t*, size_t*);

    bool ok = false;
    FnPi driverGetVersion = nullptr;
    FnGet deviceGet = nullptr;
    FnName deviceGetName = nullptr;
    FnMem deviceTotalMem = nullptr;
    FnAttr deviceGetAttribute = nullptr;
    FnCtxState primaryCtxGetState = nullptr;
    FnRetain primaryCtxRetain = nullptr;
    FnRelease primaryCtxRelease = nullptr;
    FnPush ctxPush = nullptr;
    FnPop ctxPop = nullptr;
    FnMemInfo memGetInfo = nullptr;

    static const CudaDriver& get() {
        static const CudaDriver driver = load();
        return driver;
    }

private:
    static CudaDriver load() {
        CudaDriver d;
        void* lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
        if (!lib) return d;
        auto sym = [&](const char* name) { return dlsym(lib, name); };
        auto init = reinterpret_cast<Fn1i>(sym("cuInit"));
        d.driverGetVersion = reinterpret_cast<FnPi>(sym("cuDriverGetVersion"));
        d.deviceGet = reinterpret_cast<FnGet>(sym("cuDeviceGet"));
        d.deviceGetName = reinterpret_cast<FnName>(sym("cuDeviceGetName"));
        d.deviceTotalMem = reinterpret_cast<FnMem>(sym("cuDeviceTotalMem_v2"));
        d.deviceGetAttribute = reinterpret_cast<FnAttr>(sym("cuDeviceGetAttribute"));
        d.primaryCtxGetState = reinterpret_cast<FnCtxState>(sym("cuDevicePrimaryCtxGetState"));
        d.primaryCtxRetain = reinterpret_cast<FnRetain>(sym("cuDevicePrimaryCtxRetain"));
        d.primaryCtxRelease = reinterpret_cast<FnRelease>(sym("cuDevicePrimaryCtxRelease_v2"));
        d.ctxPush = reinterpret_cast<FnPush>(sym("cuCtxPushCurrent_v2"));
        d.ctxPop = reinterpret_cast<FnPop>(sym("cuCtxPopCurrent_v2"));
        d.memGetInfo = reinterpret_cast<FnMemInfo>(sym("cuMemGetInfo_v2"));
        d.ok = init && d.driverGetVersion && d.deviceGet && d.deviceGetName && d.deviceTotalMem &&
               d.deviceGetAttribute && init(0) == 0;
        return d;
    }
};

constexpr int kComputeMajor = 75;  // CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR
constexpr int kComputeMinor = 76;

int cudaDeviceCount() {
    if (!torchHasCuda()) return 0;
    return static_cast<int>(torch::cuda::device_count());
}

DeviceInfo cudaInfo(int index) {
    DeviceInfo info;
    info.device = "cuda:" + std::to_string(index);
    info.name = "CUDA device " + std::to_string(index);
    const CudaDriver& d = CudaDriver::get();
    int dev = 0;
    if (d.ok && d.deviceGet(&dev, index) == 0) {
        char name[256] = {};
        if (d.deviceGetName(name, sizeof(name) - 1, dev) == 0) info.name = name;
        size_t bytes = 0;
        if (d.deviceTotalMem(&bytes, dev) == 0) info.memory_bytes = static_cast<int64_t>(bytes);
        d.deviceGetAttribute(&info.compute_major, kComputeMajor, dev);
        d.deviceGetAttribute(&info.compute_minor, kComputeMinor, dev);
    }
    info.bf16 = info.tf32 = info.compute_major >= 8;
    return info;
}

std::string deviceList(const std::vector<DeviceInfo>& devices) {
    std::string out;
    for (const auto& d : devices) {
        if (!out.empty()) out += ", ";
        out += d.device;
        if (d.device != "cpu") out += " (" + d.name + ")";
    }
    return out;
}

const std::regex& cudaIndexPattern() {
    static const std::regex re("cuda:([0-9]{1,3})");
    return re;
}

}  // namespace

bool torchHasCuda() {
    static const bool has = [] {
        try {
            // The CPU-only hooks throw here ("without ATen_cuda library").
            at::detail::getCUDAHooks().versionCUDART();
            return true;
        } catch (const std::exception&) {
            return false;
        }
    }();
    return has;
}

std::vector<DeviceInfo> listDevices() {
    std::vector<DeviceInfo> out;
    DeviceInfo cpu;
    cpu.device = "cpu";
    cpu.name =
        "CPU (" + std::to_string(std::max(1u, std::thread::hardware_concurrency())) + " threads)";
    out.push_back(cpu);
    const int n = cudaDeviceCount();
    for (int i = 0; i < n; ++i) out.push_back(cudaInfo(i));
    return out;
}

std::string defaultDevice() {
    return cudaDeviceCount() > 0 ? "cuda:0" : "cpu";
}

bool isDeviceSpelling(const std::string& device) {
    return device == "auto" || device == "cpu" || device == "cuda" ||
           std::regex_match(device, cudaIndexPattern());
}

DeviceChoice resolveDevice(const std::string& requested) {
    DeviceChoice c;
    if (!isDeviceSpelling(requested)) {
        c.error = "unknown device '" + requested + "'; use auto, cpu, cuda or cuda:N";
        return c;
    }
    if (requested == "auto") {
        c.device = defaultDevice();
        return c;
    }
    if (requested == "cpu") {
        c.device = "cpu";
        return c;
    }
    if (!torchHasCuda()) {
        c.error =
            "this LibTorch has no CUDA (Debian's libtorch-dev is CPU-only); build against a CUDA "
            "LibTorch (README: GPU build) or use --device cpu";
        return c;
    }
    const int n = cudaDeviceCount();
    if (n == 0) {
        c.error =
            "this LibTorch has CUDA but sees no GPU (no NVIDIA driver, or CUDA_VISIBLE_DEVICES "
            "hides them all); use --device cpu";
        return c;
    }
    int index = 0;
    std::smatch m;
    if (std::regex_match(requested, m, cudaIndexPattern())) index = std::stoi(m[1].str());
    if (index >= n) {
        c.error = "device '" + requested + "' does not exist: this machine has " +
                  deviceList(listDevices()) + "; use one of those";
        return c;
    }
    c.device = "cuda:" + std::to_string(index);
    return c;
}

std::string precisionProblem(const std::string& device, const std::string& precision) {
    if (precision == "fp32") return "";
    if (precision != "bf16" && precision != "tf32")
        return "unknown precision '" + precision + "'; use fp32, bf16 or tf32";
    const std::string what = precision == "bf16" ? "bfloat16 autocast" : "TF32 matmuls";
    if (device == "cpu" || device.rfind("cuda", 0) != 0)
        return "precision " + precision + " (" + what +
               ") is for CUDA devices; on the CPU use precision fp32";
    std::smatch m;
    int index = 0;
    if (std::regex_match(device, m, cudaIndexPattern())) index = std::stoi(m[1].str());
    if (index >= cudaDeviceCount()) return "";  // the device itself is refused elsewhere
    const DeviceInfo info = cudaInfo(index);
    if (info.compute_major == 0) return "";  // the driver cannot say; let LibTorch decide
    if ((precision == "bf16" && !info.bf16) || (precision == "tf32" && !info.tf32))
        return device + " (" + info.name + ", compute capability " +
               std::to_string(info.compute_major) + "." + std::to_string(info.compute_minor) +
               ") cannot do " + what + " (it needs 8.0 or newer); use precision fp32";
    return "";
}

DeviceMemory deviceMemory(const std::string& device) {
    DeviceMemory mem;
    std::smatch m;
    if (!std::regex_match(device, m, cudaIndexPattern())) return mem;
    const CudaDriver& d = CudaDriver::get();
    if (!d.ok || !d.primaryCtxGetState || !d.primaryCtxRetain || !d.primaryCtxRelease ||
        !d.ctxPush || !d.ctxPop || !d.memGetInfo)
        return mem;
    int dev = 0;
    if (d.deviceGet(&dev, std::stoi(m[1].str())) != 0) return mem;
    // Only a context LibTorch already made is used: asking must not cost a new context's
    // memory on an idle GPU.
    unsigned flags = 0;
    int active = 0;
    if (d.primaryCtxGetState(dev, &flags, &active) != 0 || !active) return mem;
    void* ctx = nullptr;
    if (d.primaryCtxRetain(&ctx, dev) != 0) return mem;
    if (d.ctxPush(ctx) == 0) {
        size_t freeBytes = 0, totalBytes = 0;
        if (d.memGetInfo(&freeBytes, &totalBytes) == 0) {
            mem.known = true;
            mem.total_bytes = static_cast<int64_t>(totalBytes);
            mem.used_bytes = static_cast<int64_t>(totalBytes - freeBytes);
        }
        void* popped = nullptr;
        d.ctxPop(&popped);
    }
    d.primaryCtxRelease(dev);
    return mem;
}

std::string runtimeVersions() {
    std::string out = std::string("libtorch ") + TORCH_VERSION;
    if (torchHasCuda()) {
        const long rt = at::detail::getCUDAHooks().versionCUDART();
        out += ", CUDA " + std::to_string(rt / 1000) + "." + std::to_string((rt % 1000) / 10);
        const CudaDriver& d = CudaDriver::get();
        int v = 0;
        if (d.ok && d.driverGetVersion(&v) == 0)
            out +=
                ", driver CUDA " + std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10);
    }
    return out;
}

std::string deviceRecordJson(const std::string& device, const std::string& precision) {
    nlohmann::json j = {{"device", device},
                        {"precision", precision},
                        {"libtorch", TORCH_VERSION},
                        {"versions", runtimeVersions()}};
    std::smatch m;
    if (std::regex_match(device, m, cudaIndexPattern())) {
        const DeviceInfo info = cudaInfo(std::stoi(m[1].str()));
        j["name"] = info.name;
        j["memory_bytes"] = info.memory_bytes;
        j["compute_capability"] =
            std::to_string(info.compute_major) + "." + std::to_string(info.compute_minor);
        if (torchHasCuda()) j["cuda_runtime"] = at::detail::getCUDAHooks().versionCUDART();
        const CudaDriver& d = CudaDriver::get();
        int v = 0;
        if (d.ok && d.driverGetVersion(&v) == 0) j["cuda_driver"] = v;
    } else {
        j["name"] = listDevices().front().name;
    }
    return j.dump();
}

std::string devicesJson() {
    nlohmann::json list = nlohmann::json::array();
    for (const DeviceInfo& d : listDevices()) {
        nlohmann::json one = {{"device", d.device}, {"name", d.name}};
        if (d.device != "cpu") {
            one["memory_bytes"] = d.memory_bytes;
            one["compute_capability"] =
                std::to_string(d.compute_major) + "." + std::to_string(d.compute_minor);
            one["bf16"] = d.bf16;
        }
        list.push_back(std::move(one));
    }
    return nlohmann::json{{"devices", list}, {"default", defaultDevice()}, {"cuda", torchHasCuda()}}
        .dump();
}

}  // namespace forgetlab
