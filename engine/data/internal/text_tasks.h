#pragma once
// Engine-internal (includes torch). Language-model tasks: the fortunes of a language,
// tokenized, one fortune per example, as next-token prediction. An example of up to
// context + 1 tokens becomes input = tokens[0..L-2] and target = tokens[1..L-1], padded to
// the context with token 0 (input) and kIgnoreTarget (target), which the loss, accuracy
// and per-example log-perplexity skip. Also resolves the model's GPT sizes and tokenizer.

#include <memory>
#include <string>
#include <vector>

#include "engine/core/config.h"
#include "engine/models/internal/gpt_model.h"
#include "engine/data/internal/tasks.h"
#include "engine/data/tokenizer.h"

namespace forgetlab {

// Target id of padding positions (torch's cross-entropy ignore_index default).
inline constexpr int64_t kIgnoreTarget = -100;

// What a model.kind "gpt" config resolves to: the transformer's sizes and its tokenizer.
struct LanguageModelSetup {
    GptConfig gpt;
    std::shared_ptr<const Tokenizer> tokenizer;
};

// Sizes from model.gpt (or the checkpoint's config.json), vocab_size from the tokenizer
// (byte: 256; bpe: vocab.json, which must have exactly the checkpoint's vocab_size
// entries). Throws std::runtime_error naming the file or field and the fix.
LanguageModelSetup resolveLanguageModel(const ModelConfig& model);

// Tokenizes texts into [N, context] input and target tensors as described above; texts
// with fewer than 2 tokens are skipped.
DataSplit encodeTexts(const std::vector<std::string>& texts, const Tokenizer& tokenizer,
                      int context);

// The text task with the given index (0 = upstream, 1 = downstream): up to test_size test
// and train_size training fortunes of task.language (and task.domains), split by the seed.
// num_outputs is the vocabulary size. Throws FortuneError when the package is missing.
Task buildTextTask(const TaskConfig& task, const LanguageModelSetup& lm, int context, int taskIndex,
                   unsigned seed, const std::string& fortuneRoot);

// Replaces invalid UTF-8 (a byte-level model can emit half a character) by U+FFFD, so
// generated text can go into JSON and the GUI.
std::string sanitizeUtf8(const std::string& text);

}  // namespace forgetlab
