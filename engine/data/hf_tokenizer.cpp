#include "engine/data/hf_tokenizer.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <mutex>
#include <queue>
#include <sstream>
#include <unordered_map>
#include <utility>

#include <nlohmann/json.hpp>

#include "engine/data/internal/tokenizer_text.h"

namespace forgetlab {
namespace {

using nlohmann::json;
using text::Regex;

constexpr char32_t kInvalid = 0xFFFFFFFF;  // an ill-formed byte, iterated as one "char"

// The length of the character at s[i] (1 for an ill-formed byte), its code point in *cp.
size_t charAt(const std::string& s, size_t i, char32_t* cp) {
    const size_t n = text::utf8Sequence(s, i, cp);
    if (n == 0) {
        *cp = kInvalid;
        return 1;
    }
    return n;
}

std::string inQuotes(const std::string& s) {
    return "\"" + (s.size() > 60 ? s.substr(0, 60) + "..." : s) + "\"";
}

// ---- Strings with their origin --------------------------------------------------------------
// The library's NormalizedString keeps an alignment to the original text; the only thing
// encoding needs from it is where a piece starts in the original text (Metaspace's
// prepend_scheme "first" asks whether that is 0). So each byte carries the original offset of
// the character it came from.

struct NString {
    std::string s;
    std::vector<uint32_t> orig;
};

NString fromOriginal(const std::string& s) {
    NString n;
    n.s = s;
    n.orig.resize(s.size());
    for (size_t i = 0; i < s.size();) {
        char32_t cp = 0;
        const size_t len = charAt(s, i, &cp);
        for (size_t k = 0; k < len; ++k) n.orig[i + k] = static_cast<uint32_t>(i);
        i += len;
    }
    return n;
}

void appendSlice(NString& out, const NString& in, size_t begin, size_t end) {
    out.s.append(in.s, begin, end - begin);
    out.orig.insert(out.orig.end(), in.orig.begin() + static_cast<std::ptrdiff_t>(begin),
                    in.orig.begin() + static_cast<std::ptrdiff_t>(end));
}

void appendWithOrigin(NString& out, const std::string& bytes, uint32_t origin) {
    out.s += bytes;
    out.orig.insert(out.orig.end(), bytes.size(), origin);
}

NString sliceOf(const NString& n, size_t begin, size_t end) {
    NString out;
    appendSlice(out, n, begin, end);
    return out;
}

// NormalizedString::prepend: the new characters take the alignment of the first one; an
// empty string stays empty.
void prepend(NString& n, const std::string& what) {
    if (n.s.empty()) return;
    NString out;
    appendWithOrigin(out, what, n.orig[0]);
    appendSlice(out, n, 0, n.s.size());
    n = std::move(out);
}

// ---- Patterns and split behaviours ----------------------------------------------------------
// Pattern::find_matches: segments covering the whole string, each a match or not.

struct Seg {
    size_t begin, end;
    bool match;
};

std::vector<Seg> segmentsOf(const std::string& s,
                            const std::vector<std::pair<size_t, size_t>>& matches) {
    if (s.empty()) return {{0, 0, false}};
    std::vector<Seg> out;
    size_t prev = 0;
    for (const auto& [b, e] : matches) {
        if (prev != b) out.push_back({prev, b, false});
        out.push_back({b, e, true});
        prev = e;
    }
    if (prev != s.size()) out.push_back({prev, s.size(), false});
    return out;
}

// The Fn(char) -> bool pattern: every matching character is a match of its own.
std::vector<Seg> charSegments(const std::string& s, const std::function<bool(char32_t)>& pred) {
    if (s.empty()) return {{0, 0, false}};
    std::vector<Seg> out;
    size_t lastOffset = 0, lastSeen = 0;
    for (size_t i = 0; i < s.size();) {
        char32_t cp = 0;
        const size_t len = charAt(s, i, &cp);
        lastSeen = i + len;
        if (cp != kInvalid && pred(cp)) {
            if (lastOffset < i) out.push_back({lastOffset, i, false});
            out.push_back({i, i + len, true});
            lastOffset = i + len;
        }
        i += len;
    }
    if (lastSeen > lastOffset) out.push_back({lastOffset, lastSeen, false});
    return out;
}

enum class Behavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };

// NormalizedString::split, without the empty pieces (the caller drops those anyway).
std::vector<NString> splitBy(const NString& n, const std::vector<Seg>& segs, Behavior behavior) {
    std::vector<std::pair<size_t, size_t>> keep;
    bool previous = false;
    switch (behavior) {
        case Behavior::Isolated:
            for (const Seg& g : segs) keep.emplace_back(g.begin, g.end);
            break;
        case Behavior::Removed:
            for (const Seg& g : segs)
                if (!g.match) keep.emplace_back(g.begin, g.end);
            break;
        case Behavior::Contiguous:
            for (const Seg& g : segs) {
                if (g.match == previous && !keep.empty())
                    keep.back().second = g.end;
                else
                    keep.emplace_back(g.begin, g.end);
                previous = g.match;
            }
            break;
        case Behavior::MergedWithPrevious:
            for (const Seg& g : segs) {
                if (g.match && !previous && !keep.empty())
                    keep.back().second = g.end;
                else
                    keep.emplace_back(g.begin, g.end);
                previous = g.match;
            }
            break;
        case Behavior::MergedWithNext:
            for (auto it = segs.rbegin(); it != segs.rend(); ++it) {
                if (it->match && !previous && !keep.empty())
                    keep.back().first = it->begin;
                else
                    keep.emplace_back(it->begin, it->end);
                previous = it->match;
            }
            std::reverse(keep.begin(), keep.end());
            break;
    }
    std::vector<NString> out;
    for (const auto& [b, e] : keep)
        if (e > b) out.push_back(sliceOf(n, b, e));
    return out;
}

// NormalizedString::replace: every match becomes `content`, whose characters take the
// alignment of the match's last byte (of the byte before an empty match).
void replaceMatches(NString& n, const std::vector<Seg>& segs, const std::string& content) {
    bool any = false;
    for (const Seg& g : segs) any = any || g.match;
    if (!any) return;
    NString out;
    size_t last = 0;
    for (const Seg& g : segs) {
        if (!g.match) continue;
        appendSlice(out, n, last, g.begin);
        const uint32_t origin = g.end >= 1 ? n.orig[g.end - 1] : (n.orig.empty() ? 0 : n.orig[0]);
        appendWithOrigin(out, content, origin);
        last = g.end;
    }
    appendSlice(out, n, last, n.s.size());
    n = std::move(out);
}

// ---- Pieces ---------------------------------------------------------------------------------

struct Piece {
    NString n;
    int id = -1;  // >= 0: an added token, which no later step touches
};
using Pieces = std::vector<Piece>;

// PreTokenizedString::split: f splits each piece that is not an added token; empty results
// are dropped.
template <class F>
void splitPieces(Pieces& pieces, F&& f) {
    Pieces out;
    out.reserve(pieces.size());
    for (Piece& p : pieces) {
        if (p.id >= 0) {
            out.push_back(std::move(p));
            continue;
        }
        for (NString& part : f(p.n))
            if (!part.s.empty()) out.push_back({std::move(part), -1});
    }
    pieces.swap(out);
}

// ---- Normalizers ----------------------------------------------------------------------------

struct Normalizer {
    virtual ~Normalizer() = default;
    virtual void apply(NString& n) const = 0;
    virtual std::string name() const = 0;
};

struct UnicodeNormalizer : Normalizer {
    text::NormalForm form;
    std::string label;
    UnicodeNormalizer(text::NormalForm f, std::string l) : form(f), label(std::move(l)) {}
    // Normalizes chunk by chunk, each chunk starting at an ASCII character (no normal form
    // moves or composes anything across one), so the pieces keep their origins.
    void apply(NString& n) const override {
        bool ascii = true;
        for (char c : n.s) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
        if (ascii) return;
        NString out;
        size_t i = 0;
        while (i < n.s.size()) {
            char32_t cp = 0;
            size_t j = i + charAt(n.s, i, &cp);
            while (j < n.s.size() && static_cast<unsigned char>(n.s[j]) >= 0x80) ++j;
            if (j == i + 1 && static_cast<unsigned char>(n.s[i]) < 0x80) {
                appendSlice(out, n, i, j);
            } else {
                const std::string part = n.s.substr(i, j - i);
                const std::string normed = text::normalize(part, form);
                if (normed == part)
                    appendSlice(out, n, i, j);
                else
                    appendWithOrigin(out, normed, n.orig[i]);
            }
            i = j;
        }
        n = std::move(out);
    }
    std::string name() const override { return label; }
};

struct LowercaseNormalizer : Normalizer {
    void apply(NString& n) const override {
        NString out;
        for (size_t i = 0; i < n.s.size();) {
            char32_t cp = 0;
            const size_t len = charAt(n.s, i, &cp);
            if (cp == kInvalid)
                appendSlice(out, n, i, i + len);
            else
                appendWithOrigin(out, text::lowercase(cp), n.orig[i]);
            i += len;
        }
        n = std::move(out);
    }
    std::string name() const override { return "Lowercase"; }
};

struct PrependNormalizer : Normalizer {
    std::string what;
    void apply(NString& n) const override { prepend(n, what); }
    std::string name() const override { return "Prepend"; }
};

struct ReplaceNormalizer : Normalizer {
    std::unique_ptr<Regex> pattern;
    std::string content;
    void apply(NString& n) const override {
        replaceMatches(n, segmentsOf(n.s, pattern->findAll(n.s)), content);
    }
    std::string name() const override { return "Replace"; }
};

struct SequenceNormalizer : Normalizer {
    std::vector<std::unique_ptr<Normalizer>> parts;
    void apply(NString& n) const override {
        for (const auto& p : parts) p->apply(n);
    }
    std::string name() const override {
        std::string s = "Sequence[";
        for (size_t i = 0; i < parts.size(); ++i) s += (i ? ", " : "") + parts[i]->name();
        return s + "]";
    }
};

// ---- Pre-tokenizers -------------------------------------------------------------------------

struct PreTokenizer {
    virtual ~PreTokenizer() = default;
    virtual void apply(Pieces& pieces) const = 0;
    virtual std::string name() const = 0;
};

struct ByteLevelPre : PreTokenizer {
    bool addPrefixSpace = true, useRegex = true;
    void apply(Pieces& pieces) const override {
        splitPieces(pieces, [&](NString& n) {
            if (addPrefixSpace && n.s[0] != ' ') prepend(n, " ");
            if (!useRegex) return std::vector<NString>{n};
            return splitBy(n, segmentsOf(n.s, text::gpt2Regex().findAll(n.s)), Behavior::Isolated);
        });
        for (Piece& p : pieces) {
            if (p.id >= 0) continue;
            NString out;
            for (size_t i = 0; i < p.n.s.size(); ++i)
                appendWithOrigin(out, gpt2ByteSymbol(static_cast<unsigned char>(p.n.s[i])),
                                 p.n.orig[i]);
            p.n = std::move(out);
        }
    }
    std::string name() const override { return "ByteLevel"; }
};

struct SplitPre : PreTokenizer {
    std::unique_ptr<Regex> pattern;
    Behavior behavior = Behavior::Isolated;
    bool invert = false;
    void apply(Pieces& pieces) const override {
        splitPieces(pieces, [&](NString& n) {
            std::vector<Seg> segs = segmentsOf(n.s, pattern->findAll(n.s));
            if (invert)
                for (Seg& g : segs) g.match = !g.match;
            return splitBy(n, segs, behavior);
        });
    }
    std::string name() const override { return "Split"; }
};

struct DigitsPre : PreTokenizer {
    bool individual = false;
    void apply(Pieces& pieces) const override {
        splitPieces(pieces, [&](NString& n) {
            return splitBy(n, charSegments(n.s, text::isNumeric),
                           individual ? Behavior::Isolated : Behavior::Contiguous);
        });
    }
    std::string name() const override { return "Digits"; }
};

enum class PrependScheme { First, Never, Always };

struct MetaspacePre : PreTokenizer {
    std::string replacement = "\xE2\x96\x81";  // U+2581 "▁"
    char32_t replacementChar = 0x2581;
    PrependScheme scheme = PrependScheme::Always;
    bool split = true;
    void apply(Pieces& pieces) const override {
        splitPieces(pieces, [&](NString& n) {
            const bool atStart = n.orig[0] == 0;
            replaceMatches(n, charSegments(n.s, [](char32_t c) { return c == U' '; }), replacement);
            const bool starts = n.s.compare(0, replacement.size(), replacement) == 0;
            if (!starts &&
                (scheme == PrependScheme::Always || (scheme == PrependScheme::First && atStart)))
                prepend(n, replacement);
            if (!split) return std::vector<NString>{n};
            const char32_t r = replacementChar;
            return splitBy(n, charSegments(n.s, [r](char32_t c) { return c == r; }),
                           Behavior::MergedWithNext);
        });
    }
    std::string name() const override { return "Metaspace"; }
};

struct WhitespacePre : PreTokenizer {
    Regex words{R"(\w+|[^\w\s]+)"};
    void apply(Pieces& pieces) const override {
        splitPieces(pieces, [&](NString& n) {
            std::vector<Seg> segs = segmentsOf(n.s, words.findAll(n.s));
            for (Seg& g : segs) g.match = !g.match;
            return splitBy(n, segs, Behavior::Removed);
        });
    }
    std::string name() const override { return "Whitespace"; }
};

struct WhitespaceSplitPre : PreTokenizer {
    void apply(Pieces& pieces) const override {
        splitPieces(pieces, [&](NString& n) {
            return splitBy(n, charSegments(n.s, text::isWhitespace), Behavior::Removed);
        });
    }
    std::string name() const override { return "WhitespaceSplit"; }
};

struct SequencePre : PreTokenizer {
    std::vector<std::unique_ptr<PreTokenizer>> parts;
    void apply(Pieces& pieces) const override {
        for (const auto& p : parts) p->apply(pieces);
    }
    std::string name() const override {
        std::string s = "Sequence[";
        for (size_t i = 0; i < parts.size(); ++i) s += (i ? ", " : "") + parts[i]->name();
        return s + "]";
    }
};

// ---- Decoders -------------------------------------------------------------------------------

struct Decoder {
    virtual ~Decoder() = default;
    virtual void apply(std::vector<std::string>& tokens) const = 0;
    virtual std::string name() const = 0;
};

const std::unordered_map<char32_t, unsigned char>& byteOfSymbol() {
    static const auto table = [] {
        std::unordered_map<char32_t, unsigned char> t;
        for (int b = 0; b < 256; ++b)
            t.emplace(gpt2ByteToUnicode(static_cast<unsigned char>(b)),
                      static_cast<unsigned char>(b));
        return t;
    }();
    return table;
}

struct ByteLevelDec : Decoder {
    void apply(std::vector<std::string>& tokens) const override {
        const auto& table = byteOfSymbol();
        std::string out;
        for (const std::string& t : tokens) {
            std::string bytes;
            bool all = true;
            for (size_t i = 0; i < t.size() && all;) {
                char32_t cp = 0;
                i += charAt(t, i, &cp);
                const auto it = table.find(cp);
                if (it == table.end())
                    all = false;
                else
                    bytes += static_cast<char>(it->second);
            }
            out += all ? bytes : t;  // a token that is not all byte symbols stays as it is
        }
        tokens.assign(1, out);
    }
    std::string name() const override { return "ByteLevel"; }
};

struct ReplaceDec : Decoder {
    std::unique_ptr<Regex> pattern;
    std::string content;
    void apply(std::vector<std::string>& tokens) const override {
        for (std::string& t : tokens) {
            std::string out;
            for (const Seg& g : segmentsOf(t, pattern->findAll(t)))
                out += g.match ? content : t.substr(g.begin, g.end - g.begin);
            t = std::move(out);
        }
    }
    std::string name() const override { return "Replace"; }
};

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// "<0xNN>" -> the byte, -1 for any other token.
int byteToken(const std::string& t) {
    if (t.size() != 6 || t.compare(0, 3, "<0x") != 0 || t[5] != '>') return -1;
    const int hi = hexValue(t[3]), lo = hexValue(t[4]);
    return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

struct ByteFallbackDec : Decoder {
    // Each run of <0xNN> tokens becomes one token of those bytes (the library writes one
    // U+FFFD per byte when they are not valid UTF-8; the bytes themselves are kept here).
    void apply(std::vector<std::string>& tokens) const override {
        std::vector<std::string> out;
        std::string run;
        bool inRun = false;
        for (std::string& t : tokens) {
            const int b = byteToken(t);
            if (b >= 0) {
                run += static_cast<char>(b);
                inRun = true;
                continue;
            }
            if (inRun) out.push_back(std::move(run));
            run.clear();
            inRun = false;
            out.push_back(std::move(t));
        }
        if (inRun) out.push_back(std::move(run));
        tokens.swap(out);
    }
    std::string name() const override { return "ByteFallback"; }
};

struct FuseDec : Decoder {
    void apply(std::vector<std::string>& tokens) const override {
        std::string all;
        for (const std::string& t : tokens) all += t;
        tokens.assign(1, all);
    }
    std::string name() const override { return "Fuse"; }
};

struct StripDec : Decoder {
    char32_t content = U' ';
    size_t start = 0, stop = 0;
    void apply(std::vector<std::string>& tokens) const override {
        for (std::string& t : tokens) {
            std::vector<std::pair<size_t, char32_t>> chars;  // byte offset, code point
            for (size_t i = 0; i < t.size();) {
                char32_t cp = 0;
                const size_t len = charAt(t, i, &cp);
                chars.emplace_back(i, cp);
                i += len;
            }
            size_t startCut = 0;
            for (size_t i = 0; i < start && i < chars.size() && chars[i].second == content; ++i)
                startCut = i + 1;
            size_t stopCut = chars.size();
            for (size_t i = 0; i < stop && i < chars.size(); ++i) {
                const size_t index = chars.size() - i - 1;
                if (chars[index].second != content) break;
                stopCut = index;
            }
            stopCut = std::max(stopCut, startCut);
            const size_t b = startCut < chars.size() ? chars[startCut].first : t.size();
            const size_t e = stopCut < chars.size() ? chars[stopCut].first : t.size();
            t = t.substr(b, e - b);
        }
    }
    std::string name() const override { return "Strip"; }
};

struct MetaspaceDec : Decoder {
    char32_t replacement = 0x2581;
    PrependScheme scheme = PrependScheme::Always;
    void apply(std::vector<std::string>& tokens) const override {
        for (size_t k = 0; k < tokens.size(); ++k) {
            const std::string& t = tokens[k];
            std::string out;
            for (size_t i = 0; i < t.size();) {
                char32_t cp = 0;
                const size_t len = charAt(t, i, &cp);
                if (cp == replacement) {
                    if (k != 0 || scheme == PrependScheme::Never) out += ' ';
                } else {
                    out.append(t, i, len);
                }
                i += len;
            }
            tokens[k] = std::move(out);
        }
    }
    std::string name() const override { return "Metaspace"; }
};

struct SequenceDec : Decoder {
    std::vector<std::unique_ptr<Decoder>> parts;
    void apply(std::vector<std::string>& tokens) const override {
        for (const auto& p : parts) p->apply(tokens);
    }
    std::string name() const override {
        std::string s = "Sequence[";
        for (size_t i = 0; i < parts.size(); ++i) s += (i ? ", " : "") + parts[i]->name();
        return s + "]";
    }
};

// ---- Added tokens ---------------------------------------------------------------------------

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
    void add(const std::string& pattern, int token) {
        if (pattern.empty()) return;
        int node = 0;
        for (char c : pattern) {
            const auto b = static_cast<unsigned char>(c);
            int next = -1;
            for (const auto& [k, v] : m_nodes[node].next)
                if (k == b) next = v;
            if (next < 0) {
                next = static_cast<int>(m_nodes.size());
                m_nodes[node].next.emplace_back(b, next);
                m_nodes.emplace_back();
            }
            node = next;
        }
        m_nodes[node].token = token;
        m_first[static_cast<unsigned char>(pattern[0])] = true;
        m_empty = false;
    }
    bool empty() const { return m_empty; }
    std::vector<Match> findAll(const std::string& s) const {
        std::vector<Match> out;
        if (m_empty) return out;
        size_t i = 0;
        while (i < s.size()) {
            if (!m_first[static_cast<unsigned char>(s[i])]) {
                ++i;
                continue;
            }
            int node = 0, best = -1;
            size_t bestEnd = 0;
            for (size_t j = i; j < s.size(); ++j) {
                int next = -1;
                const auto b = static_cast<unsigned char>(s[j]);
                for (const auto& [k, v] : m_nodes[node].next)
                    if (k == b) next = v;
                if (next < 0) break;
                node = next;
                if (m_nodes[node].token >= 0) {
                    best = m_nodes[node].token;
                    bestEnd = j + 1;
                }
            }
            if (best >= 0) {
                out.push_back({i, bestEnd, best});
                i = bestEnd;
            } else {
                ++i;
            }
        }
        return out;
    }

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
char32_t lastChar(const std::string& s, size_t end) {
    if (end == 0) return kInvalid;
    size_t b = end - 1;
    while (b > 0 && end - b < 4 && (static_cast<unsigned char>(s[b]) & 0xC0) == 0x80) --b;
    char32_t cp = 0;
    const size_t len = text::utf8Sequence(s, b, &cp);
    return len == end - b ? cp : kInvalid;
}

// ---- BPE ------------------------------------------------------------------------------------

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

    std::vector<int> tokenize(const std::string& piece) const {
        if (piece.empty()) return {};
        if (ignoreMerges) {
            const auto it = vocab.find(piece);
            if (it != vocab.end()) return {it->second};
        }
        if (piece.size() <= kCachedLength) {
            std::lock_guard<std::mutex> lock(cacheMutex);
            const auto it = cache.find(piece);
            if (it != cache.end()) return it->second;
        }
        std::vector<int> ids = mergeWord(piece);
        if (piece.size() <= kCachedLength) {
            std::lock_guard<std::mutex> lock(cacheMutex);
            if (cache.size() < kCacheEntries) cache.emplace(piece, ids);
        }
        return ids;
    }

    int unkId() const {
        const auto it = vocab.find(unkToken);
        if (it == vocab.end())
            throw TokenizerError(source + ": model.unk_token " + inQuotes(unkToken) +
                                 " is not in model.vocab, so a character outside the "
                                 "vocabulary cannot be encoded. Fix: use the tokenizer.json "
                                 "that came with the model.");
        return it->second;
    }

    // BPE::merge_word and Word::merge_all.
    std::vector<int> mergeWord(const std::string& w) const {
        struct Symbol {
            int id;
            int prev, next;
            size_t len;
        };
        std::vector<Symbol> symbols;
        symbols.reserve(w.size());
        auto add = [&](int id, size_t len) {
            const int n = static_cast<int>(symbols.size());
            symbols.push_back({id, n - 1, -1, len});
            if (n > 0) symbols[n - 1].next = n;
        };
        int pendingUnk = -1;
        size_t pendingLen = 0;
        for (size_t i = 0; i < w.size();) {
            char32_t cp = 0;
            const size_t len = charAt(w, i, &cp);
            const std::string ch = w.substr(i, len);
            i += len;
            const auto it = vocab.find(ch);
            if (it != vocab.end()) {
                if (pendingUnk >= 0) add(pendingUnk, pendingLen);
                pendingUnk = -1;
                add(it->second, len);
                continue;
            }
            if (byteFallback) {
                bool all = true;
                for (char c : ch) all = all && byteIds[static_cast<unsigned char>(c)] >= 0;
                if (all) {
                    for (char c : ch) add(byteIds[static_cast<unsigned char>(c)], 1);
                    continue;
                }
            }
            if (hasUnk) {
                if (pendingUnk >= 0 && fuseUnk) {
                    pendingLen += len;
                } else {
                    if (pendingUnk >= 0) add(pendingUnk, pendingLen);
                    pendingUnk = unkId();
                    pendingLen = len;
                }
            }
            // No unk_token and no byte fallback: the library drops the character.
        }
        if (pendingUnk >= 0) add(pendingUnk, pendingLen);

        struct Merge {
            size_t pos;
            int rank, newId;
        };
        auto later = [](const Merge& a, const Merge& b) {
            return a.rank != b.rank ? a.rank > b.rank : a.pos > b.pos;
        };
        std::priority_queue<Merge, std::vector<Merge>, decltype(later)> queue(later);
        for (size_t k = 0; k + 1 < symbols.size(); ++k) {
            const auto m = merges.find(key(symbols[k].id, symbols[k + 1].id));
            if (m != merges.end()) queue.push({k, m->second.first, m->second.second});
        }
        while (!queue.empty()) {
            const Merge top = queue.top();
            queue.pop();
            Symbol& cur = symbols[top.pos];
            if (cur.len == 0 || cur.next < 0) continue;
            const Symbol right = symbols[cur.next];
            const auto m = merges.find(key(cur.id, right.id));
            if (m == merges.end() || m->second.second != top.newId) continue;  // stale entry
            symbols[cur.next].len = 0;
            cur.id = top.newId;
            cur.len += right.len;
            cur.next = right.next;
            if (right.next >= 0) symbols[right.next].prev = static_cast<int>(top.pos);
            if (cur.prev >= 0) {
                const auto p = merges.find(key(symbols[cur.prev].id, cur.id));
                if (p != merges.end())
                    queue.push({static_cast<size_t>(cur.prev), p->second.first, p->second.second});
            }
            if (cur.next >= 0) {
                const auto n = merges.find(key(cur.id, symbols[cur.next].id));
                if (n != merges.end()) queue.push({top.pos, n->second.first, n->second.second});
            }
        }
        std::vector<int> ids;
        for (const Symbol& s : symbols)
            if (s.len != 0) ids.push_back(s.id);
        return ids;
    }
};

// ---- Reading tokenizer.json -----------------------------------------------------------------

const char* const kFixUnsupported =
    "use a model whose tokenizer.json is one ForgetLab reads (BPE with the parts listed in "
    "engine/data/hf_tokenizer.h, as GPT-2, Llama, Mistral, Qwen2, Pythia and OLMo have), or "
    "remove tokenizer.json from the folder so that its tokenizer.model or vocab.json + "
    "merges.txt is used";
const char* const kFixFile = "use the tokenizer.json that came with the model";

class Reader {
public:
    Reader(std::string source, const std::string& text)
        : m_source(std::move(source)), m_text(text) {}

