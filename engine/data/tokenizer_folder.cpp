// loadTokenizerFolder, tokenizerKindOf and TokenizerSetup (engine/data/tokenizer.h).
//
// Special tokens follow tokenizer_config.json as transformers reads it:
//   - add_bos_token / add_eos_token where the file has them;
//   - where it lacks one, the tokenizer class's default: LlamaTokenizer, CodeLlamaTokenizer
//     and GemmaTokenizer (slow or Fast) add BOS and no EOS, GPTNeoXTokenizer adds neither;
//     for other classes a tokenizer.json's post_processor decides (a TemplateProcessing whose
//     single sequence starts or ends with a special token, as Llama 3's does);
//   - bos_token / eos_token (a string or {"content": ...}) name the tokens, looked up in the
//     added tokens and the vocabulary.
// A folder without tokenizer_config.json adds neither, whatever its tokenizer.json says.

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "engine/data/hf_tokenizer.h"
#include "engine/data/sentencepiece_tokenizer.h"
#include "engine/data/tokenizer.h"

namespace forgetlab {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

bool isFile(const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}

bool startsWith(const std::string& s, const char* prefix) {
    return s.rfind(prefix, 0) == 0;
}

// The token a bos_token / eos_token entry names ("" for none or null).
std::string tokenName(const json& cfg, const char* key, const std::string& file) {
    const auto it = cfg.find(key);
    if (it == cfg.end() || it->is_null()) return {};
    if (it->is_string()) return it->get<std::string>();
    if (it->is_object()) {
        const auto c = it->find("content");
        if (c != it->end() && c->is_string()) return c->get<std::string>();
    }
    throw TokenizerError(file + ": " + key + " is " + it->dump() +
                         ", expected a token string (\"<s>\") or an object with \"content\". "
                         "Fix: use the tokenizer_config.json that came with the model.");
}

}  // namespace

std::string tokenizerKindOf(const std::string& dir) {
    const fs::path d(dir);
    if (isFile(d / "tokenizer.json")) return "tokenizer.json";
    if (isFile(d / "tokenizer.model")) return "tokenizer.model";
    if (isFile(d / "vocab.json") && isFile(d / "merges.txt")) return "vocab.json+merges.txt";
    return "none";
}

std::vector<int> TokenizerSetup::encodeWithSpecials(const std::string& utf8) const {
    if (!tokenizer)
        throw TokenizerError(
            "this tokenizer setup has no tokenizer. Fix: get it from loadTokenizerFolder().");
    std::vector<int> ids;
    if (add_bos && bos_id >= 0) ids.push_back(bos_id);
    const std::vector<int> body = tokenizer->encode(utf8);
    ids.insert(ids.end(), body.begin(), body.end());
    if (add_eos && eos_id >= 0) ids.push_back(eos_id);
    return ids;
}

