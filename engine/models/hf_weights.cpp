// Hugging Face weights in and out: memory-mapped safetensors (single or sharded) into a
// LanguageModel, and a model back out in its family's layout.
#include <algorithm>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "engine/models/internal/language_model.h"

namespace forgetlab {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

bool endsWith(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A read-only mapping of a whole file, unmapped on destruction.
class MappedFile {
public:
    explicit MappedFile(const std::string& path) : m_path(path) {
        m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (m_fd < 0) throw ModelFolderError(path + ": cannot open");
        struct stat st {};
        if (::fstat(m_fd, &st) != 0) throw ModelFolderError(path + ": cannot read its size");
        m_size = size_t(st.st_size);
        if (m_size < 8) throw ModelFolderError(path + ": too short for a safetensors file");
        void* p = ::mmap(nullptr, m_size, PROT_READ, MAP_PRIVATE, m_fd, 0);
        if (p == MAP_FAILED) throw ModelFolderError(path + ": cannot map it into memory");
        m_data = static_cast<const unsigned char*>(p);
    }
    ~MappedFile() {
        if (m_data) ::munmap(const_cast<unsigned char*>(m_data), m_size);
        if (m_fd >= 0) ::close(m_fd);
    }
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    const unsigned char* data() const { return m_data; }
    size_t size() const { return m_size; }
    // Gives the pages of [begin, end) back to the kernel: they were copied already, and
    // keeping them would hold a second copy of the weights in memory.
    void release(size_t begin, size_t end) const {
        const size_t page = size_t(::sysconf(_SC_PAGESIZE));
        const size_t from = (begin + page - 1) / page * page, to = end / page * page;
        if (to > from)
            ::madvise(const_cast<unsigned char*>(m_data) + from, to - from, MADV_DONTNEED);
    }

private:
    std::string m_path;
    int m_fd = -1;
    size_t m_size = 0;
    const unsigned char* m_data = nullptr;
};

struct FileTensor {
    std::string file;  // index into the mapped files
    std::string dtype;
    std::vector<int64_t> shape;
    size_t begin = 0, end = 0;  // absolute byte offsets in the file
};

bool ignorable(const std::string& name, const LmArchitecture& a);

// The entries of one safetensors header, offsets made absolute; known buffers (ignorable)
// are left out before their dtype is looked at.
std::map<std::string, FileTensor> readHeader(const MappedFile& f, const std::string& path,
                                             const LmArchitecture& arch) {
    uint64_t n = 0;
    for (int i = 0; i < 8; ++i) n |= uint64_t(f.data()[i]) << (8 * i);
    if (n == 0 || n > f.size() - 8)
        throw ModelFolderError(path + ": header length " + std::to_string(n) +
                               " does not fit the file (truncated or not safetensors)");
    json h;
    try {
        h = json::parse(f.data() + 8, f.data() + 8 + n);
    } catch (const std::exception&) {
        throw ModelFolderError(path + ": the safetensors header is not valid JSON");
    }
    if (!h.is_object()) throw ModelFolderError(path + ": the header is not a JSON object");
    std::map<std::string, FileTensor> out;
    const size_t base = 8 + size_t(n);
    for (auto it = h.begin(); it != h.end(); ++it) {
        if (it.key() == "__metadata__" || ignorable(it.key(), arch)) continue;
        const json& e = it.value();
        const std::string where = path + ": tensor '" + it.key() + "'";
        if (!e.is_object() || !e.contains("dtype") || !e["dtype"].is_string() ||
            !e.contains("shape") || !e["shape"].is_array() || !e.contains("data_offsets") ||
            !e["data_offsets"].is_array() || e["data_offsets"].size() != 2 ||
            !e["data_offsets"][0].is_number_unsigned() ||
            !e["data_offsets"][1].is_number_unsigned())
            throw ModelFolderError(where + " has a malformed header entry");
        FileTensor t;
        t.file = path;
        t.dtype = e["dtype"].get<std::string>();
        int64_t numel = 1;
        for (const auto& s : e["shape"]) {
            if (!s.is_number_integer() || s.get<int64_t>() < 0)
                throw ModelFolderError(where + " has a bad shape " + e["shape"].dump());
            t.shape.push_back(s.get<int64_t>());
            numel *= t.shape.back();
        }
        t.begin = base + e["data_offsets"][0].get<size_t>();
        t.end = base + e["data_offsets"][1].get<size_t>();
        const size_t elem = t.dtype == "F32" ? 4 : (t.dtype == "F16" || t.dtype == "BF16") ? 2 : 0;
        if (elem == 0)
            throw ModelFolderError(where + " has dtype " + t.dtype +
                                   "; language-model weights must be F32, F16 or BF16");
        if (t.begin > t.end || t.end > f.size() || t.end - t.begin != size_t(numel) * elem)
            throw ModelFolderError(where +
                                   " has data offsets that do not match its shape or lie "
                                   "outside the file (truncated download?)");
        out[it.key()] = t;
    }
    return out;
}

torch::ScalarType scalarType(const std::string& dtype) {
    if (dtype == "F16") return torch::kFloat16;
    if (dtype == "BF16") return torch::kBFloat16;
    return torch::kFloat32;
}

std::string shapeText(const std::vector<int64_t>& s) {
    return c10::str(c10::IntArrayRef(s));
}

// Names a checkpoint may hold that are not parameters: buffers of older transformers
// versions and a head tied to the embedding.
bool ignorable(const std::string& name, const LmArchitecture& a) {
    if (endsWith(name, "rotary_emb.inv_freq")) return true;
    if (a.family == "gpt2" && (endsWith(name, ".attn.bias") || endsWith(name, ".attn.masked_bias")))
        return true;
    if (a.family == "gpt_neox" &&
        (endsWith(name, ".attention.bias") || endsWith(name, ".attention.masked_bias")))
        return true;
    if (a.tie_word_embeddings && (name == "lm_head.weight" || name == "embed_out.weight"))
        return true;
    return false;
}

std::string modelName(const std::string& raw, const LmArchitecture& a) {
    if (a.family == "gpt2" && raw.rfind("transformer.", 0) == 0) return raw.substr(12);
    return raw;
}

void writeTextAtomically(const std::string& path, const std::string& text) {
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        if (!out) throw ModelFolderError(path + ": cannot open for writing");
        out << text << "\n";
        out.flush();
        if (!out) {
            out.close();
            std::remove(tmp.c_str());
            throw ModelFolderError(path + ": write failed (disk full?)");
        }
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) throw ModelFolderError(path + ": cannot rename the temporary file: " + ec.message());
}

}  // namespace

