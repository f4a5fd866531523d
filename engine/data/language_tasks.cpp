// The language-model task of every text source (task.source): fortunes (text_tasks.cpp),
// a person's own text files, instruction data and generated question -> answer pairs, each
// split by the seed into test and training examples and encoded to the context.
#include <algorithm>
#include <filesystem>
#include <random>
#include <stdexcept>

#include "engine/data/idx_reader.h"
#include "engine/data/internal/instruction_tasks.h"
#include "engine/data/internal/text_tasks.h"
#include "engine/data/text_sources.h"

namespace forgetlab {
namespace fs = std::filesystem;

namespace {

// The shuffle of a phase's examples, distinct for upstream and downstream (as the fortunes').
uint64_t splitSeed(unsigned seed, int taskIndex) {
    return uint64_t(seed) * 7919ULL + uint64_t(taskIndex) * 104729ULL;
}

// Shuffles and splits n examples: up to test_size for test and train_size for training; a
// smaller set is split in the configured proportion (at least one of each).
template <class T>
std::pair<std::vector<T>, std::vector<T>> splitExamples(std::vector<T> all, const TaskConfig& task,
                                                        unsigned seed, int taskIndex,
                                                        const std::string& what) {
    if (all.size() < 2)
        throw DataError(what + " has " + std::to_string(all.size()) +
                        " example(s): a task needs at least one for training and one for test");
    std::mt19937_64 rng(splitSeed(seed, taskIndex));
    std::shuffle(all.begin(), all.end(), rng);
    const size_t want = size_t(task.train_size) + size_t(task.test_size);
    size_t test = size_t(task.test_size);
    if (all.size() < want)
        test = std::clamp<size_t>(size_t(double(all.size()) * task.test_size / double(want) + 0.5),
                                  1, all.size() - 1);
    std::vector<T> testSet(all.begin(), all.begin() + std::ptrdiff_t(test));
    const size_t train = std::min(all.size() - test, size_t(task.train_size));
    std::vector<T> trainSet(all.begin() + std::ptrdiff_t(test),
                            all.begin() + std::ptrdiff_t(test + train));
    return {std::move(trainSet), std::move(testSet)};
}

std::string stem(const std::string& path) {
    const fs::path p(path);
    return p.has_stem() ? p.stem().string() : p.filename().string();
}

void fill(Task& t, EncodedExamples train, EncodedExamples test, const std::string& what) {
    t.train = std::move(train.split);
    t.test = std::move(test.split);
    t.truncated = train.truncated + test.truncated;
    t.dropped = train.dropped + test.dropped;
    if (t.train.size() == 0 || t.test.size() == 0)
        throw DataError(what + " gives no training or no test examples that fit the context (" +
                        std::to_string(t.dropped) +
                        " left out with nothing to count): use shorter examples or a longer "
                        "model.gpt.context");
}

}  // namespace

Task buildLanguageTask(const TaskConfig& task, const LanguageModelSetup& lm,
                       const ModelConfig& model, int taskIndex, unsigned seed,
                       const std::string& fortuneRoot) {
    const std::string src = taskSource(task);
    if (src == "fortunes")
        return buildTextTask(task, lm, model.context, taskIndex, seed, fortuneRoot);
    const std::string phase = taskIndex == 0 ? "upstream" : "downstream";
    Task t;
    t.head = 0;
    t.num_outputs = lm.arch.vocab_size;
    if (src == "files") {
        const std::string what = phase + ".task.path " + task.path;
        auto [train, test] =
            splitExamples(readTextFiles(task.path, parseTextSplit(task.split), task.text_field),
                          task, seed, taskIndex, what);
        t.name = "files:" + stem(task.path);
        t.test_texts = test;
        fill(t, encodeTextsCounted(train, lm.tok, model.context),
             encodeTextsCounted(test, lm.tok, model.context), what);
        return t;
    }
    if (!isInstructionSource(src))
        throw std::invalid_argument(phase + ".task.source '" + src +
                                    "' is not a text source for a language model");
    const InstructionTemplate tmpl =
        resolveInstructionTemplate(task.chat_template, model.checkpoint);
    std::vector<InstructionExample> examples;
    std::string what;
    if (src == "instruction") {
        examples = readInstructionFile(task.path);
        what = phase + ".task.path " + task.path;
        t.name = "instruction:" + stem(task.path);
    } else {
        // Upstream and downstream draw different questions from the same generator.
        examples =
            generateInstructions(task.generator, size_t(task.train_size) + size_t(task.test_size),
                                 splitSeed(seed, taskIndex) ^ 0x67656eULL);
        what = phase + ".task.generator " + task.generator;
        t.name = "generated:" + task.generator;
    }
    auto [train, test] = splitExamples(std::move(examples), task, seed, taskIndex, what);
    for (const auto& ex : test) t.test_texts.push_back(renderInstruction(ex, tmpl).text());
    fill(t, encodeInstructions(train, tmpl, lm.tok, model.context),
         encodeInstructions(test, tmpl, lm.tok, model.context), what);
    return t;
}

}  // namespace forgetlab
