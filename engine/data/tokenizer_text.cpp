#include "engine/data/internal/tokenizer_text.h"

#include <cstdlib>
#include <stdexcept>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <utf8proc.h>

namespace forgetlab::text {

namespace {

// The number of bytes at s[i] that start a well-formed sequence (Unicode table 3-7): the
// whole sequence when complete (*complete = true), else the longest prefix that could
// still become one, at least 1 byte.
size_t wellFormedPrefix(const std::string& s, size_t i, bool* complete, char32_t* cp) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    *complete = false;
    if (b0 < 0x80) {
        *complete = true;
        if (cp) *cp = b0;
        return 1;
    }
    int need = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // range of the second byte
    char32_t value = 0;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        need = 1;
        value = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 2;
        value = b0 & 0x0F;
        if (b0 == 0xE0) lo = 0xA0;
        if (b0 == 0xED) hi = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 3;
        value = b0 & 0x07;
        if (b0 == 0xF0) lo = 0x90;
        if (b0 == 0xF4) hi = 0x8F;
    } else {
        return 1;  // 80..C1, F5..FF never start a sequence
    }
    size_t k = 1;
    for (; k <= static_cast<size_t>(need); ++k) {
        if (i + k >= s.size()) return k;
        const auto b = static_cast<unsigned char>(s[i + k]);
        const unsigned char l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
        if (b < l || b > h) return k;
        value = (value << 6) | (b & 0x3F);
    }
    *complete = true;
    if (cp) *cp = value;
    return k;
}

bool inCategory(char32_t cp, std::initializer_list<utf8proc_category_t> cats) {
    if (cp > 0x10FFFF) return false;
    const utf8proc_category_t c = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
    for (utf8proc_category_t k : cats)
        if (c == k) return true;
    return false;
}

}  // namespace

size_t utf8Sequence(const std::string& s, size_t i, char32_t* cp) {
    if (i >= s.size()) return 0;
    bool complete = false;
    const size_t n = wellFormedPrefix(s, i, &complete, cp);
    return complete ? n : 0;
}

std::string utf8Encode(char32_t cp) {
    std::string s;
    if (cp < 0x80) {
        s += static_cast<char>(cp);
    } else if (cp < 0x800) {
        s += static_cast<char>(0xC0 | (cp >> 6));
        s += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        s += static_cast<char>(0xE0 | (cp >> 12));
        s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        s += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        s += static_cast<char>(0xF0 | (cp >> 18));
        s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        s += static_cast<char>(0x80 | (cp & 0x3F));
    }
    return s;
}

bool isValidUtf8(const std::string& s) {
    for (size_t i = 0; i < s.size();) {
        const size_t n = utf8Sequence(s, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

std::string replaceInvalidUtf8(const std::string& s) {
    if (isValidUtf8(s)) return s;
    static const std::string kReplacement = "\xEF\xBF\xBD";
    std::string out;
    out.reserve(s.size() + 8);
    for (size_t i = 0; i < s.size();) {
        bool complete = false;
        const size_t n = wellFormedPrefix(s, i, &complete, nullptr);
        if (complete)
            out.append(s, i, n);
        else
            out += kReplacement;
        i += n;
    }
    return out;
}

bool isWhitespace(char32_t cp) {
    return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
           cp == 0x205F || cp == 0x3000;
}

bool isNumeric(char32_t cp) {
    return inCategory(cp, {UTF8PROC_CATEGORY_ND, UTF8PROC_CATEGORY_NL, UTF8PROC_CATEGORY_NO});
}

bool isWordChar(char32_t cp) {
    if (cp == 0x200C || cp == 0x200D) return true;
    return inCategory(
        cp, {UTF8PROC_CATEGORY_LU, UTF8PROC_CATEGORY_LL, UTF8PROC_CATEGORY_LT, UTF8PROC_CATEGORY_LM,
             UTF8PROC_CATEGORY_LO, UTF8PROC_CATEGORY_MN, UTF8PROC_CATEGORY_MC, UTF8PROC_CATEGORY_ME,
             UTF8PROC_CATEGORY_ND, UTF8PROC_CATEGORY_NL, UTF8PROC_CATEGORY_PC});
}

std::string lowercase(char32_t cp) {
    if (cp == 0x130) return "i\xCC\x87";  // the one unconditional multi-character lowercase
    if (cp > 0x10FFFF) return utf8Encode(cp);
    return utf8Encode(static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(cp))));
}

std::string normalize(const std::string& utf8, NormalForm form) {
    if (utf8.empty()) return utf8;
    bool ascii = true;
    for (char c : utf8) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
    if (ascii) return utf8;  // every normal form leaves ASCII alone
    int options = UTF8PROC_STABLE;
    switch (form) {
        case NormalForm::NFC:
            options |= UTF8PROC_COMPOSE;
            break;
        case NormalForm::NFD:
            options |= UTF8PROC_DECOMPOSE;
            break;
        case NormalForm::NFKC:
            options |= UTF8PROC_COMPOSE | UTF8PROC_COMPAT;
            break;
        case NormalForm::NFKD:
            options |= UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT;
            break;
    }
    utf8proc_uint8_t* out = nullptr;
    const utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(utf8.data()),
                                            static_cast<utf8proc_ssize_t>(utf8.size()), &out,
                                            static_cast<utf8proc_option_t>(options));
    if (n < 0) {
        std::free(out);
        throw std::runtime_error(std::string("Unicode normalization failed: ") +
                                 utf8proc_errmsg(n));
    }
    std::string result(reinterpret_cast<const char*>(out), static_cast<size_t>(n));
    std::free(out);
    return result;
}

