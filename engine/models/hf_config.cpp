// config.json of every supported family: reading it (naming the file and field in every
// error, refusing what is not implemented by name), writing it back, and the architecture
// of a family built from today's size fields. Plain C++; the formulas are in SCIENCE.md
// section 6, the choices beyond them in docs/models.md.
#include "engine/models/model_folder.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>

#include "engine/models/internal/hf_json.h"

namespace forgetlab {
using nlohmann::json;

namespace {

const std::vector<std::string> kFamilies = {"gpt2",     "llama", "mistral", "qwen2",
                                            "gpt_neox", "olmo",  "olmo2"};

// Reads typed fields of one config.json, naming the file and field in every error.
class ConfigFields {
public:
    ConfigFields(const json& j, std::string path) : m_j(j), m_path(std::move(path)) {}

    bool has(const char* key) const { return m_j.contains(key) && !m_j[key].is_null(); }

    int positive(const char* key, int fallback, bool required = false) const {
        if (!has(key)) {
            if (required)
                throw ModelFolderError(m_path + ": missing field '" + key +
                                       "' (this model_type needs it)");
            return fallback;
        }
        const json& v = m_j[key];
        if (!v.is_number_integer() || v.get<int64_t>() <= 0 || v.get<int64_t>() > (1 << 30))
            throw ModelFolderError(m_path + ": field '" + key + "' is " + v.dump() +
                                   ": it must be a positive integer");
        return v.get<int>();
    }
    double number(const char* key, double fallback, bool mustBePositive = true) const {
        if (!has(key)) return fallback;
        const json& v = m_j[key];
        if (!v.is_number() || !std::isfinite(v.get<double>()) ||
            (mustBePositive && !(v.get<double>() > 0)))
            throw ModelFolderError(m_path + ": field '" + key + "' is " + v.dump() +
                                   ": it must be a positive number");
        return v.get<double>();
    }
    bool boolean(const char* key, bool fallback) const {
        if (!has(key)) return fallback;
        if (!m_j[key].is_boolean())
            throw ModelFolderError(m_path + ": field '" + key + "' is " + m_j[key].dump() +
                                   ": it must be true or false");
        return m_j[key].get<bool>();
    }
    std::string text(const char* key, const std::string& fallback) const {
        if (!has(key)) return fallback;
        if (!m_j[key].is_string())
            throw ModelFolderError(m_path + ": field '" + key + "' is " + m_j[key].dump() +
                                   ": it must be a string");
        return m_j[key].get<std::string>();
    }
    // A token id, or a list of them (the first counts); -1 when absent.
    int tokenId(const char* key) const {
        if (!has(key)) return -1;
        const json& v = m_j[key].is_array() && !m_j[key].empty() ? m_j[key][0] : m_j[key];
        return v.is_number_integer() ? v.get<int>() : -1;
    }
    const json& raw(const char* key) const { return m_j[key]; }
    const std::string& path() const { return m_path; }

private:
    const json& m_j;
    std::string m_path;
};

void readRopeScaling(const ConfigFields& f, LmArchitecture& a) {
    if (!f.has("rope_scaling")) return;
    const json& r = f.raw("rope_scaling");
    if (!r.is_object())
        throw ModelFolderError(f.path() + ": field 'rope_scaling' is " + r.dump() +
                               ": it must be null or an object with rope_type");
    std::string kind = r.contains("rope_type") && r["rope_type"].is_string()
                           ? r["rope_type"].get<std::string>()
                       : r.contains("type") && r["type"].is_string() ? r["type"].get<std::string>()
                                                                     : "";
    if (kind == "default") return;
    auto number = [&](const char* key, double fallback) {
        if (!r.contains(key) || r[key].is_null()) return fallback;
        if (!r[key].is_number() || !(r[key].get<double>() > 0))
            throw ModelFolderError(f.path() + ": rope_scaling." + key + " is " + r[key].dump() +
                                   ": it must be a positive number");
        return r[key].get<double>();
    };
    if (kind == "linear") {
        a.rope_scaling = "linear";
        a.rope_factor = number("factor", 1.0);
    } else if (kind == "llama3") {
        a.rope_scaling = "llama3";
        a.rope_factor = number("factor", 8.0);
        a.rope_low_freq_factor = number("low_freq_factor", 1.0);
        a.rope_high_freq_factor = number("high_freq_factor", 4.0);
        a.rope_original_max_positions =
            int(number("original_max_position_embeddings", double(a.max_positions)));
        if (!(a.rope_high_freq_factor > a.rope_low_freq_factor))
            throw ModelFolderError(f.path() +
                                   ": rope_scaling.high_freq_factor must be larger than "
                                   "low_freq_factor");
    } else {
        throw ModelFolderError(f.path() + ": rope_scaling type '" + kind +
                               "' is not implemented; ForgetLab supports rope_scaling null, "
                               "\"linear\" and \"llama3\" (docs/models.md)");
    }
}

std::string checkActivation(const ConfigFields& f, const char* key, const std::string& fallback,
                            const std::vector<std::string>& allowed) {
    std::string act = f.text(key, fallback);
    if (act == "gelu_pytorch_tanh" || act == "gelu_fast") act = "gelu_new";
    if (std::find(allowed.begin(), allowed.end(), act) == allowed.end()) {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        throw ModelFolderError(f.path() + ": " + key + " '" + f.text(key, fallback) +
                               "' is not implemented for this family; supported: " + list);
    }
    return act;
}

void validateShape(const LmArchitecture& a, const std::string& path) {
    if (a.family == "gpt2" || a.family == "gpt_neox") {
        if (a.hidden_size % a.num_heads != 0)
            throw ModelFolderError(path + ": the hidden size " + std::to_string(a.hidden_size) +
                                   " is not divisible by the number of heads " +
                                   std::to_string(a.num_heads));
    }
    if (a.num_heads % a.num_kv_heads != 0)
        throw ModelFolderError(path + ": num_attention_heads " + std::to_string(a.num_heads) +
                               " is not a multiple of num_key_value_heads " +
                               std::to_string(a.num_kv_heads) +
                               " (grouped-query attention shares each key/value head among "
                               "the same number of query heads)");
    if (a.head_dim % 2 != 0 && a.family != "gpt2")
        throw ModelFolderError(path + ": head_dim " + std::to_string(a.head_dim) +
                               " is odd; rotary embeddings need an even head dimension");
}

}  // namespace

json readJsonFile(const std::string& path, const std::string& what) {
    std::ifstream in(path);
    if (!in) throw ModelFolderError(path + ": cannot open (" + what + ")");
    try {
        return json::parse(in);
    } catch (const std::exception& e) {
        throw ModelFolderError(path + ": not valid JSON (" + std::string(e.what()) +
                               "); the file is truncated or damaged: download it again");
    }
}

std::string supportedFamilies() {
    std::string s;
    for (const auto& f : kFamilies) s += (s.empty() ? "" : ", ") + f;
    return s;
}

bool isSupportedFamily(const std::string& family) {
    return std::find(kFamilies.begin(), kFamilies.end(), family) != kFamilies.end();
}

LmArchitecture readHfConfig(const std::string& path) {
    const json j = readJsonFile(path, "a Hugging Face config.json is needed");
    if (!j.is_object()) throw ModelFolderError(path + ": not a JSON object");
    ConfigFields f(j, path);
    if (!f.has("model_type"))
        throw ModelFolderError(
            path + ": missing field 'model_type'; supported model types: " + supportedFamilies());
    LmArchitecture a;
    a.family = f.text("model_type", "");
    if (!isSupportedFamily(a.family))
        throw ModelFolderError(path + ": model_type '" + a.family +
                               "' is not supported; ForgetLab builds " + supportedFamilies() +
                               " (decoder-only language models)");
    a.bos_token_id = f.tokenId("bos_token_id");
    a.eos_token_id = f.tokenId("eos_token_id");
    a.vocab_size = f.positive("vocab_size", 0, true);
    if (a.family == "gpt2") {
        a.num_layers = f.positive("n_layer", 0, true);
        a.num_heads = f.positive("n_head", 0, true);
        a.hidden_size = f.positive("n_embd", 0, true);
        a.max_positions =
            f.has("n_positions") ? f.positive("n_positions", 0) : f.positive("n_ctx", 0, true);
        a.norm_eps = f.number("layer_norm_epsilon", 1e-5);
        a.intermediate_size = f.positive("n_inner", 4 * a.hidden_size);
        a.hidden_act = checkActivation(f, "activation_function", "gelu_new", {"gelu_new", "gelu"});
        a.num_kv_heads = a.num_heads;
        if (a.hidden_size % a.num_heads != 0)
            throw ModelFolderError(path + ": field 'n_embd' (" + std::to_string(a.hidden_size) +
                                   ") is not divisible by field 'n_head' (" +
                                   std::to_string(a.num_heads) + ")");
        a.head_dim = a.hidden_size / a.num_heads;
        a.tie_word_embeddings = f.boolean("tie_word_embeddings", true);
        if (!a.tie_word_embeddings)
            throw ModelFolderError(path +
                                   ": tie_word_embeddings false is not implemented for gpt2 "
                                   "(GPT-2's head is its token embedding)");
        a.qkv_bias = a.o_bias = a.mlp_bias = true;
        return a;
    }
    a.hidden_size = f.positive("hidden_size", 0, true);
    a.num_layers = f.positive("num_hidden_layers", 0, true);
    a.num_heads = f.positive("num_attention_heads", 0, true);
    a.num_kv_heads = f.positive("num_key_value_heads", a.num_heads);
    a.intermediate_size = f.positive("intermediate_size", 0, true);
    a.max_positions = f.positive("max_position_embeddings", 0, true);
    a.head_dim = f.positive("head_dim", a.hidden_size / a.num_heads);
    if (!f.has("head_dim") && a.hidden_size % a.num_heads != 0)
        throw ModelFolderError(path + ": hidden_size " + std::to_string(a.hidden_size) +
                               " is not divisible by num_attention_heads " +
                               std::to_string(a.num_heads) + " and there is no head_dim");
    if (a.family == "gpt_neox") {
        a.norm_eps = f.number("layer_norm_eps", 1e-5);
        a.rotary_pct = f.number("rotary_pct", 0.25);
        if (a.rotary_pct > 1.0)
            throw ModelFolderError(path + ": rotary_pct " + std::to_string(a.rotary_pct) +
                                   " is above 1: it is the share of each head's dims rotated");
        a.rope_theta = f.number("rotary_emb_base", f.number("rope_theta", 10000.0));
        a.parallel_residual = f.boolean("use_parallel_residual", true);
        a.hidden_act = checkActivation(f, "hidden_act", "gelu", {"gelu", "gelu_new", "relu"});
        a.tie_word_embeddings = f.boolean("tie_word_embeddings", false);
        a.qkv_bias = a.o_bias = f.boolean("attention_bias", true);
        a.mlp_bias = true;
        a.num_kv_heads = a.num_heads;
        if (f.has("head_dim") && a.head_dim != a.hidden_size / a.num_heads)
            throw ModelFolderError(path +
                                   ": gpt_neox with a head_dim other than hidden_size / "
                                   "num_attention_heads is not implemented");
        readRopeScaling(f, a);
        validateShape(a, path);
        return a;
    }
    // llama, mistral, qwen2, olmo, olmo2.
    a.norm_eps = a.family == "olmo" ? 1e-5 : f.number("rms_norm_eps", 1e-6);
    a.rope_theta = f.number("rope_theta", 10000.0);
    a.hidden_act = checkActivation(f, "hidden_act", "silu", {"silu"});
    a.tie_word_embeddings = f.boolean("tie_word_embeddings", false);
    const bool attentionBias = f.boolean("attention_bias", false);
    a.qkv_bias = a.family == "qwen2" ? true : attentionBias;
    a.o_bias = a.family == "qwen2" ? false : attentionBias;
    a.mlp_bias = f.boolean("mlp_bias", false);
    if (f.has("partial_rotary_factor") && f.number("partial_rotary_factor", 1.0) != 1.0)
        throw ModelFolderError(path +
                               ": partial_rotary_factor other than 1 is not implemented "
                               "for " +
                               a.family);
    if (a.family == "olmo") {
        if (f.has("clip_qkv")) a.clip_qkv = f.number("clip_qkv", 0.0);
    }
    if (a.family == "mistral" && f.has("sliding_window"))
        a.sliding_window = f.positive("sliding_window", 0);
    if (a.family == "qwen2" && f.boolean("use_sliding_window", false))
        throw ModelFolderError(path +
                               ": use_sliding_window true (Qwen2's per-layer windows from "
                               "max_window_layers) is not implemented; set it to false");
    a.rotary_pct = 1.0;
    readRopeScaling(f, a);
    validateShape(a, path);
    return a;
}

std::string hfConfigJson(const LmArchitecture& a) {
    json j;
    j["model_type"] = a.family;
    j["vocab_size"] = a.vocab_size;
    if (a.bos_token_id >= 0) j["bos_token_id"] = a.bos_token_id;
    if (a.eos_token_id >= 0) j["eos_token_id"] = a.eos_token_id;
    j["torch_dtype"] = "float32";
    if (a.family == "gpt2") {
        j["architectures"] = {"GPT2LMHeadModel"};
        j["n_layer"] = a.num_layers;
        j["n_head"] = a.num_heads;
        j["n_embd"] = a.hidden_size;
        j["n_positions"] = a.max_positions;
        j["n_ctx"] = a.max_positions;
        j["layer_norm_epsilon"] = a.norm_eps;
        j["activation_function"] = a.hidden_act;
        if (a.intermediate_size != 4 * a.hidden_size) j["n_inner"] = a.intermediate_size;
        j["tie_word_embeddings"] = true;
        return j.dump(2);
    }
    j["hidden_size"] = a.hidden_size;
    j["num_hidden_layers"] = a.num_layers;
    j["num_attention_heads"] = a.num_heads;
    j["intermediate_size"] = a.intermediate_size;
    j["max_position_embeddings"] = a.max_positions;
    j["hidden_act"] = a.hidden_act;
    j["tie_word_embeddings"] = a.tie_word_embeddings;
    if (a.rope_scaling == "linear")
        j["rope_scaling"] = {{"rope_type", "linear"}, {"factor", a.rope_factor}};
    else if (a.rope_scaling == "llama3")
        j["rope_scaling"] = {{"rope_type", "llama3"},
                             {"factor", a.rope_factor},
                             {"low_freq_factor", a.rope_low_freq_factor},
                             {"high_freq_factor", a.rope_high_freq_factor},
                             {"original_max_position_embeddings", a.rope_original_max_positions}};
    else
        j["rope_scaling"] = nullptr;
    if (a.family == "gpt_neox") {
        j["architectures"] = {"GPTNeoXForCausalLM"};
        j["layer_norm_eps"] = a.norm_eps;
        j["rotary_pct"] = a.rotary_pct;
        j["rotary_emb_base"] = a.rope_theta;
        j["use_parallel_residual"] = a.parallel_residual;
        j["attention_bias"] = a.qkv_bias;
        return j.dump(2);
    }
    static const std::map<std::string, std::string> kArch = {{"llama", "LlamaForCausalLM"},
                                                             {"mistral", "MistralForCausalLM"},
                                                             {"qwen2", "Qwen2ForCausalLM"},
                                                             {"olmo", "OlmoForCausalLM"},
                                                             {"olmo2", "Olmo2ForCausalLM"}};
    j["architectures"] = {kArch.at(a.family)};
    j["num_key_value_heads"] = a.num_kv_heads;
    j["head_dim"] = a.head_dim;
    j["rope_theta"] = a.rope_theta;
    if (a.family != "olmo") j["rms_norm_eps"] = a.norm_eps;
    if (a.family != "qwen2") j["attention_bias"] = a.qkv_bias;
    j["mlp_bias"] = a.mlp_bias;
    if (a.family == "olmo") j["clip_qkv"] = a.clip_qkv > 0 ? json(a.clip_qkv) : json(nullptr);
    if (a.family == "mistral")
        j["sliding_window"] = a.sliding_window > 0 ? json(a.sliding_window) : json(nullptr);
    if (a.family == "qwen2") j["use_sliding_window"] = false;
    return j.dump(2);
}

LmArchitecture architectureFromSizes(const std::string& family, int layers, int heads, int embd,
                                     int context, int vocab) {
    if (!isSupportedFamily(family))
        throw ModelFolderError("model.gpt.family '" + family + "' is not supported; use one of " +
                               supportedFamilies());
    LmArchitecture a;
    a.family = family;
    a.num_layers = layers;
    a.num_heads = heads;
    a.num_kv_heads = heads;
    a.hidden_size = embd;
    a.head_dim = heads > 0 ? embd / heads : 0;
    a.max_positions = context;
    a.vocab_size = vocab;
    if (family == "gpt2") {
        a.intermediate_size = 4 * embd;
        a.hidden_act = "gelu_new";
        a.norm_eps = 1e-5;
        return a;
    }
    if (family == "gpt_neox") {
        a.intermediate_size = 4 * embd;
        a.hidden_act = "gelu";
        a.rotary_pct = 0.25;
        a.parallel_residual = true;
        a.tie_word_embeddings = false;
        a.norm_eps = 1e-5;
        return a;
    }
    a.intermediate_size = (8 * embd / 3 + 31) / 32 * 32;
    a.hidden_act = "silu";
    a.norm_eps = family == "olmo" ? 1e-5 : 1e-6;
    a.tie_word_embeddings = false;
    a.qkv_bias = family == "qwen2";
    a.o_bias = false;
    a.mlp_bias = false;
    return a;
}

}  // namespace forgetlab