TokenizerSetup loadTokenizerFolder(const std::string& dir, int embeddingRows) {
    const fs::path d(dir);
    std::error_code ec;
    if (!fs::is_directory(d, ec))
        throw TokenizerError("tokenizer folder " + dir +
                             (fs::exists(d, ec) ? " is not a folder" : " does not exist") +
                             ". Fix: give the model folder that holds tokenizer.json, "
                             "tokenizer.model or vocab.json + merges.txt.");
    TokenizerSetup setup;
    setup.kind = tokenizerKindOf(dir);
    const HfTokenizer* hf = nullptr;
    if (setup.kind == "tokenizer.json") {
        setup.source = (d / "tokenizer.json").string();
        auto t = HfTokenizer::load(setup.source);
        hf = t.get();
        setup.tokenizer = std::move(t);
    } else if (setup.kind == "tokenizer.model") {
        setup.source = (d / "tokenizer.model").string();
        setup.tokenizer = SentencePieceTokenizer::load(setup.source);
    } else if (setup.kind == "vocab.json+merges.txt") {
        setup.source = (d / "vocab.json").string();
        setup.tokenizer = Gpt2BpeTokenizer::load(setup.source, (d / "merges.txt").string());
    } else {
        std::string half;
        if (isFile(d / "vocab.json")) half = " (it has vocab.json but no merges.txt)";
        if (isFile(d / "merges.txt")) half = " (it has merges.txt but no vocab.json)";
        throw TokenizerError(dir + " holds no tokenizer" + half +
                             ": ForgetLab reads tokenizer.json, tokenizer.model, or vocab.json "
                             "with merges.txt. Fix: copy the tokenizer files that came with "
                             "the model (they sit next to its weights) into the folder.");
    }
    const int size = setup.tokenizer->vocabSize();
    if (embeddingRows > 0 && size > embeddingRows)
        throw TokenizerError(setup.source + " has " + std::to_string(size) + " tokens (ids up to " +
                             std::to_string(size - 1) + ") but the model's embedding has only " +
                             std::to_string(embeddingRows) +
                             " rows (config.json vocab_size), so it could not embed them. "
                             "Fix: use the tokenizer that belongs to this model, or a model "
                             "whose vocab_size is at least " +
                             std::to_string(size) + ".");

    const fs::path cfgPath = d / "tokenizer_config.json";
    if (!isFile(cfgPath)) return setup;  // no file: no BOS, no EOS
    const std::string file = cfgPath.string();
    std::ifstream in(cfgPath, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    json cfg;
    try {
        cfg = json::parse(text.str());
    } catch (const json::parse_error& e) {
        throw TokenizerError(file + " is not valid JSON (" + e.what() +
                             "). Fix: use the tokenizer_config.json that came with the model, "
                             "or remove it (then no BOS or EOS is added).");
    }
    if (!cfg.is_object())
        throw TokenizerError(file + ": expected a JSON object, found a JSON " +
                             std::string(cfg.type_name()) +
                             ". Fix: use the tokenizer_config.json that came with the model.");

    const std::string cls = cfg.value("tokenizer_class", std::string());
    const bool llamaLike = startsWith(cls, "LlamaTokenizer") ||
                           startsWith(cls, "CodeLlamaTokenizer") ||
                           startsWith(cls, "GemmaTokenizer");
    const bool neox = startsWith(cls, "GPTNeoXTokenizer");
    auto flag = [&](const char* key, bool classDefault, bool hasClassDefault, int processorId,
                    bool* out, int* id) {
        const auto it = cfg.find(key);
        if (it != cfg.end() && !it->is_null()) {
            if (!it->is_boolean())
                throw TokenizerError(file + ": " + key + " is " + it->dump() +
                                     ", expected true or false. Fix: write \"" + key +
                                     "\": true or false.");
            *out = it->get<bool>();
        } else if (hasClassDefault) {
            *out = classDefault;
        } else if (processorId >= 0) {
            *out = true;
            *id = processorId;
        }
    };
    const int ppBos = hf ? hf->postProcessorBos() : -1;
    const int ppEos = hf ? hf->postProcessorEos() : -1;
    flag("add_bos_token", llamaLike, llamaLike || neox, ppBos, &setup.add_bos, &setup.bos_id);
    flag("add_eos_token", false, llamaLike || neox, ppEos, &setup.add_eos, &setup.eos_id);

    for (const auto& [key, added, id] :
         {std::make_tuple("bos_token", setup.add_bos, &setup.bos_id),
          std::make_tuple("eos_token", setup.add_eos, &setup.eos_id)}) {
        const std::string name = tokenName(cfg, key, file);
        const std::string flagName = std::string("add_") + key;
        if (name.empty()) {
            if (added && *id < 0)
                throw TokenizerError(file + ": " + flagName + " is true but " + key +
                                     " is not set. Fix: add \"" + key +
                                     "\" with the model's token (e.g. \"<s>\"), or set \"" +
                                     flagName + "\": false.");
            continue;
        }
        const int found = setup.tokenizer->tokenId(name);
        if (found < 0) {
            if (added && *id < 0)
                throw TokenizerError(file + ": " + key + " \"" + name + "\" is not a token of " +
                                     setup.source +
                                     ". Fix: name a "
                                     "token of this tokenizer, or set \"" +
                                     flagName + "\": false.");
            continue;
        }
        if (*id < 0) *id = found;
    }
    return setup;
}

}  // namespace forgetlab
