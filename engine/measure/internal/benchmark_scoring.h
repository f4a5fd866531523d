#pragma once
// Engine-internal (includes torch). Scores multiple-choice benchmarks with a language model
// as lm-evaluation-harness does (SCIENCE.md section 7): each choice's summed log-likelihood
// as a continuation of the question's prompt, all choices of a question in one batched
// forward pass. The runner's benchmark evaluations, the CLI's `benchmark` verb and the
// benchmarks in bench/ all score through here.

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/data/tokenizer.h"
#include "engine/measure/benchmark.h"
#include "engine/models/internal/language_model.h"

namespace forgetlab {

// The tokens of one (context, continuation) pair, as the model reads them: context then
// continuation. How the boundary is tokenized (the harness's rule, made exact):
// - white space at the end of the context moves to the start of the continuation (the
//   harness does this too), so "Answer: " + "A" is scored as "Answer:" + " A";
// - the context is encoded alone and context + continuation together (BOS first when the
//   tokenizer's configuration adds one, as promptIds does); the continuation is what the
//   joint encoding has beyond the context's tokens. Where the tokenizer merges across the
//   boundary (the joint encoding does not start with the context's tokens), the split is
//   at the longest common prefix instead, so the model still reads exactly the joint
//   encoding and every byte of the continuation is scored (the first scored token then
//   carries a few context bytes; the harness would drop bytes instead);
// - if that leaves no context token to predict from, context and continuation are
//   encoded separately.
struct EncodedChoice {
    std::vector<int64_t> context, continuation;
};
EncodedChoice encodeChoice(const TokenizerSetup& tok, const std::string& context,
                           const std::string& continuation);

// The scores of one question's choices.
struct QuestionScores {
    std::vector<double> ll;       // Σ log p(continuation tokens | context), nats, per choice
    std::vector<int64_t> tokens;  // continuation tokens per choice
    // The prompt was longer than the model's context: tokens were dropped from the left,
    // as the harness does, so every choice keeps all its tokens.
    bool truncated = false;
    ChoicePick pick;
};

// Rows context_i + choice_i (each cut from the left to at most contextLength() + 1 tokens),
// right-padded into one [choices, T] batch: one forward pass, causal attention keeps the
// padding out of the scored positions. Log-probabilities in float64 at the continuation
// positions only. Eval mode and no grad during the pass; the model's mode is restored.
// Throws std::invalid_argument naming the item when a choice alone does not fit the context
// (it could not be scored whole) or tokenizes to nothing.
QuestionScores scoreQuestion(LanguageModel& model, const TokenizerSetup& tok,
                             const BenchmarkItem& item);

// acc and acc_norm over the items (their contexts already carry the shots). `cancel`
// checked before each question: then `cancelled` is set and the result covers those scored.
// `details`, when given, receives every question's scores.
BenchmarkResult scoreBenchmark(LanguageModel& model, const TokenizerSetup& tok,
                               const PreparedBenchmark& bench,
                               const std::atomic<bool>* cancel = nullptr,
                               std::vector<QuestionScores>* details = nullptr);

}  // namespace forgetlab