void loadHfWeights(LanguageModel& model, const std::string& dirName) {
    const fs::path dir(dirName);
    const LmArchitecture& arch = model.architecture();
    std::vector<std::string> files;
    if (fs::exists(dir / "model.safetensors")) {
        files.push_back((dir / "model.safetensors").string());
    } else if (fs::exists(dir / "model.safetensors.index.json")) {
        const std::string index = (dir / "model.safetensors.index.json").string();
        json j;
        try {
            std::ifstream in(index);
            j = json::parse(in);
        } catch (const std::exception&) {
            throw ModelFolderError(index + ": not valid JSON (truncated?)");
        }
        if (!j.contains("weight_map") || !j["weight_map"].is_object())
            throw ModelFolderError(index + ": has no \"weight_map\" object");
        std::set<std::string> shards;
        for (auto it = j["weight_map"].begin(); it != j["weight_map"].end(); ++it)
            if (it.value().is_string()) shards.insert(it.value().get<std::string>());
        for (const auto& s : shards) {
            if (!fs::exists(dir / s))
                throw ModelFolderError(index + " names the shard " + s + ", which is not in " +
                                       dirName + ": the download is incomplete");
            files.push_back((dir / s).string());
        }
    } else {
        throw ModelFolderError(dirName +
                               " has no weights: expected model.safetensors or "
                               "model.safetensors.index.json");
    }

    // Check every name, shape and dtype against the model before copying anything.
    std::vector<std::unique_ptr<MappedFile>> mapped;
    std::map<std::string, const MappedFile*> byFile;
    std::map<std::string, FileTensor> tensors;
    for (const auto& file : files) {
        mapped.push_back(std::make_unique<MappedFile>(file));
        byFile[file] = mapped.back().get();
        for (auto& [raw, t] : readHeader(*mapped.back(), file, arch)) {
            const std::string name = modelName(raw, arch);
            if (tensors.count(name))
                throw ModelFolderError(file + ": tensor '" + raw + "' appears twice in " + dirName);
            tensors[name] = t;
        }
    }
    const std::string family = arch.family + " model (" + std::to_string(arch.num_layers) +
                               " layers, hidden size " + std::to_string(arch.hidden_size) + ")";
    std::vector<std::pair<torch::Tensor, const FileTensor*>> copies;
    for (const auto& item : model.named_parameters(true)) {
        const std::string& name = item.key();
        if (name.find(".lora.") != std::string::npos) continue;
        auto it = tensors.find(name);
        if (it == tensors.end())
            throw ModelFolderError(dirName + ": tensor '" + name + "' is missing, but a " + family +
                                   " needs it: the weights are incomplete or do not belong to "
                                   "this config.json");
        if (c10::IntArrayRef(it->second.shape) != item.value().sizes())
            throw ModelFolderError(it->second.file + ": tensor '" + name + "' has shape " +
                                   shapeText(it->second.shape) + " but config.json implies " +
                                   c10::str(item.value().sizes()) +
                                   ": the weights and config.json are from different models");
        copies.emplace_back(item.value(), &it->second);
    }
    if (copies.size() != tensors.size()) {
        std::set<std::string> used;
        for (const auto& item : model.named_parameters(true)) used.insert(item.key());
        for (const auto& [name, t] : tensors)
            if (!used.count(name))
                throw ModelFolderError(t.file + ": tensor '" + name + "' is not part of a " +
                                       family +
                                       ": the weights and config.json are from different models");
    }
    torch::NoGradGuard noGrad;
    for (auto& [target, t] : copies) {
        const MappedFile& f = *byFile.at(t->file);
        // A view of the mapped bytes; copy_ converts to the parameter's dtype and device.
        const torch::Tensor source =
            torch::from_blob(const_cast<unsigned char*>(f.data()) + t->begin, t->shape,
                             torch::TensorOptions().dtype(scalarType(t->dtype)));
        // Large tensors go in slices of rows, each slice's source pages released as soon as
        // it is copied, so a load holds at most one slice beyond the parameters.
        const int64_t rows = source.dim() > 0 ? source.size(0) : 1;
        const size_t rowBytes = rows > 0 ? (t->end - t->begin) / size_t(rows) : 0;
        constexpr size_t kSliceBytes = size_t(8) << 20;
        if (source.dim() > 0 && rows > 1 && t->end - t->begin > 2 * kSliceBytes &&
            target.sizes() == source.sizes() && target.is_contiguous()) {
            const int64_t step = std::max<int64_t>(1, int64_t(kSliceBytes / rowBytes));
            for (int64_t r = 0; r < rows; r += step) {
                const int64_t n = std::min(step, rows - r);
                target.narrow(0, r, n).copy_(source.narrow(0, r, n));
                f.release(t->begin + size_t(r) * rowBytes, t->begin + size_t(r + n) * rowBytes);
            }
        } else {
            target.copy_(source);
        }
        f.release(t->begin, t->end);
    }
}

