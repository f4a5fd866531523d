// The tokenizer.json decoders ForgetLab supports (ByteLevel, Replace, ByteFallback, Fuse,
// Strip, Metaspace and Sequence), which turn the tokens of decode() back into text, and
// readDecoder, which builds one from its JSON object and refuses any other type by name.
// Declared in engine/data/internal/hf_tokenizer_parts.h.
#include <algorithm>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/data/internal/hf_tokenizer_parts.h"
#include "engine/data/tokenizer.h"

namespace forgetlab::hf {
namespace {

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

}  // namespace

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

}  // namespace forgetlab::hf