    [[noreturn]] void fail(const std::string& path, const std::string& what,
                           const std::string& fix = kFixFile) const {
        throw TokenizerError(m_source + ": " + path + ": " + what + ". Fix: " + fix + ".");
    }

    const json* get(const json& obj, const std::string& key) const {
        const auto it = obj.find(key);
        return it == obj.end() || it->is_null() ? nullptr : &*it;
    }
    bool boolean(const json& obj, const std::string& path, const std::string& key, bool def) const {
        const json* v = get(obj, key);
        if (!v) return def;
        if (!v->is_boolean()) fail(path + "." + key, "expected true or false, found " + v->dump());
        return v->get<bool>();
    }
    std::string string(const json& obj, const std::string& path, const std::string& key) const {
        const json* v = get(obj, key);
        if (!v || !v->is_string())
            fail(path + "." + key,
                 std::string(v ? "expected a string, found " + v->dump() : "is missing"));
        return v->get<std::string>();
    }
    size_t count(const json& obj, const std::string& path, const std::string& key) const {
        const json* v = get(obj, key);
        if (!v) return 0;
        if (!v->is_number_unsigned() && !(v->is_number_integer() && v->get<int64_t>() >= 0))
            fail(path + "." + key, "expected a count (0, 1, ...), found " + v->dump());
        return static_cast<size_t>(v->get<uint64_t>());
    }
    // A field that must hold exactly one character ("▁", " ").
    char32_t character(const json& obj, const std::string& path, const std::string& key) const {
        const std::string s = string(obj, path, key);
        char32_t cp = 0;
        if (s.empty() || text::utf8Sequence(s, 0, &cp) != s.size())
            fail(path + "." + key, "expected a single character, found " + inQuotes(s));
        return cp;
    }
    std::string typeOf(const json& obj, const std::string& path) const {
        if (!obj.is_object())
            fail(path, "expected a JSON object, found a JSON " + std::string(obj.type_name()));
        const json* t = get(obj, "type");
        if (!t || !t->is_string()) fail(path + ".type", "is missing");
        return t->get<std::string>();
    }
    // {"String": "..."} or {"Regex": "..."}.
    std::unique_ptr<Regex> pattern(const json& obj, const std::string& path) const {
        const json* p = get(obj, "pattern");
        if (!p || !p->is_object() || p->size() != 1)
            fail(path + ".pattern", "expected {\"String\": ...} or {\"Regex\": ...}");
        const std::string kind = p->begin().key();
        if ((kind != "String" && kind != "Regex") || !p->begin()->is_string())
            fail(path + ".pattern",
                 "expected {\"String\": ...} or {\"Regex\": ...}, found " + p->dump());
        const std::string value = p->begin()->get<std::string>();
        try {
            return std::make_unique<Regex>(kind == "String" ? Regex::escape(value) : value);
        } catch (const std::invalid_argument& e) {
            fail(path + ".pattern.Regex",
                 "PCRE2 cannot compile " + inQuotes(value) + " (" + e.what() + ")",
                 "this pattern uses Oniguruma syntax that PCRE2 lacks; report the model so the "
                 "pattern can be translated, or use the folder's other tokenizer files");
        }
    }

