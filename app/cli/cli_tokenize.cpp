// forgetlab-cli tokenize: how a model folder's tokenizer splits a text (ids, tokens, and
// whether BOS / EOS were added), the way the language tasks encode their texts.
#include <iomanip>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/cli/cli_support.h"
#include "engine/data/hf_tokenizer.h"
#include "engine/data/tokenizer.h"

namespace forgetlab::cli {

namespace {

// A token for the terminal: control characters and bytes that are not UTF-8 escaped.
std::string printable(const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
        if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c < 0x20 || c == 0x7F) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02X", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

std::string special(const TokenizerSetup& s, bool added, int id, const char* name) {
    std::ostringstream out;
    out << name << ": ";
    if (added)
        out << "added (" << printable(s.tokenizer->tokenString(id)) << ", id " << id << ")";
    else if (id >= 0)
        out << "not added (the tokenizer's is " << printable(s.tokenizer->tokenString(id))
            << ", id " << id << ")";
    else
        out << "not added";
    return out.str();
}

}  // namespace

int tokenizeCommand(const Args& args) {
    return guarded([&] {
        Options o(
            args,
            {{"--tokenizer", true}, {"--text", true}, {"--no-specials", false}, {"--json", false}});
        if (!o.has("--tokenizer") || !o.has("--text"))
            throw UsageError{
                "tokenize needs --tokenizer DIR (a model folder with tokenizer.json, "
                "tokenizer.model or vocab.json + merges.txt) and --text TEXT"};
        TokenizerSetup setup;
        try {
            setup = loadTokenizerFolder(o.get("--tokenizer"));
        } catch (const TokenizerError& e) {
            throw UsageError{e.what()};
        }
        const bool specials = !o.has("--no-specials");
        const std::string text = o.get("--text");
        const std::vector<int> ids =
            specials ? setup.encodeWithSpecials(text) : setup.tokenizer->encode(text);
        const bool bosAdded = specials && setup.add_bos && setup.bos_id >= 0;
        const bool eosAdded = specials && setup.add_eos && setup.eos_id >= 0;
        std::vector<std::string> tokens;
        for (int id : ids) tokens.push_back(setup.tokenizer->tokenString(id));
        const std::string decoded = setup.tokenizer->decode(ids);

        if (o.has("--json")) {
            const nlohmann::json j = {{"kind", setup.kind},
                                      {"source", setup.source},
                                      {"vocab_size", setup.tokenizer->vocabSize()},
                                      {"bos_added", bosAdded},
                                      {"eos_added", eosAdded},
                                      {"bos_id", setup.bos_id},
                                      {"eos_id", setup.eos_id},
                                      {"ids", ids},
                                      {"tokens", tokens},
                                      {"decoded", decoded}};
            std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                      << std::endl;
            return 0;
        }
        std::cout << "tokenizer: " << setup.kind << " (" << setup.source << "), "
                  << setup.tokenizer->vocabSize() << " tokens\n";
        if (const auto* hf = dynamic_cast<const HfTokenizer*>(setup.tokenizer.get()))
            std::cout << "  " << hf->describe() << "\n";
        std::cout << special(setup, bosAdded, setup.bos_id, "BOS") << "\n"
                  << special(setup, eosAdded, setup.eos_id, "EOS") << "\n"
                  << ids.size() << (ids.size() == 1 ? " token" : " tokens") << ":\n";
        for (size_t i = 0; i < ids.size(); ++i)
            std::cout << "  " << std::left << std::setw(8) << ids[i] << printable(tokens[i])
                      << "\n";
        std::cout << "ids:";
        for (int id : ids) std::cout << " " << id;
        std::cout << "\ndecoded: " << printable(decoded) << std::endl;
        return 0;
    });
}

}  // namespace forgetlab::cli
