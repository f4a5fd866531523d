#pragma once
// What the parts of the Hugging Face tokenizer.json reader (engine/data/hf_tokenizer.cpp and
// the hf_*.cpp files beside it) share: strings that keep their origin in the input text and
// how they are split and replaced (hf_normalized_string.cpp), the pieces a text becomes, the
// normalizer, pre-tokenizer and decoder interfaces with the functions that read them from
// tokenizer.json (hf_normalizers.cpp, hf_pretokenizers.cpp, hf_decoders.cpp), the added
// tokens and their matcher (hf_added_tokens.cpp), the BPE model (hf_bpe.cpp) and the JSON
// field reader that words every error with the file, the field and the fix
// (hf_json_reader.cpp). Everything is in forgetlab::hf, for these files only. Plain C++.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "engine/data/internal/tokenizer_text.h"

namespace forgetlab::hf {

using nlohmann::json;
using text::Regex;

constexpr char32_t kInvalid = 0xFFFFFFFF;  // an ill-formed byte, iterated as one "char"

// The length of the character at s[i] (1 for an ill-formed byte), its code point in *cp.
inline size_t charAt(const std::string& s, size_t i, char32_t* cp) {
    const size_t n = text::utf8Sequence(s, i, cp);
    if (n == 0) {
        *cp = kInvalid;
        return 1;
    }
    return n;
}

inline std::string inQuotes(const std::string& s) {
    return "\"" + (s.size() > 60 ? s.substr(0, 60) + "..." : s) + "\"";
}

// ---- Strings with their origin (hf_normalized_string.cpp) -----------------------------------
// The library's NormalizedString keeps an alignment to the original text; the only thing
// encoding needs from it is where a piece starts in the original text (Metaspace's
// prepend_scheme "first" asks whether that is 0). So each byte carries the original offset of
// the character it came from.

struct NString {
    std::string s;
    std::vector<uint32_t> orig;
};

NString fromOriginal(const std::string& s);
void appendSlice(NString& out, const NString& in, size_t begin, size_t end);
void appendWithOrigin(NString& out, const std::string& bytes, uint32_t origin);
NString sliceOf(const NString& n, size_t begin, size_t end);
// NormalizedString::prepend: the new characters take the alignment of the first one; an
// empty string stays empty.
void prepend(NString& n, const std::string& what);

// Pattern::find_matches: segments covering the whole string, each a match or not.
struct Seg {
    size_t begin, end;
    bool match;
};

std::vector<Seg> segmentsOf(const std::string& s,
                            const std::vector<std::pair<size_t, size_t>>& matches);
// The Fn(char) -> bool pattern: every matching character is a match of its own.
std::vector<Seg> charSegments(const std::string& s, const std::function<bool(char32_t)>& pred);

enum class Behavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };

// NormalizedString::split, without the empty pieces (the caller drops those anyway).
std::vector<NString> splitBy(const NString& n, const std::vector<Seg>& segs, Behavior behavior);
// NormalizedString::replace: every match becomes `content`, whose characters take the
// alignment of the match's last byte (of the byte before an empty match).
void replaceMatches(NString& n, const std::vector<Seg>& segs, const std::string& content);

// ---- Pieces ---------------------------------------------------------------------------------

struct Piece {
    NString n;
    int id = -1;  // >= 0: an added token, which no later step touches
};
using Pieces = std::vector<Piece>;

// ---- Reading tokenizer.json (hf_json_reader.cpp) --------------------------------------------

extern const char* const kFixUnsupported;
extern const char* const kFixFile;

class Reader {
public:
    Reader(std::string source, const std::string& text)
        : m_source(std::move(source)), m_text(text) {}

    [[noreturn]] void fail(const std::string& path, const std::string& what,
                           const std::string& fix = kFixFile) const;