    // The line of the index-th element of the array that starts at text[open] ('['), 0 if
    // it cannot be found.
    size_t lineOfElement(size_t open, size_t index) const {
        size_t i = open + 1, element = 0;
        int depth = 0;
        bool inString = false, atStart = true;
        for (; i < m_text.size(); ++i) {
            const char c = m_text[i];
            if (inString) {
                if (c == '\\')
                    ++i;
                else if (c == '"')
                    inString = false;
                continue;
            }
            if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
            if (atStart && depth == 0) {
                if (element == index)
                    return 1 + static_cast<size_t>(std::count(
                                   m_text.begin(), m_text.begin() + static_cast<std::ptrdiff_t>(i),
                                   '\n'));
                atStart = false;
            }
            if (c == '"') {
                inString = true;
            } else if (c == '[' || c == '{') {
                ++depth;
            } else if (c == ']' || c == '}') {
                if (depth == 0) return 0;
                --depth;
            } else if (c == ',' && depth == 0) {
                ++element;
                atStart = true;
            }
        }
        return 0;
    }
    // "model.merges[12] (line 40)".
    std::string mergeWhere(size_t index) const {
        std::string where = "model.merges[" + std::to_string(index) + "]";
        for (size_t at = m_text.find("\"merges\""); at != std::string::npos;
             at = m_text.find("\"merges\"", at + 1)) {
            size_t i = at + 8;
            while (i < m_text.size() && std::isspace(static_cast<unsigned char>(m_text[i]))) ++i;
            if (i >= m_text.size() || m_text[i] != ':') continue;
            ++i;
            while (i < m_text.size() && std::isspace(static_cast<unsigned char>(m_text[i]))) ++i;
            if (i >= m_text.size() || m_text[i] != '[') continue;
            const size_t line = lineOfElement(i, index);
            if (line > 0) where += " (line " + std::to_string(line) + ")";
            break;
        }
        return where;
    }

