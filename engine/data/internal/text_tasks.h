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
#include "engine/models/model_folder.h"
#include "engine/data/internal/tasks.h"
#include "engine/data/tokenizer.h"

namespace forgetlab {

// Target id of padding positions (torch's cross-entropy ignore_index default).
inline constexpr int64_t kIgnoreTarget = -100;

// What a model.kind "gpt" config resolves to: the architecture (family and sizes) and its
// tokenizer with the folder's BOS/EOS rules.
struct LanguageModelSetup {
    LmArchitecture arch;
    TokenizerSetup tok;
    std::shared_ptr<const Tokenizer> tokenizer;  // tok.tokenizer
    std::string tokenizer_dir;                   // where its files are ("" for byte)
};

// The architecture from the checkpoint's config.json (any family), or from model.gpt.family
// and the size fields with vocab_size from the tokenizer (byte: 256). The tokenizer as
// model.gpt.tokenizer says (auto: the folder's own, else byte); its vocabulary must fit the
// embedding. Throws ModelFolderError / TokenizerError / std::runtime_error naming the file
// or field and the fix.
LanguageModelSetup resolveLanguageModel(const ModelConfig& model);

// A prompt's ids: BOS first when the tokenizer's configuration adds one, never EOS.
std::vector<int64_t> promptIds(const TokenizerSetup& tok, const std::string& text);

// Tokenizes texts (with BOS/EOS as the tokenizer's configuration says) into [N, context]
// input and target tensors as described above; texts with fewer than 2 tokens are skipped.
DataSplit encodeTexts(const std::vector<std::string>& texts, const TokenizerSetup& tok,
                      int context);

// The text task with the given index (0 = upstream, 1 = downstream): up to test_size test
// and train_size training fortunes of task.language (and task.domains), split by the seed.
// num_outputs is the vocabulary size. Throws FortuneError when the package is missing.
Task buildTextTask(const TaskConfig& task, const LanguageModelSetup& lm, int context, int taskIndex,
                   unsigned seed, const std::string& fortuneRoot);

// The language-model task of any text source (task.source): fortunes as buildTextTask; files,
// instruction and generated examples split into test_size test and train_size training
// examples by the seed, encoded to the context (instruction data: targets only on response
// tokens), with the truncated and dropped counts in the Task. Throws DataError naming the
// file and line.
Task buildLanguageTask(const TaskConfig& task, const LanguageModelSetup& lm,
                       const ModelConfig& model, int taskIndex, unsigned seed,
                       const std::string& fortuneRoot);

// Replaces invalid UTF-8 (a byte-level model can emit half a character) by U+FFFD, so
// generated text can go into JSON and the GUI.
std::string sanitizeUtf8(const std::string& text);

}  // namespace forgetlab
