#pragma once
// What a user does with a stored language-model run besides looking at it: take the
// fine-tuned weights to other tools in the Hugging Face GPT-2 layout, let the model
// continue a prompt, and score it on a multiple-choice benchmark. Plain C++ (no torch) for
// the CLI and the GUI.

#include <cstdint>
#include <string>

#include "engine/measure/benchmark.h"

namespace forgetlab {

class Store;

// Writes dir/model.safetensors and dir/config.json (GPT-2 names; LoRA was already folded
// in when the run stored its checkpoints) from the run's checkpoint `tag` ("final",
// "pretrained", "step-N"), plus vocab.json and merges.txt when the run used the bpe
// tokenizer. Throws std::runtime_error naming the run, the tag or the file when the run
// is not a language model or the checkpoint is missing.
void exportRunAsGpt2(Store& store, int64_t runId, const std::string& dir,
                     const std::string& tag = "final");

// Writes the run's checkpoint `tag` as a Hugging Face folder in its family's layout
// (config.json, model.safetensors or shards with model.safetensors.index.json above 2 GB)
// with the tokenizer files the run used copied beside it, so the folder loads again, here
// or in transformers, bit-identically. Throws std::runtime_error naming the run, the tag
// or the file.
void exportRunAsHf(Store& store, int64_t runId, const std::string& dir,
                   const std::string& tag = "final");

// Text generation settings shared by the CLI, the GUI and evaluations.
struct TextGeneration {
    int tokens = 100;
    double temperature = 0.0;  // 0 = greedy
    double top_p = 1.0;
    uint64_t seed = 1;
};

// The continuation of `prompt` by the model in a Hugging Face folder (any family), with its
// own tokenizer (BOS as its tokenizer_config.json says). Throws ModelFolderError /
// TokenizerError / std::runtime_error naming the file, or a prompt longer than the context.
std::string generateFromFolder(const std::string& modelDir, const std::string& prompt,
                               const TextGeneration& settings, const std::string& device = "cpu");

// The summed next-token negative log-likelihood of a text under a model folder: the text is
// tokenized with the folder's tokenizer, BOS prepended only when tokenizer_config.json says
// add_bos_token, and every token after the first is scored.
struct TextScore {
    double nll_sum = 0;       // nats
    int64_t tokens = 0;       // scored tokens (ids - 1)
    double mean_log_ppl = 0;  // nll_sum / tokens
    bool bos_added = false;
    std::string tokenizer;  // the tokenizer's kind
};
// Throws for an empty text, fewer than 2 tokens, or more tokens than the context (naming
// both numbers and the fix).
TextScore scoreText(const std::string& modelDir, const std::string& text,
                    const std::string& device = "cpu");

// The continuation of `prompt` by the run's checkpoint `tag`: `tokens` new tokens, greedy
// for temperature 0, else sampled with the seed. Invalid UTF-8 shows as U+FFFD. Throws
// std::runtime_error for a prompt that is empty or does not fit the context.
std::string generateFromRun(Store& store, int64_t runId, const std::string& prompt, int tokens,
                            double temperature, uint64_t seed, const std::string& tag = "final");

// A multiple-choice benchmark (a file, or the built-in fortune cloze of every fortune of
// spec.language) scored by the model in a Hugging Face folder with its own tokenizer. The
// benchmark is read and checked before the model loads. Throws BenchmarkError (an
// std::invalid_argument) for a bad benchmark, ModelFolderError / TokenizerError for a bad
// folder.
BenchmarkResult benchmarkFolder(const std::string& modelDir, const BenchmarkSpec& spec,
                                const std::string& device = "cpu");

// The same with the run's checkpoint `tag`. The fortune cloze is cut from the run's held-out
// upstream test fortunes when its upstream task is the fortunes of spec.language (else from
// every fortune of the language). Reads the store, never writes it.
BenchmarkResult benchmarkRun(Store& store, int64_t runId, const BenchmarkSpec& spec,
                             const std::string& tag = "final");

// `spec` with the seed and max_bytes the run's own benchmark curve used (benchmarkSeedOfRun
// of its seed; its model's context), so benchmarkRun scores the same items it did.
BenchmarkSpec asTheRunScoredIt(Store& store, int64_t runId, BenchmarkSpec spec);

}  // namespace forgetlab
