#pragma once
// Engine-internal (includes torch). Reader and writer for the safetensors format:
// 8-byte little-endian header length, a JSON header {name: {dtype, shape, data_offsets}},
// then the raw little-endian tensor bytes. Writes are atomic (temp file + rename).

#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <torch/torch.h>

namespace forgetlab {

class SafetensorsError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

void saveSafetensors(const std::string& path, const NamedTensors& tensors,
                     const std::map<std::string, std::string>& metadata = {});
// Throws SafetensorsError naming the file and the problem for malformed files.
NamedTensors loadSafetensors(const std::string& path,
                             std::map<std::string, std::string>* metadata = nullptr);

// Copies tensors into a module's parameters by name; every parameter must be present
// with the same shape.
void loadIntoModule(torch::nn::Module& module, const NamedTensors& tensors,
                    const std::string& sourceName);
NamedTensors moduleTensors(torch::nn::Module& module);

}  // namespace forgetlab
