#pragma once
// Multiple-choice benchmarks: the "general ability" the SAM study watches fall while a
// language model is fine-tuned (SCIENCE.md section 7). This header reads benchmark files
// (the MMLU CSV layout, or JSONL), builds the built-in fortune cloze benchmark and the
// k-shot prompts, and says what a score is; the scoring itself needs a model and lives in
// engine/measure/internal/benchmark_scoring.h. Plain C++ (no torch), so the configuration
// checks, the CLI and the GUI can validate and preview benchmarks without a model.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/data/fortunes.h"

namespace forgetlab {

// A benchmark file or specification is unusable: unreadable file, a JSONL line that is not
// JSON or lacks a field, an answer out of range, fewer than 2 choices, an empty benchmark,
// more shots than the shots file holds. The message names the file and line (or the item)
// and the fix. An std::invalid_argument, because it is bad input, not a failure (the CLI
// exits 2).
class BenchmarkError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

// One question as the model reads it: the layout of its file is already applied, so
// `context` is the prompt without shots and each choice is the exact continuation scored
// (with its leading space). MMLU CSV: context "{question}\nA. {A}\nB. {B}\n...\nAnswer:",
// choices " A", " B", ...; JSONL: context "Question: {question}\nAnswer:", choices " {text}";
// fortune cloze: the first half of a fortune and four candidate endings.
struct BenchmarkItem {
    std::string context;
    std::vector<std::string> choices;
    int answer = 0;     // index into choices
    std::string where;  // "file.csv:12", "cloze-en item 3": for messages
};

// Reads a benchmark by its extension:
// - .csv: the MMLU layout, no header: question, two or more choices, answer letter (A, B, …).
//   RFC 4180 quoting (fields in double quotes may hold commas, newlines and "" for a quote);
//   every row must have as many fields as the first.
// - .jsonl: one object a line with "question" (string), "choices" (array of >= 2 strings)
//   and "answer" (an index from 0, or a letter "A" …); blank lines are skipped.
// A UTF-8 byte-order mark is skipped. Throws BenchmarkError naming the file and line for
// every problem listed above BenchmarkError, and for a file with no items.
std::vector<BenchmarkItem> readBenchmarkFile(const std::string& path);

// The solved example of an item, as shots show it: context followed by its right answer.
std::string solvedExample(const BenchmarkItem& item);

// The indices into `pool` of the k shots of the item with index `itemIndex`: drawn without
// replacement with std::mt19937_64 seeded from (seed, itemIndex) in a fixed way (so the same
// on every platform), never an entry equal to the item itself (same context and choices).
// Throws BenchmarkError when the pool holds fewer than k other entries.
std::vector<size_t> drawShots(const BenchmarkItem& item, size_t itemIndex,
                              const std::vector<BenchmarkItem>& pool, int k, uint64_t seed);

// The k-shot prompt of SCIENCE.md section 7: the solved examples of `shots`, each followed
// by "\n\n", then the item's context. No shots: the context alone.
std::string buildShotPrompt(const BenchmarkItem& item, const std::vector<BenchmarkItem>& shots);

// What to score: a file (with its shots) or a built-in benchmark. The shape of an
// eval.benchmarks entry: {name, file, shots, shots_file} or {name, builtin, language, items}.
struct BenchmarkSpec {
    std::string name;        // "" = the file's stem, or "cloze-{language}"
    std::string file;        // .csv (MMLU layout) or .jsonl
    int shots = 0;           // solved examples before each question
    std::string shots_file;  // where the shots come from ("" = `file`; e.g. MMLU's dev split)
    uint64_t seed = 1234;    // shot choice, and the cloze's sampling
    // Built in instead of a file: "fortune-cloze" (see makeFortuneCloze).
    std::string builtin;
    std::string language = "en";
    int items = 100;
    // The longest fortune used: a fortune of at most the model's context in bytes fits it
    // whole with a byte-level tokenizer (128: the default model's context).
    int max_bytes = 128;
    std::string fortune_root = kDefaultFortuneRoot;
};

// The seed a run draws its benchmarks' shots and cloze items with (from the run's seed), so
// `forgetlab-cli benchmark --run` can score the very items the run's curve scored.
inline uint64_t benchmarkSeedOfRun(int64_t runSeed) {
    return uint64_t(runSeed) * 1000003ULL + 1234;
}

// A benchmark ready to score: every item's context already carries its k shots.
struct PreparedBenchmark {
    std::string name;
    std::string source;  // the file, or "fortune-cloze:en"
    std::vector<BenchmarkItem> items;
    int shots = 0;
};

// Reads and checks everything a spec names (files, counts, shots) before any model is
// loaded. For fortune-cloze, `heldOut` are the fortunes to cut (a run's upstream test
// split); null = every fortune of spec.language under spec.fortune_root. Throws
// BenchmarkError (FortuneError when the fortune package is missing).
PreparedBenchmark prepareBenchmark(const BenchmarkSpec& spec,
                                   const std::vector<std::string>* heldOut = nullptr);

// The built-in "fortune cloze": each item is the first half of a fortune (cut at the white
// space nearest its middle byte, so never inside a word or a UTF-8 character; the white
// space goes to the endings), and four candidate endings: its own and three endings of other
// fortunes whose byte lengths are among the six closest to it (so length alone gives little
// away), the answer's position drawn at random. Fortunes shorter than minBytes, longer than
// maxBytes or without white space inside are not used. Everything is drawn from
// std::mt19937_64(seed) in a fixed way. Throws BenchmarkError when fewer than `items` (or
// fewer than 4) fortunes can be used, naming how many could.
struct FortuneClozeOptions {
    int items = 100;
    uint64_t seed = 1234;
    int min_bytes = 24;
    int max_bytes = 128;
    std::string name = "fortune-cloze";  // for item names in messages
};
std::vector<BenchmarkItem> makeFortuneCloze(const std::vector<std::string>& fortunes,
                                            const FortuneClozeOptions& options);

// The choices an item's log-likelihoods pick (lm-evaluation-harness, SCIENCE.md section 7):
// acc the highest summed log-likelihood, acc_norm the highest log-likelihood per byte of
// the choice as scored (its leading space included); the first one wins a tie.
struct ChoicePick {
    int acc = -1;
    int acc_norm = -1;
};
ChoicePick pickChoices(const std::vector<double>& logLikelihoods,
                       const std::vector<std::string>& choices);

struct BenchmarkResult {
    std::string name;
    double acc = 0;       // share of items whose acc pick is the answer
    double acc_norm = 0;  // the same for the acc_norm pick
    int64_t items = 0;
    int shots = 0;
    // Items whose prompt did not fit the model's context and lost tokens on the left.
    int64_t truncated = 0;
    bool cancelled = false;  // stopped early: items counts those scored
};

}  // namespace forgetlab
