// The BPE model of a tokenizer.json: a piece becomes ids by merging its characters (or
// their byte-fallback tokens, or unk_token) lowest merge rank first, leftmost on ties, as
// the library's priority queue does, with ignore_merges and a bounded cache of the pieces
// already seen. Declared in engine/data/internal/hf_tokenizer_parts.h.
#include <mutex>
#include <queue>
#include <string>
#include <vector>

#include "engine/data/internal/hf_tokenizer_parts.h"
#include "engine/data/tokenizer.h"

namespace forgetlab::hf {

std::vector<int> BpeModel::tokenize(const std::string& piece) const {
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

int BpeModel::unkId() const {
    const auto it = vocab.find(unkToken);
    if (it == vocab.end())
        throw TokenizerError(source + ": model.unk_token " + inQuotes(unkToken) +
                             " is not in model.vocab, so a character outside the "
                             "vocabulary cannot be encoded. Fix: use the tokenizer.json "
                             "that came with the model.");
    return it->second;
}

// BPE::merge_word and Word::merge_all.
std::vector<int> BpeModel::mergeWord(const std::string& w) const {
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

}  // namespace forgetlab::hf
