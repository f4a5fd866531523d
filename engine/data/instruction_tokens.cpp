// Instruction examples as token ids with the response's tokens marked and the sequence cut
// to the context, and the GUI preview built from the same ids, so what the preview
// highlights is what the loss counts (engine/data/text_sources.h).

#include <algorithm>

#include "engine/data/text_sources.h"

namespace forgetlab {

size_t TokenizedInstruction::countedTargets() const {
    const size_t first = std::max<size_t>(response_begin, 1);
    return dropped || ids.size() <= first ? 0 : ids.size() - first;
}

TokenizedInstruction tokenizeInstruction(const InstructionExample& example, InstructionTemplate t,
                                         const TokenizerSetup& tok, int context) {
    if (!tok.tokenizer)
        throw TokenizerError(
            "this tokenizer setup has no tokenizer. Fix: get it from loadTokenizerFolder().");
    if (context < 1)
        throw DataError("the context is " + std::to_string(context) +
                        " tokens; it must be at least 1");
    const RenderedInstruction r = renderInstruction(example, t);
    TokenizedInstruction out;
    if (tok.add_bos && tok.bos_id >= 0) out.ids.push_back(tok.bos_id);
    const std::vector<int> prompt = tok.tokenizer->encode(r.prompt);
    out.ids.insert(out.ids.end(), prompt.begin(), prompt.end());
    out.response_begin = out.ids.size();
    const std::vector<int> response = tok.tokenizer->encode(r.response);
    out.ids.insert(out.ids.end(), response.begin(), response.end());
    if (tok.add_eos && tok.eos_id >= 0) out.ids.push_back(tok.eos_id);
    out.full_length = out.ids.size();
    const size_t limit = size_t(context) + 1;
    if (out.ids.size() > limit) {
        out.ids.resize(limit);
        out.truncated = true;
    }
    out.dropped = out.countedTargets() == 0;
    return out;
}

InstructionPreview previewInstruction(const InstructionExample& example, InstructionTemplate t,
                                      const TokenizerSetup& tok, int context) {
    const RenderedInstruction r = renderInstruction(example, t);
    const TokenizedInstruction ids = tokenizeInstruction(example, t, tok, context);
    InstructionPreview p;
    p.text = r.text();
    p.tokens = ids.full_length;
    p.counted_tokens = ids.countedTargets();
    p.truncated = ids.truncated;
    p.dropped = ids.dropped;
    p.loss_begin = r.prompt.size();
    p.loss_end = p.loss_begin;
    if (p.dropped) return p;
    // The response's tokens that are kept, without an EOS (a token, not text).
    const size_t begin = ids.response_begin;
    size_t end = ids.ids.size();
    if (!ids.truncated && tok.add_eos && tok.eos_id >= 0 && end > begin) --end;
    if (begin == 0)  // no BOS and an empty prompt: the first token is never predicted
        p.loss_begin = std::min(p.text.size(), tok.tokenizer->decode({ids.ids[0]}).size());
    const std::vector<int> kept(ids.ids.begin() + long(begin), ids.ids.begin() + long(end));
    p.loss_end = ids.truncated
                     ? std::min(p.text.size(), r.prompt.size() + tok.tokenizer->decode(kept).size())
                     : p.text.size();
    p.loss_end = std::max(p.loss_end, p.loss_begin);
    return p;
}

}  // namespace forgetlab
