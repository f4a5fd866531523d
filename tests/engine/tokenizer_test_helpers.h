#pragma once
// Helpers shared by the tokenizer tests (test_hf_tokenizer.cpp, test_hf_tokenizer_errors.cpp,
// test_tokenizer_folder.cpp, test_sentencepiece_tokenizer.cpp): the fixtures in
// tests/fixtures/tokenizers (FORGETLAB_TOKENIZER_FIXTURES; make_fixtures.py lists their
// vocabularies and merges), reading and writing files, the message of an expected error,
// GPT-2 byte symbols and the vocabulary and merges of gpt2-bytelevel.

#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/data/hf_tokenizer.h"
#include "engine/data/tokenizer.h"

namespace forgetlab::test {

using nlohmann::json;
using Ids = std::vector<int>;
using Strings = std::vector<std::string>;

inline const std::string kFixtures = FORGETLAB_TOKENIZER_FIXTURES;

inline std::string fixture(const std::string& name) {
    return kFixtures + "/" + name;
}

inline std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline void writeFile(const std::string& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary);
    out << content;
}

inline json fixtureJson(const std::string& name) {
    return json::parse(readFile(fixture(name) + "/tokenizer.json"));
}

inline std::unique_ptr<HfTokenizer> load(const std::string& name) {
    return HfTokenizer::load(fixture(name) + "/tokenizer.json");
}

inline std::unique_ptr<HfTokenizer> fromDoc(const json& doc) {
    return HfTokenizer::fromJson(doc.dump(), "variant/tokenizer.json");
}

template <class E>
std::string errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const E& e) {
        return e.what();
    }
    return {};
}

inline bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

// Bytes as GPT-2 byte symbols ("a b" -> "aĠb").
inline std::string sym(const std::string& bytes) {
    std::string s;
    for (char c : bytes) s += gpt2ByteSymbol(static_cast<unsigned char>(c));
    return s;
}

inline const std::string SP = "\xE2\x96\x81";  // ▁

// The merges of gpt2-bytelevel (and of test_tokenizer.cpp), results 256..265.
inline Gpt2BpeTokenizer::MergeList gpt2Merges() {
    const std::string G = "\xC4\xA0";
    return {{"l", "o"}, {"lo", "w"}, {"e", "r"}, {G, "l"},       {G, "low"},
            {"e", "s"}, {"es", "t"}, {G, "n"},   {G + "n", "e"}, {G + "ne", "w"}};
}

inline std::map<std::string, int> gpt2Vocab() {
    std::map<std::string, int> v;
    for (int b = 0; b < 256; ++b) v[gpt2ByteSymbol(static_cast<unsigned char>(b))] = b;
    for (const auto& [l, r] : gpt2Merges()) v.emplace(l + r, static_cast<int>(v.size()));
    return v;
}

}  // namespace forgetlab::test
