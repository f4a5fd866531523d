// The Hugging Face tokenizer.json reader's strings with their origin (the library's
// NormalizedString, reduced to the original offset of every byte) and the operations the
// normalizers, pre-tokenizers and decoders build on: building and slicing them, prepending,
// cutting a string into match / non-match segments (a regex's matches or a character test),
// splitting on those segments with one of the library's split behaviours, and replacing the
// matches. Declared in engine/data/internal/hf_tokenizer_parts.h.
#include <algorithm>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "engine/data/internal/hf_tokenizer_parts.h"

namespace forgetlab::hf {

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

}  // namespace forgetlab::hf
