#pragma once
// Engine-internal (includes torch). Instruction and plain-text examples as next-token rows
// for the language models, with the counts the run records: the rows' targets are
// kIgnoreTarget everywhere the loss must not look (padding, and for instruction data the
// prompt), so loss, log-perplexity and per-example forgetting count response tokens only
// with no change to them (they already skip kIgnoreTarget). Tokenization, truncation and
// dropping follow engine/data/text_sources.h (tokenizeInstruction), so the GUI preview and
// the rows agree.

#include <cstdint>
#include <string>
#include <vector>

#include "engine/data/internal/tasks.h"
#include "engine/data/internal/text_tasks.h"
#include "engine/data/text_sources.h"

namespace forgetlab {

// Rows of [N, context] token ids (input, padded with 0) and targets (padded with
// kIgnoreTarget), with what happened to examples that did not fit.
struct EncodedExamples {
    DataSplit split;
    int64_t truncated = 0;  // kept, cut to their first context + 1 tokens
    int64_t dropped = 0;    // left out: no token for the loss to count
};

// Each example as tokenizeInstruction gives it; target positions outside the response are
// kIgnoreTarget. Dropped examples give no row.
EncodedExamples encodeInstructions(const std::vector<InstructionExample>& examples,
                                   InstructionTemplate t, const TokenizerSetup& tok, int context);

// Plain texts as encodeTexts (text_tasks.h) makes them (BOS/EOS as the tokenizer's
// configuration says, cut to context + 1 tokens), with the counts: texts of fewer than 2
// tokens are dropped.
EncodedExamples encodeTextsCounted(const std::vector<std::string>& texts, const TokenizerSetup& tok,
                                   int context);

}  // namespace forgetlab
