#pragma once
// Text helpers shared by the tokenizers (engine/data/tokenizer.cpp, hf_tokenizer.cpp,
// tokenizer_folder.cpp): UTF-8 decoding, Unicode character classes and normalization
// (utf8proc) and a PCRE2 regular expression that finds matches the way the Hugging Face
// tokenizers library (Oniguruma) does. Plain C++; PCRE2 and utf8proc stay in the .cpp.

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace forgetlab::text {

// The length (1..4) of the well-formed UTF-8 sequence at s[i] (no overlong forms, no
// surrogates, at most U+10FFFF), storing its code point in *cp; 0 when the bytes at i are not
// a well-formed sequence (or i >= s.size()).
size_t utf8Sequence(const std::string& s, size_t i, char32_t* cp = nullptr);
std::string utf8Encode(char32_t cp);
bool isValidUtf8(const std::string& s);
// Replaces each maximal ill-formed subsequence by U+FFFD ("substitution of maximal
// subparts", what Python's bytes.decode("utf-8", errors="replace") and Rust's
// String::from_utf8_lossy do); valid text comes back unchanged.
std::string replaceInvalidUtf8(const std::string& s);

// Character classes as Rust's char methods (and regex crate) define them, which is what
// the tokenizers library tests with.
bool isWhitespace(char32_t cp);  // Unicode White_Space (char::is_whitespace, regex \s)
bool isNumeric(char32_t cp);     // general category Nd, Nl or No (char::is_numeric)
// regex \w: letters, marks, Nd, Nl, connector punctuation, ZWJ/ZWNJ (an approximation of
// Alphabetic + M + Nd + Pc + Join_Control that differs only for a few symbols).
bool isWordChar(char32_t cp);
// The full lowercase mapping of one code point (char::to_lowercase): U+0130 becomes
// "i\u0307", everything else its simple lowercase mapping.
std::string lowercase(char32_t cp);

enum class NormalForm { NFC, NFD, NFKC, NFKD };
// Unicode normalization of valid UTF-8 (utf8proc). Throws std::runtime_error on invalid
// input.
std::string normalize(const std::string& utf8, NormalForm form);

// A compiled PCRE2 pattern in UTF + UCP mode: \p{L}, \p{N}, \s, \w and case-insensitive
// matching are Unicode-aware. Immutable and safe to share between threads.
class Regex {
public:
    // Throws std::invalid_argument with PCRE2's message and the offset in the pattern.
    explicit Regex(const std::string& pattern);
    ~Regex();
    Regex(const Regex&) = delete;
    Regex& operator=(const Regex&) = delete;

    // Every match left to right as [begin, end) byte offsets, like Oniguruma's find_iter:
    // the search resumes at the end of each match, and an empty match right where the
    // previous match ended is skipped (the search moves on by one character). The subject
    // may hold invalid UTF-8; no pattern item matches an ill-formed byte, so such bytes
    // are never inside a match.
    std::vector<std::pair<size_t, size_t>> findAll(const std::string& subject) const;

    // A pattern that matches `literal` exactly (every ASCII punctuation byte escaped).
    static std::string escape(const std::string& literal);

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

// GPT-2's pre-tokenizer pattern,
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// compiled once.
const Regex& gpt2Regex();

}  // namespace forgetlab::text
