// What a Hugging Face model folder holds, read without loading a weight: the tensors its
// config.json implies checked against the safetensors headers, the tokenizer files, the
// parameter and LoRA counts, and the memory a run would need. (config.json itself:
// hf_config.cpp.)
#include "engine/models/model_folder.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "engine/core/devices.h"
#include "engine/models/internal/hf_json.h"

namespace forgetlab {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

bool llamaLike(const std::string& f) {
    return f == "llama" || f == "mistral" || f == "qwen2" || f == "olmo" || f == "olmo2";
}

std::string tokenizerFiles(const fs::path& dir) {
    if (fs::exists(dir / "tokenizer.json")) return "tokenizer.json";
    if (fs::exists(dir / "tokenizer.model")) return "tokenizer.model";
    if (fs::exists(dir / "vocab.json") && fs::exists(dir / "merges.txt"))
        return "vocab.json+merges.txt";
    return "none";
}

struct HeaderEntry {
    std::string dtype;
    std::vector<int64_t> shape;
    int64_t bytes = 0;
};
using HeaderSummary = std::map<std::string, HeaderEntry>;

using Shapes = std::map<std::string, std::vector<int64_t>>;

// Every tensor a folder of this architecture must hold, with its shape (Hugging Face names).
Shapes expectedTensors(const LmArchitecture& a) {
    const int64_t E = a.hidden_size, V = a.vocab_size, I = a.intermediate_size;
    const int64_t Q = int64_t(a.num_heads) * a.head_dim, K = int64_t(a.num_kv_heads) * a.head_dim;
    Shapes s;
    auto linear = [&](const std::string& name, int64_t in, int64_t out, bool bias) {
        s[name + ".weight"] = {out, in};
        if (bias) s[name + ".bias"] = {out};
    };
    if (a.family == "gpt2") {
        s["wte.weight"] = {V, E};
        s["wpe.weight"] = {a.max_positions, E};
        for (int i = 0; i < a.num_layers; ++i) {
            const std::string h = "h." + std::to_string(i) + ".";
            for (const char* ln : {"ln_1", "ln_2"})
                s[h + ln + ".weight"] = s[h + ln + ".bias"] = {E};
            // Conv1D keeps weights as [in, out].
            s[h + "attn.c_attn.weight"] = {E, 3 * E};
            s[h + "attn.c_attn.bias"] = {3 * E};
            s[h + "attn.c_proj.weight"] = {E, E};
            s[h + "attn.c_proj.bias"] = {E};
            s[h + "mlp.c_fc.weight"] = {E, I};
            s[h + "mlp.c_fc.bias"] = {I};
            s[h + "mlp.c_proj.weight"] = {I, E};
            s[h + "mlp.c_proj.bias"] = {E};
        }
        s["ln_f.weight"] = s["ln_f.bias"] = {E};
        return s;
    }
    if (a.family == "gpt_neox") {
        s["gpt_neox.embed_in.weight"] = {V, E};
        for (int i = 0; i < a.num_layers; ++i) {
            const std::string l = "gpt_neox.layers." + std::to_string(i) + ".";
            for (const char* ln : {"input_layernorm", "post_attention_layernorm"})
                s[l + ln + ".weight"] = s[l + ln + ".bias"] = {E};
            linear(l + "attention.query_key_value", E, 3 * E, a.qkv_bias);
            linear(l + "attention.dense", E, E, a.o_bias);
            linear(l + "mlp.dense_h_to_4h", E, I, a.mlp_bias);
            linear(l + "mlp.dense_4h_to_h", I, E, a.mlp_bias);
        }
        s["gpt_neox.final_layer_norm.weight"] = s["gpt_neox.final_layer_norm.bias"] = {E};
        if (!a.tie_word_embeddings) s["embed_out.weight"] = {V, E};
        return s;
    }
    s["model.embed_tokens.weight"] = {V, E};
    for (int i = 0; i < a.num_layers; ++i) {
        const std::string l = "model.layers." + std::to_string(i) + ".";
        if (a.family != "olmo" && a.family != "olmo2") s[l + "input_layernorm.weight"] = {E};
        linear(l + "self_attn.q_proj", E, Q, a.qkv_bias);
        linear(l + "self_attn.k_proj", E, K, a.qkv_bias);
        linear(l + "self_attn.v_proj", E, K, a.qkv_bias);
        linear(l + "self_attn.o_proj", Q, E, a.o_bias);
        if (a.family == "olmo2") {
            s[l + "self_attn.q_norm.weight"] = {Q};
            s[l + "self_attn.k_norm.weight"] = {K};
            s[l + "post_feedforward_layernorm.weight"] = {E};
        }
        if (a.family != "olmo") s[l + "post_attention_layernorm.weight"] = {E};
        linear(l + "mlp.gate_proj", E, I, a.mlp_bias);
        linear(l + "mlp.up_proj", E, I, a.mlp_bias);
        linear(l + "mlp.down_proj", I, E, a.mlp_bias);
    }
    if (a.family != "olmo") s["model.norm.weight"] = {E};
    if (!a.tie_word_embeddings) s["lm_head.weight"] = {V, E};
    return s;
}

bool endsWith(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string shapeText(const std::vector<int64_t>& shape) {
    std::string t = "[";
    for (size_t i = 0; i < shape.size(); ++i) t += (i ? ", " : "") + std::to_string(shape[i]);
    return t + "]";
}

// The JSON header of a safetensors file, without reading its tensors.
HeaderSummary readSafetensorsHeader(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ModelFolderError(path + ": cannot open");
    unsigned char len[8];
    if (!in.read(reinterpret_cast<char*>(len), 8))
        throw ModelFolderError(path + ": too short for a safetensors header (truncated?)");
    uint64_t n = 0;
    for (int i = 0; i < 8; ++i) n |= uint64_t(len[i]) << (8 * i);
    if (n == 0 || n > (100u << 20))
        throw ModelFolderError(path + ": header length " + std::to_string(n) +
                               " is not plausible: not a safetensors file");
    std::string text(n, '\0');
    if (!in.read(text.data(), std::streamsize(n)))
        throw ModelFolderError(path + ": the header is cut short (truncated file)");
    json h;
    try {
        h = json::parse(text);
    } catch (const std::exception&) {
        throw ModelFolderError(path + ": the safetensors header is not valid JSON");
    }
    HeaderSummary out;
    for (auto it = h.begin(); it != h.end(); ++it) {
        if (it.key() == "__metadata__") continue;
        const json& e = it.value();
        if (!e.is_object() || !e.contains("dtype") || !e.contains("data_offsets") ||
            !e["data_offsets"].is_array() || e["data_offsets"].size() != 2)
            throw ModelFolderError(path + ": tensor '" + it.key() + "' has a malformed entry");
        HeaderEntry& entry = out[it.key()];
        entry.dtype = e["dtype"].is_string() ? e["dtype"].get<std::string>() : "?";
        if (e.contains("shape") && e["shape"].is_array())
            for (const auto& d : e["shape"])
                if (d.is_number_integer()) entry.shape.push_back(d.get<int64_t>());
        entry.bytes = e["data_offsets"][1].get<int64_t>() - e["data_offsets"][0].get<int64_t>();
    }
    return out;
}

int64_t memAvailable() {
    std::ifstream in("/proc/meminfo");
    std::string key;
    int64_t value = 0;
    std::string unit;
    while (in >> key >> value >> unit)
        if (key == "MemAvailable:") return value * 1024;
    return 0;
}

}  // namespace

int64_t parameterCount(const LmArchitecture& a) {
    const int64_t E = a.hidden_size, V = a.vocab_size, I = a.intermediate_size, L = a.num_layers;
    if (a.family == "gpt2") {
        const int64_t block = 4 * E + E * 3 * E + 3 * E + E * E + E + E * I + I + I * E + E;
        return V * E + int64_t(a.max_positions) * E + L * block + 2 * E;
    }
    if (a.family == "gpt_neox") {
        const int64_t attnBias = a.qkv_bias ? 3 * E + E : 0;
        const int64_t block = 4 * E + E * 3 * E + E * E + attnBias + E * I + I + I * E + E;
        return V * E + L * block + 2 * E + (a.tie_word_embeddings ? 0 : V * E);
    }
    const int64_t Q = int64_t(a.num_heads) * a.head_dim, K = int64_t(a.num_kv_heads) * a.head_dim;
    int64_t block = E * Q + 2 * E * K + Q * E + 3 * E * I;
    if (a.qkv_bias) block += Q + 2 * K;
    if (a.o_bias) block += E;
    if (a.mlp_bias) block += 2 * I + E;
    int64_t norms = 2 * E, finalNorm = E;
    if (a.family == "olmo") norms = finalNorm = 0;
    if (a.family == "olmo2") norms = 2 * E + Q + K;
    return V * E + L * (block + norms) + finalNorm + (a.tie_word_embeddings ? 0 : V * E);
}

const std::vector<std::string>& loraTargetsOf(const std::string& family) {
    static const std::vector<std::string> gpt2 = {"attn.c_attn", "attn.c_proj", "mlp.c_fc",
                                                  "mlp.c_proj"};
    static const std::vector<std::string> llama = {"q_proj",    "k_proj",  "v_proj",   "o_proj",
                                                   "gate_proj", "up_proj", "down_proj"};
    static const std::vector<std::string> neox = {"query_key_value", "dense", "dense_h_to_4h",
                                                  "dense_4h_to_h"};
    static const std::vector<std::string> none;
    if (family == "gpt2") return gpt2;
    if (family == "gpt_neox") return neox;
    if (llamaLike(family)) return llama;
    return none;
}

const std::vector<std::string>& defaultLoraTargets(const std::string& family) {
    static const std::vector<std::string> gpt2 = {"attn.c_attn", "attn.c_proj"};
    static const std::vector<std::string> llama = {"q_proj", "v_proj"};
    static const std::vector<std::string> neox = {"query_key_value"};
    static const std::vector<std::string> none;
    if (family == "gpt2") return gpt2;
    if (family == "gpt_neox") return neox;
    if (llamaLike(family)) return llama;
    return none;
}

namespace {

// (in, out) of every projection of a layer, by module name.
std::map<std::string, std::pair<int64_t, int64_t>> projectionDims(const LmArchitecture& a) {
    const int64_t E = a.hidden_size, I = a.intermediate_size;
    const int64_t Q = int64_t(a.num_heads) * a.head_dim, K = int64_t(a.num_kv_heads) * a.head_dim;
    if (a.family == "gpt2")
        return {{"attn.c_attn", {E, 3 * E}},
                {"attn.c_proj", {E, E}},
                {"mlp.c_fc", {E, I}},
                {"mlp.c_proj", {I, E}}};
    if (a.family == "gpt_neox")
        return {{"query_key_value", {E, 3 * E}},
                {"dense", {E, E}},
                {"dense_h_to_4h", {E, I}},
                {"dense_4h_to_h", {I, E}}};
    return {{"q_proj", {E, Q}},    {"k_proj", {E, K}},  {"v_proj", {E, K}},   {"o_proj", {Q, E}},
            {"gate_proj", {E, I}}, {"up_proj", {E, I}}, {"down_proj", {I, E}}};
}

}  // namespace

int64_t projectionWeightCount(const LmArchitecture& a) {
    int64_t perLayer = 0;
    for (const auto& [name, d] : projectionDims(a)) perLayer += d.first * d.second;
    return perLayer * a.num_layers;
}

int64_t loraParameterCount(const LmArchitecture& a, int rank,
                           const std::vector<std::string>& targets) {
    if (rank <= 0) return 0;
    const auto dims = projectionDims(a);
    int64_t perLayer = 0;
    std::set<std::string> seen;
    for (const auto& t : targets) {
        auto it = dims.find(t);
        if (it == dims.end() || !seen.insert(t).second) continue;
        perLayer += (it->second.first + it->second.second) * rank;
    }
    return perLayer * a.num_layers;
}

ModelFolderInfo inspectModelFolder(const std::string& dirName) {
    const fs::path dir(dirName);
    if (!fs::is_directory(dir))
        throw ModelFolderError(dirName +
                               ": not a folder; give the folder a Hugging Face download "
                               "left (config.json, model.safetensors, tokenizer files)");
    const fs::path config = dir / "config.json";
    if (!fs::exists(config))
        throw ModelFolderError(config.string() +
                               " does not exist: a model folder needs the Hugging Face "
                               "config.json beside its weights");
    ModelFolderInfo info;
    info.dir = dirName;
    info.arch = readHfConfig(config.string());
    info.parameters = parameterCount(info.arch);
    info.tokenizer_kind = tokenizerFiles(dir);
    std::vector<std::string> files;
    const fs::path single = dir / "model.safetensors", index = dir / "model.safetensors.index.json";
    if (fs::exists(single)) {
        info.weights_file = "model.safetensors";
        files.push_back(single.string());
    } else if (fs::exists(index)) {
        info.weights_file = "model.safetensors.index.json";
        const json j = readJsonFile(index.string(), "the index of a sharded checkpoint");
        if (!j.is_object() || !j.contains("weight_map") || !j["weight_map"].is_object())
            throw ModelFolderError(index.string() +
                                   ": has no \"weight_map\" object (name -> shard file)");
        std::set<std::string> shards;
        for (auto it = j["weight_map"].begin(); it != j["weight_map"].end(); ++it) {
            if (!it.value().is_string())
                throw ModelFolderError(index.string() + ": weight_map entry '" + it.key() +
                                       "' is not a file name");
            shards.insert(it.value().get<std::string>());
        }
        for (const auto& s : shards) {
            if (s.find('/') != std::string::npos || s.find("..") != std::string::npos)
                throw ModelFolderError(index.string() + ": shard '" + s +
                                       "' is not a file name inside the folder");
            if (!fs::exists(dir / s))
                throw ModelFolderError(index.string() + " names the shard " + s +
                                       ", which is not in " + dirName +
                                       ": the download is incomplete; fetch the missing shard");
            files.push_back((dir / s).string());
        }
    } else if (fs::exists(dir / "pytorch_model.bin") ||
               fs::exists(dir / "pytorch_model.bin.index.json")) {
        throw ModelFolderError(dirName +
                               " holds pytorch_model.bin, which ForgetLab does not read (it is a "
                               "pickle); save the model as safetensors (in Python: "
                               "model.save_pretrained(dir, safe_serialization=True))");
    } else {
        throw ModelFolderError(dirName +
                               " has no weights: expected model.safetensors or "
                               "model.safetensors.index.json beside config.json");
    }
    std::set<std::string> dtypes;
    Shapes expected = expectedTensors(info.arch);
    const std::string model = info.arch.family + " model (" + std::to_string(info.arch.num_layers) +
                              " layers, hidden size " + std::to_string(info.arch.hidden_size) + ")";
    for (const auto& file : files) {
        const HeaderSummary h = readSafetensorsHeader(file);
        for (const auto& [raw, entry] : h) {
            const std::vector<int64_t>& shape = entry.shape;
            std::string name = raw;
            if (info.arch.family == "gpt2" && name.rfind("transformer.", 0) == 0)
                name = name.substr(12);
            // Buffers of older transformers versions, and a head tied to the embedding.
            if (endsWith(name, "rotary_emb.inv_freq") || endsWith(name, ".attn.bias") ||
                endsWith(name, ".attn.masked_bias") || endsWith(name, ".attention.bias") ||
                endsWith(name, ".attention.masked_bias") ||
                (info.arch.tie_word_embeddings &&
                 (name == "lm_head.weight" || name == "embed_out.weight")))
                continue;
            auto it = expected.find(name);
            if (it == expected.end())
                throw ModelFolderError(file + ": tensor '" + raw + "' is not part of a " + model +
                                       ": the weights and config.json are from different models");
            if (it->second != shape)
                throw ModelFolderError(file + ": tensor '" + raw + "' has shape " +
                                       shapeText(shape) + " but config.json implies " +
                                       shapeText(it->second) +
                                       ": the weights and config.json are from different models");
            if (entry.dtype != "F32" && entry.dtype != "F16" && entry.dtype != "BF16")
                throw ModelFolderError(file + ": tensor '" + raw + "' has dtype " + entry.dtype +
                                       "; ForgetLab reads F32, F16 and BF16 weights: convert "
                                       "the checkpoint to one of them");
            dtypes.insert(entry.dtype);
            info.weight_bytes += entry.bytes;
            expected.erase(it);
        }
    }
    if (!expected.empty())
        throw ModelFolderError(dirName + ": tensor '" + expected.begin()->first +
                               "' is missing, but a " + model +
                               " needs it: the weights are incomplete or do not belong to this "
                               "config.json");
    info.shards = int(files.size());
    for (const auto& d : dtypes) info.dtype += (info.dtype.empty() ? "" : "+") + d;
    return info;
}

std::string formatBytes(int64_t bytes) {
    char buf[64];
    const double b = double(bytes);
    if (b >= 1e9)
        std::snprintf(buf, sizeof buf, "%.1f GB", b / 1e9);
    else if (b >= 1e6)
        std::snprintf(buf, sizeof buf, "%.0f MB", b / 1e6);
    else if (b >= 1e3)
        std::snprintf(buf, sizeof buf, "%.0f KB", b / 1e3);
    else
        std::snprintf(buf, sizeof buf, "%lld bytes", static_cast<long long>(bytes));
    return buf;
}

MemoryEstimate estimateTrainingMemory(const LmArchitecture& arch, int loraRank,
                                      const std::vector<std::string>& loraTargets,
                                      const std::string& optimizer, const std::string& device,
                                      const std::string& precision) {
    MemoryEstimate m;
    const int64_t params = parameterCount(arch);
    const std::vector<std::string>& targets =
        loraTargets.empty() ? defaultLoraTargets(arch.family) : loraTargets;
    const int64_t adapters = loraParameterCount(arch, loraRank, targets);
    const int64_t trainable = loraRank > 0 ? adapters : params;
    const bool cuda = device.rfind("cuda", 0) == 0;
    m.weights = 4 * (params + adapters);
    if (cuda && precision == "bf16" && loraRank > 0) {
        // Frozen layer projections in bfloat16 (LanguageModel::storeFrozenWeightsInBf16);
        // embeddings, norms, biases and the output head stay float32.
        m.weights -= 2 * projectionWeightCount(arch);
    }
    m.gradients = 4 * trainable;
    const bool adam = optimizer == "adam" || optimizer == "adamw";
    m.optimizer = (adam ? 8 : 4) * trainable;  // two moments, or SGD's momentum
    m.total = m.weights + m.gradients + m.optimizer;
    if (cuda) {
        const DeviceMemory d = deviceMemory(device);
        m.available = d.known ? d.total_bytes - d.used_bytes : 0;
    } else {
        m.available = memAvailable();
    }
    m.fits = m.available <= 0 || m.total <= m.available;
    m.text = "weights " + formatBytes(m.weights) + " + gradients " + formatBytes(m.gradients) +
             " + " +
             (adam ? std::string(optimizer == "adamw" ? "AdamW" : "Adam") + " state "
                   : std::string("momentum ")) +
             formatBytes(m.optimizer) + " = " + formatBytes(m.total) + " (activations extra)";
    if (!m.fits) {
        m.advice =
            "train LoRA adapters instead of every weight (model.lora.rank, e.g. 8: "
            "gradients and optimizer state then cover only the adapters)";
        if (loraRank > 0)
            m.advice = cuda && precision != "bf16"
                           ? "use precision bf16 (frozen weights in bfloat16), or choose a "
                             "smaller model"
                           : "choose a smaller model";
        else
            m.advice += ", or choose a smaller model";
        if (!cuda) m.advice += ", or run on a GPU with more memory (device cuda)";
    }
    return m;
}

}  // namespace forgetlab