    const std::string& source() const { return m_source; }

private:
    std::string m_source;
    const std::string& m_text;
};

Behavior behaviorOf(const Reader& r, const json& obj, const std::string& path) {
    const std::string b = r.string(obj, path, "behavior");
    if (b == "Removed") return Behavior::Removed;
    if (b == "Isolated") return Behavior::Isolated;
    if (b == "MergedWithPrevious") return Behavior::MergedWithPrevious;
    if (b == "MergedWithNext") return Behavior::MergedWithNext;
    if (b == "Contiguous") return Behavior::Contiguous;
    r.fail(path + ".behavior", "unknown behavior " + inQuotes(b) +
                                   " (Removed, Isolated, MergedWithPrevious, MergedWithNext, "
                                   "Contiguous)");
}

PrependScheme schemeOf(const Reader& r, const json& obj, const std::string& path) {
    const json* s = r.get(obj, "prepend_scheme");
    PrependScheme scheme = PrependScheme::Always;
    if (s) {
        const std::string v = s->is_string() ? s->get<std::string>() : s->dump();
        if (v == "first")
            scheme = PrependScheme::First;
        else if (v == "never")
            scheme = PrependScheme::Never;
        else if (v == "always")
            scheme = PrependScheme::Always;
        else
            r.fail(path + ".prepend_scheme", "unknown value " + v + " (first, never, always)");
    }
    // Older files say add_prefix_space instead; false means never.
    if (!r.boolean(obj, path, "add_prefix_space", true)) scheme = PrependScheme::Never;
    return scheme;
}

std::unique_ptr<Normalizer> readNormalizer(const Reader& r, const json& obj,
                                           const std::string& path) {
    const std::string type = r.typeOf(obj, path);
    if (type == "NFC") return std::make_unique<UnicodeNormalizer>(text::NormalForm::NFC, type);
    if (type == "NFD") return std::make_unique<UnicodeNormalizer>(text::NormalForm::NFD, type);
    if (type == "NFKC") return std::make_unique<UnicodeNormalizer>(text::NormalForm::NFKC, type);
    if (type == "NFKD") return std::make_unique<UnicodeNormalizer>(text::NormalForm::NFKD, type);
    if (type == "Lowercase") return std::make_unique<LowercaseNormalizer>();
    if (type == "Prepend") {
        auto n = std::make_unique<PrependNormalizer>();
        n->what = r.string(obj, path, "prepend");
        return n;
    }
    if (type == "Replace") {
        auto n = std::make_unique<ReplaceNormalizer>();
        n->pattern = r.pattern(obj, path);
        n->content = r.string(obj, path, "content");
        return n;
    }
    if (type == "Sequence") {
        auto n = std::make_unique<SequenceNormalizer>();
        const json* list = r.get(obj, "normalizers");
        if (!list || !list->is_array()) r.fail(path + ".normalizers", "expected an array");
        for (size_t i = 0; i < list->size(); ++i)
            n->parts.push_back(
                readNormalizer(r, (*list)[i], path + ".normalizers[" + std::to_string(i) + "]"));
        return n;
    }
    r.fail(path + ".type",
           "normalizer " + inQuotes(type) +
               " is not supported (ForgetLab reads NFC, NFD, NFKC, NFKD, Lowercase, Prepend, "
               "Replace and Sequence)",
           kFixUnsupported);
}

std::unique_ptr<PreTokenizer> readPreTokenizer(const Reader& r, const json& obj,
                                               const std::string& path) {
    const std::string type = r.typeOf(obj, path);
    if (type == "ByteLevel") {
        auto p = std::make_unique<ByteLevelPre>();
        p->addPrefixSpace = r.boolean(obj, path, "add_prefix_space", true);
        p->useRegex = r.boolean(obj, path, "use_regex", true);
        return p;
    }
    if (type == "Split") {
        auto p = std::make_unique<SplitPre>();
        p->pattern = r.pattern(obj, path);
        p->behavior = behaviorOf(r, obj, path);
        p->invert = r.boolean(obj, path, "invert", false);
        return p;
    }
    if (type == "Digits") {
        auto p = std::make_unique<DigitsPre>();
        p->individual = r.boolean(obj, path, "individual_digits", false);
        return p;
    }
    if (type == "Metaspace") {
        auto p = std::make_unique<MetaspacePre>();
        p->replacementChar = r.character(obj, path, "replacement");
        p->replacement = text::utf8Encode(p->replacementChar);
        p->scheme = schemeOf(r, obj, path);
        p->split = r.boolean(obj, path, "split", true);
        return p;
    }
    if (type == "Whitespace") return std::make_unique<WhitespacePre>();
    if (type == "WhitespaceSplit") return std::make_unique<WhitespaceSplitPre>();
    if (type == "Sequence") {
        auto p = std::make_unique<SequencePre>();
        const json* list = r.get(obj, "pretokenizers");
        if (!list || !list->is_array()) r.fail(path + ".pretokenizers", "expected an array");
        for (size_t i = 0; i < list->size(); ++i)
            p->parts.push_back(readPreTokenizer(
                r, (*list)[i], path + ".pretokenizers[" + std::to_string(i) + "]"));
        return p;
    }
    r.fail(path + ".type",
           "pre-tokenizer " + inQuotes(type) +
               " is not supported (ForgetLab reads ByteLevel, Split, Digits, Metaspace, "
               "Whitespace, WhitespaceSplit and Sequence)",
           kFixUnsupported);
}

std::unique_ptr<Decoder> readDecoder(const Reader& r, const json& obj, const std::string& path) {
    const std::string type = r.typeOf(obj, path);
    if (type == "ByteLevel") return std::make_unique<ByteLevelDec>();
    if (type == "ByteFallback") return std::make_unique<ByteFallbackDec>();
    if (type == "Fuse") return std::make_unique<FuseDec>();
    if (type == "Replace") {
        auto d = std::make_unique<ReplaceDec>();
        d->pattern = r.pattern(obj, path);
        d->content = r.string(obj, path, "content");
        return d;
    }
    if (type == "Strip") {
        auto d = std::make_unique<StripDec>();
        d->content = r.character(obj, path, "content");
        d->start = r.count(obj, path, "start");
        d->stop = r.count(obj, path, "stop");
        return d;
    }
    if (type == "Metaspace") {
        auto d = std::make_unique<MetaspaceDec>();
        d->replacement = r.character(obj, path, "replacement");
        d->scheme = schemeOf(r, obj, path);
        return d;
    }
    if (type == "Sequence") {
        auto d = std::make_unique<SequenceDec>();
        const json* list = r.get(obj, "decoders");
        if (!list || !list->is_array()) r.fail(path + ".decoders", "expected an array");
        for (size_t i = 0; i < list->size(); ++i)
            d->parts.push_back(
                readDecoder(r, (*list)[i], path + ".decoders[" + std::to_string(i) + "]"));
        return d;
    }
    r.fail(path + ".type",
           "decoder " + inQuotes(type) +
               " is not supported (ForgetLab reads ByteLevel, ByteFallback, Fuse, Strip, "
               "Replace, Metaspace and Sequence)",
           kFixUnsupported);
}

std::string readWholeFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw TokenizerError("cannot read " + path + " (" + std::strerror(errno) +
                             "). Fix: point ForgetLab at the model folder that holds "
                             "tokenizer.json.");
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad())
        throw TokenizerError("cannot read " + path +
                             ": read error. Fix: check that it is a regular file.");
    return ss.str();
}

}  // namespace

