// Finding the added tokens of a tokenizer.json in text: the Matcher, a byte trie that finds
// them leftmost-longest without overlaps as the library's Aho-Corasick does, and lastChar,
// which single_word and lstrip use to look at the character before a match. Declared in
// engine/data/internal/hf_tokenizer_parts.h.
#include <string>
#include <vector>

#include "engine/data/internal/hf_tokenizer_parts.h"

namespace forgetlab::hf {

void Matcher::add(const std::string& pattern, int token) {
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

std::vector<Matcher::Match> Matcher::findAll(const std::string& s) const {
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

// The code point that ends s[0, end) (kInvalid if none or ill-formed).
char32_t lastChar(const std::string& s, size_t end) {
    if (end == 0) return kInvalid;
    size_t b = end - 1;
    while (b > 0 && end - b < 4 && (static_cast<unsigned char>(s[b]) & 0xC0) == 0x80) --b;
    char32_t cp = 0;
    const size_t len = text::utf8Sequence(s, b, &cp);
    return len == end - b ? cp : kInvalid;
}

}  // namespace forgetlab::hf
