// The built-in fortune cloze benchmark: a benchmark any language model of ForgetLab can be
// measured on without files, from the fortunes it was not trained on.
#include <algorithm>
#include <cstdlib>
#include <random>
#include <set>

#include "engine/measure/benchmark.h"

namespace forgetlab {

namespace {

bool isSpace(char c) {
    return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

struct Cut {
    std::string context, ending;
};

// The fortune cut at the white-space run nearest its middle byte: the context keeps
// everything before the run, the ending starts with the run (as a continuation scored after
// the context, like the choices " A" of MMLU). ASCII white space never sits inside a UTF-8
// sequence, so both halves stay valid text. False when no run has text on both sides.
bool cutFortune(const std::string& text, Cut& cut) {
    const long n = long(text.size());
    const long mid = n / 2;
    for (long d = 0; d <= n; ++d) {
        for (long p : {mid - d, mid + d}) {
            if (p < 0 || p >= n || !isSpace(text[size_t(p)])) continue;
            long a = p, b = p;
            while (a > 0 && isSpace(text[size_t(a - 1)])) --a;
            while (b < n && isSpace(text[size_t(b)])) ++b;
            if (a == 0 || b == n) continue;
            cut.context = text.substr(0, size_t(a));
            cut.ending = text.substr(size_t(a));
            return true;
        }
    }
    return false;
}

// A draw in [0, n) from the generator in a fixed way (std::uniform_int_distribution differs
// between standard libraries); the modulo bias is below 2^-50 for any n used here.
size_t draw(std::mt19937_64& rng, size_t n) {
    return size_t(rng() % uint64_t(n));
}

}  // namespace

std::vector<BenchmarkItem> makeFortuneCloze(const std::vector<std::string>& fortunes,
                                            const FortuneClozeOptions& o) {
    if (o.items < 1) throw BenchmarkError(o.name + ": items must be >= 1");
    std::vector<Cut> cuts;
    std::set<std::string> seen;
    for (const std::string& f : fortunes) {
        if (long(f.size()) < o.min_bytes || long(f.size()) > o.max_bytes) continue;
        if (!seen.insert(f).second) continue;
        Cut c;
        if (cutFortune(f, c)) cuts.push_back(std::move(c));
    }
    if (cuts.size() < 4 || cuts.size() < size_t(o.items))
        throw BenchmarkError(o.name + ": " + std::to_string(o.items) +
                             " items asked for but only " + std::to_string(cuts.size()) + " of " +
                             std::to_string(fortunes.size()) +
                             " held-out fortunes can be cut in two (" +
                             std::to_string(o.min_bytes) + " to " + std::to_string(o.max_bytes) +
                             " bytes, with white space inside); lower items or use more "
                             "held-out fortunes (a larger test_size)");
    std::mt19937_64 rng(o.seed);
    std::vector<size_t> order(cuts.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    for (size_t i = order.size() - 1; i > 0; --i) std::swap(order[i], order[draw(rng, i + 1)]);

    std::vector<BenchmarkItem> items;
    for (int k = 0; k < o.items; ++k) {
        const size_t self = order[size_t(k)];
        const Cut& c = cuts[self];
        // Endings of other fortunes, closest byte length first (index breaks ties, so the
        // order is the same everywhere); six distinct ones, of which three are drawn.
        std::vector<size_t> others;
        for (size_t j = 0; j < cuts.size(); ++j)
            if (j != self && cuts[j].ending != c.ending) others.push_back(j);
        const long len = long(c.ending.size());
        std::stable_sort(others.begin(), others.end(), [&](size_t a, size_t b) {
            return std::labs(long(cuts[a].ending.size()) - len) <
                   std::labs(long(cuts[b].ending.size()) - len);
        });
        std::vector<std::string> near;
        for (size_t j : others) {
            if (std::find(near.begin(), near.end(), cuts[j].ending) == near.end())
                near.push_back(cuts[j].ending);
            if (near.size() == 6) break;
        }
        if (near.size() < 3)
            throw BenchmarkError(o.name + ": fewer than 3 distinct endings besides item " +
                                 std::to_string(k) + "'s own; use more held-out fortunes");
        for (size_t i = 0; i < 3; ++i) std::swap(near[i], near[i + draw(rng, near.size() - i)]);
        near.resize(3);
        const size_t answer = draw(rng, 4);
        BenchmarkItem item;
        item.context = c.context;
        item.choices = near;
        item.choices.insert(item.choices.begin() + long(answer), c.ending);
        item.answer = int(answer);
        item.where = o.name + " item " + std::to_string(k);
        items.push_back(std::move(item));
    }
    return items;
}

}  // namespace forgetlab