// ---- HfTokenizer ----------------------------------------------------------------------------

struct HfTokenizer::Impl {
    std::string source;
    BpeModel model;
    std::vector<std::string> idToken;  // model vocabulary by id ("" for holes)
    std::vector<bool> hasToken;
    std::vector<AddedToken> added;
    std::unordered_map<int, size_t> addedById;
    std::unordered_map<std::string, int> addedByContent;
    Matcher rawMatcher, normalizedMatcher;
    std::unique_ptr<Normalizer> normalizer;
    std::unique_ptr<PreTokenizer> preTokenizer;
    std::unique_ptr<Decoder> decoder;
    int size = 0;
    int ppBos = -1, ppEos = -1;

    Pieces pipeline(const std::string& utf8) const {
        const std::string valid = text::replaceInvalidUtf8(utf8);
        Pieces pieces;
        if (valid.empty()) return pieces;
        pieces.push_back({fromOriginal(valid), -1});
        pieces = extract(std::move(pieces), rawMatcher, false);
        pieces = extract(std::move(pieces), normalizedMatcher, true);
        if (preTokenizer) preTokenizer->apply(pieces);
        return pieces;
    }

    // Splits every piece that is not an added token on `matcher` (normalizing it first when
    // `normalize`), keeping the added tokens it finds as pieces with their id.
    Pieces extract(Pieces pieces, const Matcher& matcher, bool normalize) const {
        Pieces out;
        for (Piece& p : pieces) {
            if (p.id >= 0) {
                out.push_back(std::move(p));
                continue;
            }
            if (normalize && normalizer) normalizer->apply(p.n);
            if (p.n.s.empty()) continue;
            for (Piece& q : splitAdded(p.n, matcher))
                if (!q.n.s.empty()) out.push_back(std::move(q));
        }
        return out;
    }

