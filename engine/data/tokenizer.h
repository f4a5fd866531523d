#pragma once
// Tokenizers for the language-model experiments: a byte tokenizer (the default, ids are
// the bytes) and GPT-2's byte-level BPE read from vocab.json + merges.txt, which both
// round-trip any byte string exactly (decode(encode(s)) == s); and, through
// loadTokenizerFolder, whatever a Hugging Face model folder holds: tokenizer.json
// (engine/data/hf_tokenizer.h), a SentencePiece tokenizer.model
// (engine/data/sentencepiece_tokenizer.h) or vocab.json + merges.txt.

#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace forgetlab {

// Tokenizer files are unreadable or inconsistent, or text cannot be encoded. The message
// names the file (and line, for merges.txt) and says how to fix it.
class TokenizerError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Text <-> token ids. Implementations are immutable after construction, so one instance
// can be shared between threads.
class Tokenizer {
public:
    virtual ~Tokenizer() = default;
    virtual std::vector<int> encode(const std::string& utf8) const = 0;
    // Throws TokenizerError for an id outside 0..vocabSize()-1.
    virtual std::string decode(const std::vector<int>& ids) const = 0;
    virtual int vocabSize() const = 0;
    virtual std::string name() const = 0;
    // The vocabulary entry of an id as the tokenizer's files spell it ("Ġthe", "▁the",
    // "<0x0A>", "<s>"); "" for an id outside the vocabulary.
    virtual std::string tokenString(int id) const = 0;
    // The id whose tokenString() is `token` ("<s>", "<|endoftext|>"), -1 if there is none.
    // The default asks tokenString() for every id; tokenizers with a vocabulary map
    // override it.
    virtual int tokenId(const std::string& token) const;
};

// One token per byte: ids 0..255 are the byte values. Works for any input, including
// invalid UTF-8.
class ByteTokenizer : public Tokenizer {
public:
    std::vector<int> encode(const std::string& utf8) const override;
    std::string decode(const std::vector<int>& ids) const override;
    int vocabSize() const override { return 256; }
    std::string name() const override { return "byte"; }
    // Printable ASCII (33..126) as the character itself, every other byte as "<0xNN>"
    // (so "<0x20>" for a space).
    std::string tokenString(int id) const override;
};

// GPT-2's byte-to-unicode table: the printable bytes 33..126, 161..172 and 174..255 map
// to the code point of the same value, the other 68 bytes (in increasing order) to
// 256, 257, ... So ' ' -> U+0120 'Ġ', '\n' -> U+010A 'Ċ', 'A' -> 'A'.
char32_t gpt2ByteToUnicode(unsigned char byte);
// The same symbol as a UTF-8 string (what vocab.json and merges.txt contain).
std::string gpt2ByteSymbol(unsigned char byte);

// GPT-2's pre-tokenizer: the matches, left to right, of its regex
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// run by PCRE2 in Unicode mode, so \p{L}, \p{N} and \s are Unicode's letters, numbers and
// white space (U+00A0 is white space, "«" punctuation, "٣" a number). Invalid UTF-8, which
// Python's GPT-2 cannot even take, is handled like this: an ill-formed byte matches no
// pattern item, so the regex runs on the valid stretches between such bytes, and each
// maximal run of ill-formed bytes becomes a piece of its own. A valid character is never
// split, and the pieces always concatenate back to the input.
std::vector<std::string> gpt2PreTokenize(const std::string& text);

// GPT-2 byte-level BPE. Text is pre-tokenized, each piece's bytes are mapped to their
// byte symbols, then merges are applied lowest rank first until no adjacent pair has a
// rank. Every vocabulary entry must consist of byte symbols (so decode is exact).
class Gpt2BpeTokenizer : public Tokenizer {
public:
    // Merges in rank order (first = rank 0), each a pair of symbols.
    using MergeList = std::vector<std::pair<std::string, std::string>>;

    // Reads vocab.json (a JSON object token -> id, ids 0..n-1) and merges.txt (one
    // "left right" pair per line, an optional leading "#version" line). When
    // expectedVocabSize > 0 it must equal the number of vocab entries (the model's
    // vocab_size). Throws TokenizerError naming the file, line and fix.
    static std::unique_ptr<Gpt2BpeTokenizer> load(const std::string& vocabJsonPath,
                                                  const std::string& mergesTxtPath,
                                                  int expectedVocabSize = 0);

    // In-memory construction (tests, tools). Same validation as load(); errors name
    // "vocab" and "merges[i]".
    Gpt2BpeTokenizer(const std::map<std::string, int>& vocab, const MergeList& merges);

    std::vector<int> encode(const std::string& utf8) const override;
    std::string decode(const std::vector<int>& ids) const override;
    int vocabSize() const override { return static_cast<int>(m_idBytes.size()); }
    std::string name() const override { return "gpt2-bpe"; }

    // The token string (byte symbols) of an id, as in vocab.json.
    const std::string& token(int id) const;
    std::string tokenString(int id) const override;
    int tokenId(const std::string& token) const override;

private:
    struct Merge {
        std::string left, right;
        std::string where;  // "merges.txt:12" or "merges[11]", for error messages
    };
    Gpt2BpeTokenizer() = default;
    void init(const std::map<std::string, int>& vocab, const std::vector<Merge>& merges,
              const std::string& vocabSource);
    std::vector<std::string> bpe(const std::string& piece) const;

    std::unordered_map<std::string, int> m_vocab;
    std::vector<std::string> m_idToken;                // id -> token string
    std::vector<std::string> m_idBytes;                // id -> the bytes it decodes to
    std::unordered_map<std::string, int> m_mergeRank;  // "left right" -> rank
    int m_byteId[256] = {};                            // -1 where the symbol is missing
    std::string m_vocabSource;
};

// A folder's tokenizer together with its special-token rules.
struct TokenizerSetup {
    std::shared_ptr<const Tokenizer> tokenizer;
    // "tokenizer.json", "tokenizer.model" (SentencePiece), "vocab.json+merges.txt", "byte"
    std::string kind;
    std::string source;  // the file it was read from ("" for byte)
    // As tokenizer_config.json says (add_bos_token, add_eos_token, bos_token, eos_token);
    // a folder without tokenizer_config.json adds none, whatever the family. Where the file
    // lacks add_bos_token / add_eos_token, the tokenizer_class's default applies as in
    // transformers (LlamaTokenizer, CodeLlamaTokenizer, GemmaTokenizer: BOS only;
    // GPTNeoXTokenizer: neither), otherwise tokenizer.json's post_processor (Llama 3's
    // template adds <|begin_of_text|>). bos_id / eos_id are also set, when the tokens are
    // known, for tokens that are not added.
    bool add_bos = false, add_eos = false;
    int bos_id = -1, eos_id = -1;
    // encode() with BOS / EOS added as above.
    std::vector<int> encodeWithSpecials(const std::string& utf8) const;
};

// Reads whatever tokenizer a folder holds, preferring tokenizer.json, then tokenizer.model,
// then vocab.json + merges.txt. `embeddingRows` > 0: a vocabulary larger than that is
// refused (the model could not embed its ids). Throws TokenizerError naming the folder or
// file and the fix (no tokenizer files, truncated or non-JSON tokenizer.json, a bad merges
// line with file and line, an unsupported tokenizer.json model or pre-tokenizer by name).
TokenizerSetup loadTokenizerFolder(const std::string& dir, int embeddingRows = 0);
// Which tokenizer files a folder has ("tokenizer.json", "tokenizer.model",
// "vocab.json+merges.txt" or "none"), without reading them.
std::string tokenizerKindOf(const std::string& dir);

}  // namespace forgetlab
