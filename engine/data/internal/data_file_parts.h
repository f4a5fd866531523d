#pragma once
// What the readers of a person's own data (image_folder.cpp, csv_dataset.cpp,
// idx_dataset.cpp, data_source.cpp) share: a problem list that stays readable when a file
// has thousands of bad rows, the limits they enforce, the round-robin choice of preview
// examples, and a parallel loop for decoding many files. Plain C++, for these files only.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "engine/data/data_files.h"

namespace forgetlab::datafiles {

// Beyond this many float values (8 GiB) a source is refused before anything is allocated:
// the fix (a smaller image_size, fewer rows) is the person's to choose, not ours.
constexpr int64_t kMaxValues = int64_t(1) << 31;
// Integer labels are class ids and a model has one output per class, so an id this large is
// almost certainly a value that should have been a name.
constexpr int64_t kMaxClasses = 10000;

// Collects problems; after kShown of them only counts, so that a column of 50,000 bad
// values says so in a few lines instead of 50,000.
class ProblemList {
public:
    static constexpr size_t kShown = 20;
    void add(std::string problem) {
        if (m_list.size() < kShown)
            m_list.push_back(std::move(problem));
        else
            ++m_more;
    }
    bool empty() const { return m_list.empty(); }
    // Moves the problems, and a line counting the ones not shown, into `out`.
    void moveInto(std::vector<std::string>& out) {
        for (auto& p : m_list) out.push_back(std::move(p));
        if (m_more)
            out.push_back("... and " + std::to_string(m_more) + " more problem" +
                          (m_more == 1 ? "" : "s") + " like these");
        m_list.clear();
        m_more = 0;
    }

private:
    std::vector<std::string> m_list;
    size_t m_more = 0;
};

// Throws a DataError listing the summary's problems, one per line, if it has any.
void throwIfProblems(const DataSummary& summary);

// class_counts from labels (ids below classes).
std::vector<int64_t> countClasses(const std::vector<int64_t>& labels, int classes);

// "classes 3, 7 have no examples" for integer class ids without examples; empty if none.
std::string emptyClassesNote(const std::vector<int64_t>& classCounts);

// Indices of up to maxExamples examples, round-robin over the classes in class-id order:
// the first example of every class, then the second of every class, and so on.
std::vector<int64_t> previewIndices(const std::vector<int64_t>& labels, int classes,
                                    int maxExamples);

// The chosen examples of `data`, with a summary that counts them (no own test split).
LabeledData selectExamples(const LabeledData& data, const std::vector<int64_t>& indices);

// "1 image", "3 images".
inline std::string plural(int64_t n, const std::string& word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// Runs fn(i) for i in [0, n) on a few threads; fn must not throw.
template <class Fn>
void parallelFor(size_t n, Fn fn) {
    unsigned threads = std::max(1u, std::min(8u, std::thread::hardware_concurrency()));
    if (n < 32) threads = 1;  // not worth a thread start
    std::atomic<size_t> next{0};
    auto work = [&] {
        for (size_t i; (i = next.fetch_add(1)) < n;) fn(i);
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
}

// An image folder's preview decodes only the chosen images (image_folder.cpp).
LabeledData previewImageFolder(const std::string& path, int imageSize, int channels,
                               int maxExamples);

}  // namespace forgetlab::datafiles