    // AddedVocabulary::find_matches and split_with_indices.
    Pieces splitAdded(const NString& n, const Matcher& matcher) const {
        Pieces out;
        const std::string& s = n.s;
        if (matcher.empty()) {
            out.push_back({n, -1});
            return out;
        }
        size_t startOffset = 0;
        for (const Matcher::Match& m : matcher.findAll(s)) {
            size_t start = m.begin, stop = m.end;
            const AddedToken& t = added[static_cast<size_t>(m.token)];
            if (t.singleWord) {
                const char32_t before = lastChar(s, start);
                char32_t after = kInvalid;
                if (stop < s.size()) charAt(s, stop, &after);
                const bool startSpace =
                    start == 0 || before == kInvalid || !text::isWordChar(before);
                const bool stopSpace =
                    stop == s.size() || after == kInvalid || !text::isWordChar(after);
                if (!startSpace || !stopSpace) continue;
            }
            if (t.lstrip) {
                size_t newStart = start;
                while (newStart > 0) {
                    const char32_t c = lastChar(s, newStart);
                    if (c == kInvalid || !text::isWhitespace(c)) break;
                    newStart -= text::utf8Encode(c).size();
                }
                start = std::max(newStart, startOffset);
            }
            if (t.rstrip) {
                while (stop < s.size()) {
                    char32_t c = 0;
                    const size_t len = charAt(s, stop, &c);
                    if (c == kInvalid || !text::isWhitespace(c)) break;
                    stop += len;
                }
            }
            if (start < startOffset) continue;  // inside what an earlier rstrip took
            if (startOffset < start) out.push_back({sliceOf(n, startOffset, start), -1});
            out.push_back({sliceOf(n, start, stop), t.id});
            startOffset = stop;
        }
        if (startOffset != s.size()) out.push_back({sliceOf(n, startOffset, s.size()), -1});
        return out;
    }

    bool tokenFor(int id, std::string* out) const {
        const auto a = addedById.find(id);
        if (a != addedById.end()) {
            *out = added[a->second].content;
            return true;
        }
        if (id >= 0 && static_cast<size_t>(id) < idToken.size() && hasToken[id]) {
            *out = idToken[id];
            return true;
        }
        return false;
    }
};

HfTokenizer::HfTokenizer(std::unique_ptr<Impl> impl) : m(std::move(impl)) {}
HfTokenizer::~HfTokenizer() = default;