void saveHfModel(LanguageModel& model, const std::string& dirName,
                 const std::string& sourceConfigJson, int64_t shardBytes) {
    const fs::path dir(dirName);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw ModelFolderError(dirName + ": cannot create the folder: " + ec.message());
    json config = json::parse(hfConfigJson(model.architecture()));
    if (!sourceConfigJson.empty()) {
        // The original config.json keeps its other keys (generation settings, names).
        json source = json::parse(sourceConfigJson, nullptr, false);
        if (source.is_object()) {
            source.update(config);
            config = source;
        }
    }
    config["torch_dtype"] = "float32";

    NamedTensors tensors = model.hfTensors();
    int64_t total = 0;
    for (auto& [name, t] : tensors) {
        t = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
        total += t.numel() * 4;
    }
    std::vector<NamedTensors> shards(1);
    int64_t inShard = 0;
    for (auto& nt : tensors) {
        const int64_t bytes = nt.second.numel() * 4;
        if (inShard > 0 && inShard + bytes > shardBytes) {
            shards.emplace_back();
            inShard = 0;
        }
        shards.back().push_back(nt);
        inShard += bytes;
    }
    const fs::path single = dir / "model.safetensors", index = dir / "model.safetensors.index.json";
    if (shards.size() == 1) {
        saveSafetensors(single.string(), shards[0], {{"format", "pt"}});
        fs::remove(index, ec);
    } else {
        json weightMap = json::object();
        const size_t n = shards.size();
        for (size_t i = 0; i < n; ++i) {
            char name[64];
            std::snprintf(name, sizeof name, "model-%05zu-of-%05zu.safetensors", i + 1, n);
            saveSafetensors((dir / name).string(), shards[i], {{"format", "pt"}});
            for (const auto& [tensor, t] : shards[i]) weightMap[tensor] = name;
        }
        writeTextAtomically(
            index.string(),
            json{{"metadata", {{"total_size", total}}}, {"weight_map", weightMap}}.dump(2));
        fs::remove(single, ec);
    }
    writeTextAtomically((dir / "config.json").string(), config.dump(2));
}

}  // namespace forgetlab
