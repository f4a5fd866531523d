// Instruction and plain-text examples as next-token rows with their truncation counts
// (engine/data/internal/instruction_tasks.h).

#include "engine/data/internal/instruction_tasks.h"

namespace forgetlab {
namespace {

// Appends one row: input ids[0..n-2], target ids[1..n-1] where position t counts
// (t >= firstCounted), kIgnoreTarget elsewhere, both padded to the context.
void appendRow(const std::vector<int>& ids, size_t firstCounted, int context,
               std::vector<int64_t>* in, std::vector<int64_t>* tg) {
    const size_t n = ids.size() - 1;
    for (size_t t = 0; t < size_t(context); ++t) {
        in->push_back(t < n ? ids[t] : 0);
        tg->push_back(t < n && t >= firstCounted ? ids[t + 1] : kIgnoreTarget);
    }
}

DataSplit toSplit(const std::vector<int64_t>& in, const std::vector<int64_t>& tg, int64_t rows,
                  int context) {
    DataSplit split;
    split.input = torch::tensor(in, torch::kInt64).reshape({rows, context});
    split.target = torch::tensor(tg, torch::kInt64).reshape({rows, context});
    return split;
}

}  // namespace

EncodedExamples encodeInstructions(const std::vector<InstructionExample>& examples,
                                   InstructionTemplate t, const TokenizerSetup& tok, int context) {
    EncodedExamples out;
    std::vector<int64_t> in, tg;
    int64_t rows = 0;
    for (const InstructionExample& ex : examples) {
        const TokenizedInstruction ids = tokenizeInstruction(ex, t, tok, context);
        if (ids.dropped) {
            ++out.dropped;
            continue;
        }
        if (ids.truncated) ++out.truncated;
        appendRow(ids.ids, ids.firstCountedTarget(), context, &in, &tg);
        ++rows;
    }
    out.split = toSplit(in, tg, rows, context);
    return out;
}

EncodedExamples encodeTextsCounted(const std::vector<std::string>& texts, const TokenizerSetup& tok,
                                   int context) {
    if (!tok.tokenizer)
        throw TokenizerError(
            "this tokenizer setup has no tokenizer. Fix: get it from loadTokenizerFolder().");
    EncodedExamples out;
    std::vector<int64_t> in, tg;
    int64_t rows = 0;
    for (const std::string& text : texts) {
        std::vector<int> ids = tok.encodeWithSpecials(text);
        if (ids.size() < 2) {
            ++out.dropped;
            continue;
        }
        if (ids.size() > size_t(context) + 1) {
            ids.resize(size_t(context) + 1);
            ++out.truncated;
        }
        appendRow(ids, 0, context, &in, &tg);
        ++rows;
    }
    out.split = toSplit(in, tg, rows, context);
    return out;
}

}  // namespace forgetlab