std::unique_ptr<HfTokenizer> HfTokenizer::load(const std::string& tokenizerJsonPath) {
    return fromJson(readWholeFile(tokenizerJsonPath), tokenizerJsonPath);
}

std::unique_ptr<HfTokenizer> HfTokenizer::fromJson(const std::string& jsonText,
                                                   const std::string& source) {
    if (jsonText.rfind("version https://git-lfs", 0) == 0)
        throw TokenizerError(source +
                             " is a Git LFS pointer, not the tokenizer itself. Fix: fetch the "
                             "real file (git lfs pull in the model's clone) or download it "
                             "again.");
    json doc;
    try {
        doc = json::parse(jsonText);
    } catch (const json::parse_error& e) {
        if (e.byte >= jsonText.size())
            throw TokenizerError(source + " ends in the middle of its JSON (" +
                                 std::to_string(jsonText.size()) +
                                 " bytes): the file is truncated. Fix: copy or download "
                                 "tokenizer.json again; an interrupted download looks like "
                                 "this.");
        throw TokenizerError(source + " is not valid JSON (" + e.what() +
                             "). Fix: use the tokenizer.json that came with the model.");
    }
    const Reader r(source, jsonText);
    if (!doc.is_object())
        r.fail("top level", "expected a JSON object (a tokenizer.json), found a JSON " +
                                std::string(doc.type_name()));
    if (const json* v = r.get(doc, "version"))
        if (!v->is_string() || v->get<std::string>() != "1.0")
            r.fail("version", "unknown tokenizer.json version " + v->dump() + " (1.0 is known)",
                   kFixUnsupported);

    auto impl = std::make_unique<Impl>();
    impl->source = source;
    BpeModel& bpe = impl->model;
    bpe.source = source;

    // model
    const json* model = r.get(doc, "model");
    if (!model || !model->is_object()) r.fail("model", "is missing (no tokenizer model)");
    std::string type = "BPE";
    if (const json* t = r.get(*model, "type")) {
        if (!t->is_string()) r.fail("model.type", "expected a string, found " + t->dump());
        type = t->get<std::string>();
    } else if (!r.get(*model, "merges")) {
        r.fail("model.type", "is missing and the model has no merges, so it is not BPE",
               kFixUnsupported);
    }
    if (type != "BPE")
        r.fail("model.type",
               "model type " + inQuotes(type) + " is not supported (ForgetLab reads BPE models)",
               kFixUnsupported);
    if (const json* d = r.get(*model, "dropout")) {
        if (!d->is_number()) r.fail("model.dropout", "expected a number, found " + d->dump());
        if (d->get<double>() != 0.0)
            r.fail("model.dropout",
                   "BPE dropout " + d->dump() + " (random merges) is not supported",
                   "set \"dropout\": null (models are evaluated without dropout)");
    }
    for (const char* option : {"continuing_subword_prefix", "end_of_word_suffix"})
        if (const json* v = r.get(*model, option))
            if (!v->is_string() || !v->get<std::string>().empty())
                r.fail(
                    std::string("model.") + option,
                    std::string("BPE with a ") + option + " (" + v->dump() + ") is not supported",
                    kFixUnsupported);
    if (const json* u = r.get(*model, "unk_token")) {
        if (!u->is_string()) r.fail("model.unk_token", "expected a string, found " + u->dump());
        bpe.unkToken = u->get<std::string>();
        bpe.hasUnk = true;
    }
    bpe.fuseUnk = r.boolean(*model, "model", "fuse_unk", false);
    bpe.byteFallback = r.boolean(*model, "model", "byte_fallback", false);
    bpe.ignoreMerges = r.boolean(*model, "model", "ignore_merges", false);

    const json* vocab = r.get(*model, "vocab");
    if (!vocab || !vocab->is_object())
        r.fail("model.vocab", "expected a JSON object mapping tokens to ids");
    int maxId = -1;
    for (auto it = vocab->begin(); it != vocab->end(); ++it) {
        const json& v = it.value();
        // Ids index a table, so an absurd one is refused rather than allocated.
        if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() >= (1 << 24))
            r.fail("model.vocab", "token " + inQuotes(it.key()) + " has id " + v.dump() +
                                      ", expected an integer id from 0 to 16777215");
        const int id = static_cast<int>(v.get<int64_t>());
        bpe.vocab.emplace(it.key(), id);
        maxId = std::max(maxId, id);
    }
    if (bpe.vocab.empty()) r.fail("model.vocab", "is empty");
    impl->idToken.assign(static_cast<size_t>(maxId) + 1, std::string());
    impl->hasToken.assign(static_cast<size_t>(maxId) + 1, false);
    for (const auto& [token, id] : bpe.vocab) {
        if (impl->hasToken[id])
            r.fail("model.vocab", "id " + std::to_string(id) + " is used by both " +
                                      inQuotes(impl->idToken[id]) + " and " + inQuotes(token) +
                                      "; every id must be unique");
        impl->idToken[id] = token;
        impl->hasToken[id] = true;
    }
    for (int b = 0; b < 256; ++b) {
        char name[8];
        std::snprintf(name, sizeof name, "<0x%02X>", b);
        const auto it = bpe.vocab.find(name);
        bpe.byteIds[b] = it == bpe.vocab.end() ? -1 : it->second;
    }

    const json* merges = r.get(*model, "merges");
    if (!merges || !merges->is_array())
        r.fail("model.merges", "expected an array of merges (\"a b\" or [\"a\", \"b\"])");
    int rank = 0;
    for (size_t i = 0; i < merges->size(); ++i) {
        const json& m = (*merges)[i];
        std::string left, right;
        if (m.is_string()) {
            const std::string line = m.get<std::string>();
            if (line.rfind("#version", 0) == 0) continue;
            const size_t space = line.find(' ');
            if (space == std::string::npos || line.find(' ', space + 1) != std::string::npos)
                r.fail(r.mergeWhere(i),
                       "expected two tokens separated by one space (like "
                       "\"\xC4\xA0 t\"), found " +
                           inQuotes(line));
            left = line.substr(0, space);
            right = line.substr(space + 1);
        } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
            left = m[0].get<std::string>();
            right = m[1].get<std::string>();
        } else {
            r.fail(r.mergeWhere(i),
                   "expected two tokens (\"a b\" or [\"a\", \"b\"]), found " + m.dump());
        }
        const auto a = bpe.vocab.find(left), b = bpe.vocab.find(right);
        const auto c = bpe.vocab.find(left + right);
        for (const auto& [it, tok] : {std::make_pair(a, &left), std::make_pair(b, &right)})
            if (it == bpe.vocab.end())
                r.fail(r.mergeWhere(i), "token " + inQuotes(*tok) + " of the merge " +
                                            inQuotes(left + " " + right) +
                                            " is not in model.vocab");
        if (c == bpe.vocab.end())
            r.fail(r.mergeWhere(i), "the merge " + inQuotes(left + " " + right) + " makes " +
                                        inQuotes(left + right) + ", which is not in model.vocab");
        // A repeated pair takes its last rank, as the library's map does.
        bpe.merges[BpeModel::key(a->second, b->second)] = {rank++, c->second};
    }

    // added_tokens (AddedVocabulary::add_tokens: the model's id where the content is in the
    // vocabulary, otherwise the next id after the vocabulary, in file order)
    impl->size = maxId + 1;
    int nextId = static_cast<int>(bpe.vocab.size());
    if (const json* list = r.get(doc, "added_tokens")) {
        if (!list->is_array()) r.fail("added_tokens", "expected an array");
        for (size_t i = 0; i < list->size(); ++i) {
            const json& t = (*list)[i];
            const std::string path = "added_tokens[" + std::to_string(i) + "]";
            if (!t.is_object()) r.fail(path, "expected a JSON object");
            AddedToken a;
            a.content = r.string(t, path, "content");
            a.special = r.boolean(t, path, "special", false);
            a.singleWord = r.boolean(t, path, "single_word", false);
            a.lstrip = r.boolean(t, path, "lstrip", false);
            a.rstrip = r.boolean(t, path, "rstrip", false);
            a.normalized = r.boolean(t, path, "normalized", !a.special);
            if (a.content.empty()) continue;
            const auto known = impl->addedByContent.find(a.content);
            const auto inVocab = bpe.vocab.find(a.content);
            a.id = known != impl->addedByContent.end() ? known->second
                   : inVocab != bpe.vocab.end()        ? inVocab->second
                                                       : nextId++;
            impl->addedByContent[a.content] = a.id;
            const auto slot = impl->addedById.find(a.id);
            if (slot != impl->addedById.end()) {
                impl->added[slot->second] = a;
            } else {
                impl->addedById.emplace(a.id, impl->added.size());
                impl->added.push_back(a);
            }
            impl->size = std::max(impl->size, a.id + 1);
        }
    }

    if (const json* n = r.get(doc, "normalizer"))
        impl->normalizer = readNormalizer(r, *n, "normalizer");
    if (const json* p = r.get(doc, "pre_tokenizer"))
        impl->preTokenizer = readPreTokenizer(r, *p, "pre_tokenizer");
    if (const json* d = r.get(doc, "decoder")) impl->decoder = readDecoder(r, *d, "decoder");

    for (size_t k = 0; k < impl->added.size(); ++k) {
        const AddedToken& a = impl->added[k];
        if (!a.normalized) {
            impl->rawMatcher.add(a.content, static_cast<int>(k));
        } else {
            NString n = fromOriginal(a.content);
            if (impl->normalizer) impl->normalizer->apply(n);
            impl->normalizedMatcher.add(n.s, static_cast<int>(k));
        }
    }

    // post_processor: only which special token goes before and after a single sequence.
    std::function<void(const json&)> readProcessor = [&](const json& p) {
        if (!p.is_object()) return;
        const std::string t = p.value("type", std::string());
        auto single = [&](const json& item, int* slot) {
            if (!item.is_object() || !item.contains("SpecialToken")) return;
            const json& st = item["SpecialToken"];
            const std::string name = st.is_object() ? st.value("id", std::string()) : "";
            const json* specials = r.get(p, "special_tokens");
            if (!specials || !specials->is_object() || !specials->contains(name)) return;
            const json& ids = (*specials)[name].value("ids", json::array());
            if (ids.is_array() && ids.size() == 1 && ids[0].is_number_integer() && *slot < 0)
                *slot = ids[0].get<int>();
        };
        if (t == "TemplateProcessing") {
            const json* s = r.get(p, "single");
            if (s && s->is_array() && !s->empty()) {
                single(s->front(), &impl->ppBos);
                if (s->size() > 1) single(s->back(), &impl->ppEos);
            }
        } else if (t == "RobertaProcessing" || t == "BertProcessing") {
            for (const auto& [key, slot] :
                 {std::make_pair("cls", &impl->ppBos), std::make_pair("sep", &impl->ppEos)}) {
                const json* v = r.get(p, key);
                if (v && v->is_array() && v->size() == 2 && (*v)[1].is_number_integer() &&
                    *slot < 0)
                    *slot = (*v)[1].get<int>();
            }
        } else if (t == "Sequence") {
            if (const json* list = r.get(p, "processors"))
                if (list->is_array())
                    for (const json& q : *list) readProcessor(q);
        }
    };
    if (const json* p = r.get(doc, "post_processor")) readProcessor(*p);

    return std::unique_ptr<HfTokenizer>(new HfTokenizer(std::move(impl)));
}

