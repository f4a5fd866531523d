// forgetlab-cli devices: what this LibTorch can compute on, and which one "auto" picks.
#include <iomanip>
#include <iostream>
#include <sstream>

#include "app/cli/cli_support.h"
#include "engine/core/devices.h"

namespace forgetlab::cli {

namespace {

std::string gibibytes(int64_t bytes) {
    if (bytes <= 0) return "-";
    std::ostringstream s;
    s << std::fixed << std::setprecision(1) << static_cast<double>(bytes) / (1LL << 30);
    return s.str();
}

}  // namespace

int devicesCommand(const Args& args) {
    return guarded([&] {
        Options o(args, {{"--json", false}});
        if (o.has("--json")) {
            std::cout << devicesJson() << std::endl;
            return 0;
        }
        const std::vector<DeviceInfo> devices = listDevices();
        size_t nameWidth = 4;
        for (const DeviceInfo& d : devices) nameWidth = std::max(nameWidth, d.name.size());
        std::cout << std::left << std::setw(10) << "device" << std::setw(nameWidth + 2) << "name"
                  << std::setw(12) << "memory GiB" << std::setw(6) << "bf16"
                  << "tf32\n";
        for (const DeviceInfo& d : devices)
            std::cout << std::left << std::setw(10) << d.device << std::setw(nameWidth + 2)
                      << d.name << std::setw(12) << gibibytes(d.memory_bytes) << std::setw(6)
                      << (d.bf16 ? "yes" : "no") << (d.tf32 ? "yes" : "no") << "\n";
        std::cout << "\n\"auto\" picks " << defaultDevice() << "; " << runtimeVersions() << "\n";
        if (!torchHasCuda())
            std::cout << "This LibTorch has no CUDA (Debian's libtorch-dev is CPU-only); for a "
                         "GPU, build against a CUDA LibTorch (README: GPU build).\n";
        return 0;
    });
}

}  // namespace forgetlab::cli
