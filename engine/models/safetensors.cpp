#include "engine/models/internal/safetensors.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

namespace forgetlab {
namespace {

struct DtypeInfo {
    const char* name;
    torch::ScalarType type;
};

const DtypeInfo kDtypes[] = {
    {"F64", torch::kFloat64},   {"F32", torch::kFloat32}, {"F16", torch::kFloat16},
    {"BF16", torch::kBFloat16}, {"I64", torch::kInt64},   {"I32", torch::kInt32},
    {"I16", torch::kInt16},     {"I8", torch::kInt8},     {"U8", torch::kUInt8},
    {"BOOL", torch::kBool},
};

const char* dtypeName(torch::ScalarType t) {
    for (const auto& d : kDtypes)
        if (d.type == t) return d.name;
    throw SafetensorsError(std::string("unsupported tensor dtype ") + c10::toString(t));
}

}  // namespace

void saveSafetensors(const std::string& path, const NamedTensors& tensors,
                     const std::map<std::string, std::string>& metadata) {
    nlohmann::json header = nlohmann::json::object();
    if (!metadata.empty()) header["__metadata__"] = metadata;
    std::vector<torch::Tensor> contiguous;
    uint64_t offset = 0;
    for (const auto& [name, t] : tensors) {
        torch::Tensor c = t.detach().to(torch::kCPU).contiguous();
        const uint64_t bytes = static_cast<uint64_t>(c.numel()) * c.element_size();
        header[name] = {{"dtype", dtypeName(c.scalar_type())},
                        {"shape", c.sizes().vec()},
                        {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
        contiguous.push_back(c);
    }
    std::string text = header.dump();
    while (text.size() % 8 != 0) text.push_back(' ');

    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw SafetensorsError(path + ": cannot open for writing");
        uint64_t n = text.size();
        unsigned char len[8];
        for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>(n >> (8 * i));
        out.write(reinterpret_cast<const char*>(len), 8);
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        for (const auto& c : contiguous)
            out.write(static_cast<const char*>(c.data_ptr()),
                      static_cast<std::streamsize>(c.numel() * c.element_size()));
        out.flush();
        if (!out) {
            out.close();
            std::remove(tmp.c_str());
            throw SafetensorsError(path + ": write failed (disk full?)");
        }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) throw SafetensorsError(path + ": cannot rename temporary file: " + ec.message());
}

NamedTensors loadSafetensors(const std::string& path,
                             std::map<std::string, std::string>* metadata) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw SafetensorsError(path + ": cannot open");
    in.seekg(0, std::ios::end);
    const uint64_t fileSize = static_cast<uint64_t>(in.tellg());
    in.seekg(0);
    if (fileSize < 8) throw SafetensorsError(path + ": too short for a safetensors header");
    unsigned char len[8];
    in.read(reinterpret_cast<char*>(len), 8);
    uint64_t n = 0;
    for (int i = 0; i < 8; ++i) n |= uint64_t(len[i]) << (8 * i);
    if (n == 0 || n > fileSize - 8 || n > (100u << 20))
        throw SafetensorsError(path + ": header length " + std::to_string(n) +
                               " does not fit the file");
    std::string text(n, '\0');
    in.read(text.data(), static_cast<std::streamsize>(n));
    nlohmann::json header;
    try {
        header = nlohmann::json::parse(text);
    } catch (const std::exception& e) {
        throw SafetensorsError(path + ": header is not valid JSON");
    }
    if (!header.is_object()) throw SafetensorsError(path + ": header is not a JSON object");
    const uint64_t dataSize = fileSize - 8 - n;
    std::vector<char> data(dataSize);
    in.read(data.data(), static_cast<std::streamsize>(dataSize));

    NamedTensors out;
    for (auto it = header.begin(); it != header.end(); ++it) {
        if (it.key() == "__metadata__") {
            if (metadata && it.value().is_object())
                for (auto m = it.value().begin(); m != it.value().end(); ++m)
                    if (m.value().is_string()) (*metadata)[m.key()] = m.value().get<std::string>();
            continue;
        }
        const auto& e = it.value();
        const std::string where = path + ": tensor '" + it.key() + "'";
        if (!e.is_object() || !e.contains("dtype") || !e.contains("shape") ||
            !e.contains("data_offsets") || !e["dtype"].is_string() || !e["shape"].is_array() ||
            !e["data_offsets"].is_array() || e["data_offsets"].size() != 2)
            throw SafetensorsError(where + " has a malformed entry");
        torch::ScalarType type = torch::kFloat32;
        bool known = false;
        for (const auto& d : kDtypes)
            if (e["dtype"] == d.name) type = d.type, known = true;
        if (!known) throw SafetensorsError(where + " has unsupported dtype " + e["dtype"].dump());
        std::vector<int64_t> shape;
        int64_t numel = 1;
        for (const auto& s : e["shape"]) {
            if (!s.is_number_integer() || s.get<int64_t>() < 0)
                throw SafetensorsError(where + " has a bad shape");
            shape.push_back(s.get<int64_t>());
            numel *= shape.back();
        }
        const auto& off = e["data_offsets"];
        if (!off[0].is_number_unsigned() || !off[1].is_number_unsigned())
            throw SafetensorsError(where + " has bad data offsets");
        const uint64_t b = off[0].get<uint64_t>(), en = off[1].get<uint64_t>();
        const uint64_t elem = c10::elementSize(type);
        if (b > en || en > dataSize || en - b != uint64_t(numel) * elem)
            throw SafetensorsError(where +
                                   " has data offsets that do not match its shape or "
                                   "lie outside the file");
        torch::Tensor t = torch::empty(shape, torch::TensorOptions().dtype(type));
        if (numel > 0) std::memcpy(t.data_ptr(), data.data() + b, en - b);
        out.emplace_back(it.key(), t);
    }
    return out;
}

NamedTensors moduleTensors(torch::nn::Module& module) {
    NamedTensors out;
    for (const auto& item : module.named_parameters(true))
        out.emplace_back(item.key(), item.value());
    for (const auto& item : module.named_buffers(true)) out.emplace_back(item.key(), item.value());
    return out;
}

void loadIntoModule(torch::nn::Module& module, const NamedTensors& tensors,
                    const std::string& sourceName) {
    std::map<std::string, torch::Tensor> byName(tensors.begin(), tensors.end());
    torch::NoGradGuard noGrad;
    for (auto& [name, target] : moduleTensors(module)) {
        auto it = byName.find(name);
        if (it == byName.end())
            throw SafetensorsError(sourceName + ": missing tensor '" + name + "'");
        if (it->second.sizes() != target.sizes())
            throw SafetensorsError(sourceName + ": tensor '" + name + "' has shape " +
                                   c10::str(it->second.sizes()) + ", model expects " +
                                   c10::str(target.sizes()));
        target.copy_(it->second);
    }
}

}  // namespace forgetlab