// ---- Regex --------------------------------------------------------------------------------

struct Regex::Impl {
    pcre2_code* code = nullptr;
    ~Impl() { pcre2_code_free(code); }
};

Regex::Regex(const std::string& pattern) : m(std::make_unique<Impl>()) {
    int error = 0;
    PCRE2_SIZE offset = 0;
    m->code =
        pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                      PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF, &error, &offset, nullptr);
    if (!m->code) {
        PCRE2_UCHAR buffer[256];
        pcre2_get_error_message(error, buffer, sizeof buffer);
        throw std::invalid_argument(std::string(reinterpret_cast<const char*>(buffer)) +
                                    " at offset " + std::to_string(offset));
    }
    // JIT where this PCRE2 has it; matching falls back to the interpreter otherwise.
    pcre2_jit_compile(m->code, PCRE2_JIT_COMPLETE);
}

Regex::~Regex() = default;

std::vector<std::pair<size_t, size_t>> Regex::findAll(const std::string& subject) const {
    std::vector<std::pair<size_t, size_t>> out;
    std::unique_ptr<pcre2_match_data, decltype(&pcre2_match_data_free)> data(
        pcre2_match_data_create_from_pattern(m->code, nullptr), &pcre2_match_data_free);
    if (!data) throw std::runtime_error("out of memory for a regular-expression match");
    const auto* text = reinterpret_cast<PCRE2_SPTR>(subject.data());
    const size_t n = subject.size();
    size_t pos = 0;
    bool matched = false;
    size_t lastEnd = 0;
    while (pos <= n) {
        int rc = pcre2_match(m->code, text, n, pos, 0, data.get(), nullptr);
        if (rc == PCRE2_ERROR_JIT_STACKLIMIT)
            rc = pcre2_match(m->code, text, n, pos, PCRE2_NO_JIT, data.get(), nullptr);
        if (rc == PCRE2_ERROR_NOMATCH) break;
        if (rc < 0) {
            PCRE2_UCHAR buffer[256];
            pcre2_get_error_message(rc, buffer, sizeof buffer);
            throw std::runtime_error(std::string("regular-expression match failed: ") +
                                     reinterpret_cast<const char*>(buffer));
        }
        const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(data.get());
        const size_t begin = ov[0];
        const size_t end = ov[1] < ov[0] ? ov[0] : ov[1];  // \K can put the start after the end
        if (begin == end && matched && lastEnd == end) {
            const size_t len = utf8Sequence(subject, pos);
            pos += len ? len : 1;
            continue;
        }
        out.emplace_back(begin, end);
        pos = end;
        matched = true;
        lastEnd = end;
    }
    return out;
}

std::string Regex::escape(const std::string& literal) {
    std::string out;
    out.reserve(literal.size() * 2);
    for (char c : literal) {
        const auto b = static_cast<unsigned char>(c);
        const bool word = (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') ||
                          (b >= 'A' && b <= 'Z') || b == '_' || b >= 0x80;
        if (b == 0) {
            out += "\\x00";
        } else {
            if (!word) out += '\\';
            out += c;
        }
    }
    return out;
}

const Regex& gpt2Regex() {
    static const Regex re(
        R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)");
    return re;
}

}  // namespace forgetlab::text
