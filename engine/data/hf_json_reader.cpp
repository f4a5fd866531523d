// Reading the fields of tokenizer.json: the Reader's typed getters (booleans, strings,
// counts, single characters, a part's type, String or Regex patterns), each failing with a
// TokenizerError that names the file, the JSON path and the fix, and the line in the file of
// a bad merge. Declared in engine/data/internal/hf_tokenizer_parts.h.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/data/internal/hf_tokenizer_parts.h"
#include "engine/data/tokenizer.h"

namespace forgetlab::hf {

const char* const kFixUnsupported =
    "use a model whose tokenizer.json is one ForgetLab reads (BPE with the parts listed in "
    "engine/data/hf_tokenizer.h, as GPT-2, Llama, Mistral, Qwen2, Pythia and OLMo have), or "
    "remove tokenizer.json from the folder so that its tokenizer.model or vocab.json + "
    "merges.txt is used";
const char* const kFixFile = "use the tokenizer.json that came with the model";

void Reader::fail(const std::string& path, const std::string& what, const std::string& fix) const {
    throw TokenizerError(m_source + ": " + path + ": " + what + ". Fix: " + fix + ".");
}

const json* Reader::get(const json& obj, const std::string& key) const {
    const auto it = obj.find(key);
    return it == obj.end() || it->is_null() ? nullptr : &*it;
}

bool Reader::boolean(const json& obj, const std::string& path, const std::string& key,
                     bool def) const {
    const json* v = get(obj, key);
    if (!v) return def;
    if (!v->is_boolean()) fail(path + "." + key, "expected true or false, found " + v->dump());
    return v->get<bool>();
}

std::string Reader::string(const json& obj, const std::string& path, const std::string& key) const {
    const json* v = get(obj, key);
    if (!v || !v->is_string())
        fail(path + "." + key,
             std::string(v ? "expected a string, found " + v->dump() : "is missing"));
    return v->get<std::string>();
}

size_t Reader::count(const json& obj, const std::string& path, const std::string& key) const {
    const json* v = get(obj, key);
    if (!v) return 0;
    if (!v->is_number_unsigned() && !(v->is_number_integer() && v->get<int64_t>() >= 0))
        fail(path + "." + key, "expected a count (0, 1, ...), found " + v->dump());
    return static_cast<size_t>(v->get<uint64_t>());
}

// A field that must hold exactly one character ("▁", " ").
char32_t Reader::character(const json& obj, const std::string& path, const std::string& key) const {
    const std::string s = string(obj, path, key);
    char32_t cp = 0;
    if (s.empty() || text::utf8Sequence(s, 0, &cp) != s.size())
        fail(path + "." + key, "expected a single character, found " + inQuotes(s));
    return cp;
}

std::string Reader::typeOf(const json& obj, const std::string& path) const {
    if (!obj.is_object())
        fail(path, "expected a JSON object, found a JSON " + std::string(obj.type_name()));
    const json* t = get(obj, "type");
    if (!t || !t->is_string()) fail(path + ".type", "is missing");
    return t->get<std::string>();
}

// {"String": "..."} or {"Regex": "..."}.
std::unique_ptr<Regex> Reader::pattern(const json& obj, const std::string& path) const {
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
size_t Reader::lineOfElement(size_t open, size_t index) const {
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
                return 1 +
                       static_cast<size_t>(std::count(
                           m_text.begin(), m_text.begin() + static_cast<std::ptrdiff_t>(i), '\n'));
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
std::string Reader::mergeWhere(size_t index) const {
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

}  // namespace forgetlab::hf
