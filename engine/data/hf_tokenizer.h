#pragma once
// A Hugging Face tokenizer.json (the `tokenizers` library's format) with a BPE model, the
// kind GPT-2, Llama 2 and 3, TinyLlama, Mistral, Qwen2, Pythia / GPT-NeoX and OLMo ship.
// Encoding follows the library step by step, so the ids are the ones transformers gives
// (with add_special_tokens=False):
//
//   1. added_tokens: the text is split on the added tokens whose "normalized" is false
//      (leftmost, longest first; single_word, lstrip and rstrip as the library does them),
//      so "<|im_start|>" or "<s>" in the text becomes its id;
//   2. normalizer, on each remaining stretch separately: NFC, NFD, NFKC, NFKD (utf8proc),
//      Lowercase, Prepend, Replace (String or Regex pattern) and Sequence; then the stretch is
//      split on the added tokens whose "normalized" is true;
//   3. pre_tokenizer: ByteLevel (add_prefix_space, use_regex with GPT-2's regex), Split
//      (String or Regex pattern; Isolated, Removed, MergedWithPrevious, MergedWithNext or
//      Contiguous; invert), Digits, Metaspace (replacement, prepend_scheme first / always /
//      never, split), Whitespace, WhitespaceSplit and Sequence. Regexes run on PCRE2 in
//      Unicode mode (\p{L}, \p{N}, \s, (?i:...) and lookahead as in Oniguruma);
//   4. model BPE: vocab, merges ("a b" strings or ["a", "b"] pairs), merged lowest rank
//      first (leftmost on ties) as the library's priority queue does; unk_token, fuse_unk,
//      byte_fallback (a character outside the vocabulary becomes its <0xNN> byte tokens)
//      and ignore_merges (a piece that is a vocabulary entry is one token).
//
// Anything else (WordPiece, Unigram, a continuing_subword_prefix or end_of_word_suffix, BPE
// dropout, BertNormalizer, Precompiled, BertPreTokenizer, ...) is refused by name. The
// post_processor is not applied by encode(); its BOS / EOS are reported for
// loadTokenizerFolder.
//
// Text that is not valid UTF-8 cannot reach the library (Python strings are Unicode), so
// encode() first replaces each ill-formed byte sequence by U+FFFD, as Python's
// bytes.decode(errors="replace") would. A character with no token (no byte_fallback, no
// unk_token) is dropped, as the library drops it.
//
// decode() turns ids back into tokens (added tokens as their content, special ones
// included) and runs the decoder: ByteLevel, ByteFallback, Fuse, Strip, Replace, Metaspace
// and Sequence (no decoder: the tokens joined with spaces, as the library does). Where the
// library would write U+FFFD for bytes that are not complete UTF-8 (ByteLevel, ByteFallback)
// decode() returns the bytes themselves, so decoding ids one at a time and concatenating
// gives the same text; for valid output both agree. decode(encode(s)) == s for valid UTF-8
// whenever the tokenizer is lossless for s (byte-level tokenizers always are; a Llama-style
// tokenizer is for text without added tokens in it).

#include <memory>
#include <string>
#include <vector>

#include "engine/data/tokenizer.h"

namespace forgetlab {

class HfTokenizer : public Tokenizer {
public:
    // Reads tokenizer.json. Throws TokenizerError naming the file, the JSON field (and for a
    // bad merge its index and line) and the fix.
    static std::unique_ptr<HfTokenizer> load(const std::string& tokenizerJsonPath);
    // From JSON text; `source` names it in error messages.
    static std::unique_ptr<HfTokenizer> fromJson(const std::string& jsonText,
                                                 const std::string& source);
    ~HfTokenizer() override;

    std::vector<int> encode(const std::string& utf8) const override;
    std::string decode(const std::vector<int>& ids) const override;
    // The largest id (model vocabulary or added token) + 1.
    int vocabSize() const override;
    std::string name() const override { return "hf-bpe"; }
    std::string tokenString(int id) const override;
    int tokenId(const std::string& token) const override;

    // The pieces the BPE model receives (after the added-token split, the normalizer and the
    // pre-tokenizer), with each added token as its own piece: for tests and inspection.
    std::vector<std::string> pieces(const std::string& utf8) const;
    // Whether an id is an added token marked "special".
    bool isSpecial(int id) const;
    // What the post_processor puts around one sequence: the id of a single special token
    // before it (TemplateProcessing "single" starting with a SpecialToken, the cls of
    // RobertaProcessing / BertProcessing) and after it; -1 for none.
    int postProcessorBos() const;
    int postProcessorEos() const;
    // One line: the pipeline's parts, e.g. "BPE (32000 tokens, byte_fallback); normalizer
    // Sequence[Prepend, Replace]; pre_tokenizer none; decoder Sequence[...]".
    std::string describe() const;

private:
    struct Impl;
    explicit HfTokenizer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m;
};

}  // namespace forgetlab
