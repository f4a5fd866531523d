// The tokenizer.json pre-tokenizers ForgetLab supports (ByteLevel, Split, Digits, Metaspace,
// Whitespace, WhitespaceSplit and Sequence), which cut the pieces that are not added tokens
// into smaller ones, and readPreTokenizer, which builds one from its JSON object (with the
// split behaviour and Metaspace's prepend scheme) and refuses any other type by name.
// Declared in engine/data/internal/hf_tokenizer_parts.h.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/data/internal/hf_tokenizer_parts.h"
#include "engine/data/tokenizer.h"

namespace forgetlab::hf {
namespace {

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

}  // namespace

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

}  // namespace forgetlab::hf
