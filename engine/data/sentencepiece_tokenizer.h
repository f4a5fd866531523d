#pragma once
// A SentencePiece model (tokenizer.model: Llama 1 and 2, TinyLlama, Mistral, ... or any
// model spm_train writes, BPE or unigram), through Debian's libsentencepiece. The library is
// not linked into the engine but sits in the module forgetlab_sentencepiece, loaded on first
// use (engine/data/internal/sentencepiece_module.h says why); load() fails with a
// TokenizerError naming the places it looked when the module is missing.
//
// encode() gives SentencePiece's own ids (what spm_encode --output_format=id prints), with
// one addition that matches transformers: the text is first split on the model's control
// and unknown pieces ("<s>", "</s>", "<unk>"), which become their ids, and each stretch in
// between is encoded on its own. No BOS or EOS is added (TokenizerSetup does that).
// decode() writes control and unknown ids as their pieces and decodes the runs between them
// with SentencePiece. SentencePiece normalizes text (the model's normalization rule, often
// NFKC, and whitespace folding), so decode(encode(s)) == s only for text the rule leaves
// alone.

#include <memory>
#include <string>
#include <vector>

#include "engine/data/tokenizer.h"

namespace forgetlab {

class SentencePieceTokenizer : public Tokenizer {
public:
    // Throws TokenizerError naming the file and the fix when it is missing or not a
    // SentencePiece model.
    static std::unique_ptr<SentencePieceTokenizer> load(const std::string& modelPath);
    ~SentencePieceTokenizer() override;

    std::vector<int> encode(const std::string& utf8) const override;
    std::string decode(const std::vector<int>& ids) const override;
    int vocabSize() const override;
    std::string name() const override { return "sentencepiece"; }
    // The piece (IdToPiece): "▁the", "<0x0A>", "<s>".
    std::string tokenString(int id) const override;
    int tokenId(const std::string& token) const override;
    // Whether an id is a control piece (<s>, </s>) or the unknown piece.
    bool isSpecial(int id) const;

private:
    struct Impl;
    explicit SentencePieceTokenizer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m;
};

}  // namespace forgetlab
