// The tokenizer.json normalizers ForgetLab supports (NFC, NFD, NFKC, NFKD, Lowercase,
// Prepend, Replace and Sequence), each keeping the origin of what it writes, and
// readNormalizer, which builds one from its JSON object and refuses any other type by name.
// Declared in engine/data/internal/hf_tokenizer_parts.h.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/data/internal/hf_tokenizer_parts.h"

namespace forgetlab::hf {
namespace {

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

}  // namespace

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

}  // namespace forgetlab::hf
