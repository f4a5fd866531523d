// Scores of predicted forgetting: RMSE, F1 and AUC of "forgotten" (z > 0).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <vector>

#include "engine/forgetting/forgetting_matrix.h"

namespace forgetlab {

// ---- Scores -----------------------------------------------------------------------------------

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A key whose unsigned order is the order of the doubles (-0 and +0 alike).
uint64_t orderedKey(double v) {
    if (v == 0) v = 0.0;
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    return (bits & (uint64_t(1) << 63)) ? ~bits : bits | (uint64_t(1) << 63);
}

// LSD radix sort, 11 bits a pass; passes where every key has the same digit are skipped.
void radixSort(std::vector<uint64_t>& keys) {
    constexpr int kBits = 11;
    constexpr size_t kBuckets = size_t(1) << kBits;
    std::vector<uint64_t> buffer(keys.size());
    std::vector<size_t> count(kBuckets);
    for (int shift = 0; shift < 64; shift += kBits) {
        std::fill(count.begin(), count.end(), 0);
        for (uint64_t k : keys) ++count[(k >> shift) & (kBuckets - 1)];
        if (count[(keys.front() >> shift) & (kBuckets - 1)] == keys.size()) continue;
        size_t sum = 0;
        for (size_t& c : count) sum += std::exchange(c, sum);
        for (uint64_t k : keys) buffer[count[(k >> shift) & (kBuckets - 1)]++] = k;
        keys.swap(buffer);
    }
}

void requireSameSize(const std::vector<double>& a, const std::vector<double>& b) {
    if (a.size() != b.size())
        throw std::invalid_argument("actual and predicted values differ in length (" +
                                    std::to_string(a.size()) + " vs " + std::to_string(b.size()) +
                                    ")");
}
}  // namespace

double rmse(const std::vector<double>& actual, const std::vector<double>& predicted) {
    requireSameSize(actual, predicted);
    if (actual.empty()) return kNaN;
    double sum = 0;
    for (size_t i = 0; i < actual.size(); ++i)
        sum += (actual[i] - predicted[i]) * (actual[i] - predicted[i]);
    return std::sqrt(sum / double(actual.size()));
}

double f1Forgotten(const std::vector<double>& actual, const std::vector<double>& predicted) {
    requireSameSize(actual, predicted);
    int64_t tp = 0, fp = 0, fn = 0;
    for (size_t i = 0; i < actual.size(); ++i) {
        const bool a = actual[i] > 0, p = predicted[i] > 0;
        tp += a && p;
        fp += !a && p;
        fn += a && !p;
    }
    if (tp + fp + fn == 0) return 1.0;
    return 2.0 * double(tp) / double(2 * tp + fp + fn);
}

double aucForgotten(const std::vector<double>& actual, const std::vector<double>& scores) {
    requireSameSize(actual, scores);
    // Mann-Whitney with average ranks for ties: the sum of the positives' ranks less
    // P (P + 1) / 2 equals, over all positives, the number of negatives scored lower plus
    // half the number scored the same. Counted on the two sorted score lists (radix sort:
    // a completion round scores millions of entries).
    std::vector<uint64_t> pos, neg;
    pos.reserve(actual.size());
    neg.reserve(actual.size());
    for (size_t i = 0; i < actual.size(); ++i)
        (actual[i] > 0 ? pos : neg).push_back(orderedKey(scores[i]));
    if (pos.empty() || neg.empty()) return kNaN;
    at::parallel_for(0, 2, 1, [&](int64_t b, int64_t e) {
        for (int64_t which = b; which < e; ++which) radixSort(which == 0 ? pos : neg);
    });
    double pairs = 0;  // ordered pairs, ties counting 1/2
    size_t below = 0, upTo = 0;
    for (uint64_t p : pos) {
        while (below < neg.size() && neg[below] < p) ++below;
        upTo = std::max(upTo, below);
        while (upTo < neg.size() && neg[upTo] == p) ++upTo;
        pairs += double(below) + 0.5 * double(upTo - below);
    }
    return pairs / (double(pos.size()) * double(neg.size()));
}

}  // namespace forgetlab