std::vector<int> HfTokenizer::encode(const std::string& utf8) const {
    std::vector<int> ids;
    for (const Piece& p : m->pipeline(utf8)) {
        if (p.id >= 0) {
            ids.push_back(p.id);
            continue;
        }
        const std::vector<int> part = m->model.tokenize(p.n.s);
        ids.insert(ids.end(), part.begin(), part.end());
    }
    return ids;
}

std::vector<std::string> HfTokenizer::pieces(const std::string& utf8) const {
    std::vector<std::string> out;
    for (const Piece& p : m->pipeline(utf8)) out.push_back(p.n.s);
    return out;
}

std::string HfTokenizer::decode(const std::vector<int>& ids) const {
    std::vector<std::string> tokens;
    tokens.reserve(ids.size());
    for (int id : ids) {
        std::string t;
        if (!m->tokenFor(id, &t))
            throw TokenizerError("tokenizer " + m->source + ": token id " + std::to_string(id) +
                                 (id >= 0 && id < m->size
                                      ? " has no token"
                                      : " is outside 0.." + std::to_string(m->size - 1)) +
                                 ". Fix: decode ids produced with this tokenizer.");
        tokens.push_back(std::move(t));
    }
    if (!m->decoder) {
        std::string out;
        for (size_t i = 0; i < tokens.size(); ++i) out += (i ? " " : "") + tokens[i];
        return out;
    }
    m->decoder->apply(tokens);
    std::string out;
    for (const std::string& t : tokens) out += t;
    return out;
}

int HfTokenizer::vocabSize() const {
    return m->size;
}

std::string HfTokenizer::tokenString(int id) const {
    std::string t;
    return m->tokenFor(id, &t) ? t : std::string();
}

int HfTokenizer::tokenId(const std::string& token) const {
    const auto a = m->addedByContent.find(token);
    if (a != m->addedByContent.end()) return a->second;
    const auto v = m->model.vocab.find(token);
    return v == m->model.vocab.end() ? -1 : v->second;
}

bool HfTokenizer::isSpecial(int id) const {
    const auto a = m->addedById.find(id);
    return a != m->addedById.end() && m->added[a->second].special;
}

int HfTokenizer::postProcessorBos() const {
    return m->ppBos;
}

int HfTokenizer::postProcessorEos() const {
    return m->ppEos;
}

std::string HfTokenizer::describe() const {
    std::string options;
    const BpeModel& b = m->model;
    if (b.byteFallback) options += ", byte_fallback";
    if (b.ignoreMerges) options += ", ignore_merges";
    if (b.hasUnk) options += ", unk_token " + b.unkToken + (b.fuseUnk ? " (fused)" : "");
    return "BPE (" + std::to_string(b.vocab.size()) + " tokens, " +
           std::to_string(b.merges.size()) + " merges, " + std::to_string(m->added.size()) +
           " added" + options + "); normalizer " +
           (m->normalizer ? m->normalizer->name() : "none") + "; pre_tokenizer " +
           (m->preTokenizer ? m->preTokenizer->name() : "none") + "; decoder " +
           (m->decoder ? m->decoder->name() : "none");
}

}  // namespace forgetlab