    const json* get(const json& obj, const std::string& key) const;
    bool boolean(const json& obj, const std::string& path, const std::string& key, bool def) const;
    std::string string(const json& obj, const std::string& path, const std::string& key) const;
    size_t count(const json& obj, const std::string& path, const std::string& key) const;
    // A field that must hold exactly one character ("▁", " ").
    char32_t character(const json& obj, const std::string& path, const std::string& key) const;
    std::string typeOf(const json& obj, const std::string& path) const;
    // {"String": "..."} or {"Regex": "..."}.
    std::unique_ptr<Regex> pattern(const json& obj, const std::string& path) const;

    // The line of the index-th element of the array that starts at text[open] ('['), 0 if
    // it cannot be found.
    size_t lineOfElement(size_t open, size_t index) const;
    // "model.merges[12] (line 40)".
    std::string mergeWhere(size_t index) const;

    const std::string& source() const { return m_source; }

private:
    std::string m_source;
    const std::string& m_text;
};

// ---- Normalizers (hf_normalizers.cpp) -------------------------------------------------------

struct Normalizer {
    virtual ~Normalizer() = default;
    virtual void apply(NString& n) const = 0;
    virtual std::string name() const = 0;
};

std::unique_ptr<Normalizer> readNormalizer(const Reader& r, const json& obj,
                                           const std::string& path);

// ---- Pre-tokenizers (hf_pretokenizers.cpp) --------------------------------------------------

struct PreTokenizer {
    virtual ~PreTokenizer() = default;
    virtual void apply(Pieces& pieces) const = 0;
    virtual std::string name() const = 0;
};

enum class PrependScheme { First, Never, Always };

// Metaspace's prepend_scheme (or the older add_prefix_space), for the pre-tokenizer and the
// decoder.
PrependScheme schemeOf(const Reader& r, const json& obj, const std::string& path);

std::unique_ptr<PreTokenizer> readPreTokenizer(const Reader& r, const json& obj,
                                               const std::string& path);

// ---- Decoders (hf_decoders.cpp) -------------------------------------------------------------

struct Decoder {
    virtual ~Decoder() = default;
    virtual void apply(std::vector<std::string>& tokens) const = 0;
    virtual std::string name() const = 0;
};

std::unique_ptr<Decoder> readDecoder(const Reader& r, const json& obj, const std::string& path);

// ---- Added tokens (hf_added_tokens.cpp) -----------------------------------------------------

struct AddedToken {
    int id = -1;
    std::string content;
    bool singleWord = false, lstrip = false, rstrip = false, normalized = true, special = false;
};

// Leftmost-longest, non-overlapping matching of a set of strings (the library's
// Aho-Corasick with MatchKind::LeftmostLongest), as a byte trie.
class Matcher {
public:
    struct Match {
        size_t begin, end;
        int token;  // index into the added tokens
    };
    void add(const std::string& pattern, int token);
    bool empty() const { return m_empty; }
    std::vector<Match> findAll(const std::string& s) const;

private:
    struct Node {
        std::vector<std::pair<unsigned char, int>> next;
        int token = -1;
    };
    std::vector<Node> m_nodes{1};
    bool m_first[256] = {};
    bool m_empty = true;
};

// The code point that ends s[0, end) (kInvalid if none or ill-formed).
char32_t lastChar(const std::string& s, size_t end);

// ---- BPE (hf_bpe.cpp) -----------------------------------------------------------------------

struct BpeModel {
    std::unordered_map<std::string, int> vocab;
    std::unordered_map<uint64_t, std::pair<int, int>> merges;  // (left, right) -> (rank, new)
    std::string unkToken;
    bool hasUnk = false, fuseUnk = false, byteFallback = false, ignoreMerges = false;
    int byteIds[256];
    std::string source;

    mutable std::mutex cacheMutex;
    mutable std::unordered_map<std::string, std::vector<int>> cache;
    static constexpr size_t kCacheEntries = 100000, kCachedLength = 256;

    static uint64_t key(int a, int b) {
        return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
    }

    std::vector<int> tokenize(const std::string& piece) const;
    int unkId() const;
    // BPE::merge_word and Word::merge_all.
    std::vector<int> mergeWord(const std::string& w) const;
};

}  // namespace forgetlab::hf
