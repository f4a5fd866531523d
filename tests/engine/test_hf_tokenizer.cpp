// Hugging Face tokenizer.json, SentencePiece tokenizer.model and tokenizer folders against
// hand-worked answers: the fixtures in tests/fixtures/tokenizers (make_fixtures.py lists
// their vocabularies and merges), GPT-2's vocab.json + merges.txt tokenizer as a second
// implementation of byte-level BPE, and Debian's spm_encode for SentencePiece.
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>

#include <nlohmann/json.hpp>

#include "engine/data/hf_tokenizer.h"
#include "engine/data/sentencepiece_tokenizer.h"
#include "engine/data/tokenizer.h"

using namespace forgetlab;
using nlohmann::json;
using Ids = std::vector<int>;
using Strings = std::vector<std::string>;

namespace {

const std::string kFixtures = FORGETLAB_TOKENIZER_FIXTURES;

std::string fixture(const std::string& name) {
    return kFixtures + "/" + name;
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void writeFile(const std::string& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary);
    out << content;
}

json fixtureJson(const std::string& name) {
    return json::parse(readFile(fixture(name) + "/tokenizer.json"));
}

std::unique_ptr<HfTokenizer> load(const std::string& name) {
    return HfTokenizer::load(fixture(name) + "/tokenizer.json");
}

std::unique_ptr<HfTokenizer> fromDoc(const json& doc) {
    return HfTokenizer::fromJson(doc.dump(), "variant/tokenizer.json");
}

template <class E>
std::string errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const E& e) {
        return e.what();
    }
    return {};
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

// Bytes as GPT-2 byte symbols ("a b" -> "aĠb").
std::string sym(const std::string& bytes) {
    std::string s;
    for (char c : bytes) s += gpt2ByteSymbol(static_cast<unsigned char>(c));
    return s;
}

const std::string SP = "\xE2\x96\x81";  // ▁

// The merges of gpt2-bytelevel (and of test_tokenizer.cpp), results 256..265.
Gpt2BpeTokenizer::MergeList gpt2Merges() {
    const std::string G = "\xC4\xA0";
    return {{"l", "o"}, {"lo", "w"}, {"e", "r"}, {G, "l"},       {G, "low"},
            {"e", "s"}, {"es", "t"}, {G, "n"},   {G + "n", "e"}, {G + "ne", "w"}};
}

std::map<std::string, int> gpt2Vocab() {
    std::map<std::string, int> v;
    for (int b = 0; b < 256; ++b) v[gpt2ByteSymbol(static_cast<unsigned char>(b))] = b;
    for (const auto& [l, r] : gpt2Merges()) v.emplace(l + r, static_cast<int>(v.size()));
    return v;
}

// Random valid UTF-8 drawn from ASCII, Latin-1, Greek, CJK and emoji.
std::string randomText(std::mt19937& rng) {
    static const std::vector<std::string> alphabet = {"l",
                                                      "o",
                                                      "w",
                                                      "e",
                                                      "r",
                                                      "n",
                                                      "s",
                                                      "t",
                                                      " ",
                                                      " ",
                                                      "  ",
                                                      "\n",
                                                      "'s",
                                                      "'ll",
                                                      "9",
                                                      "42",
                                                      "!",
                                                      ".",
                                                      ",",
                                                      "\xC3\xA9",
                                                      "\xC3\xBC",
                                                      "\xCE\xB1",
                                                      "\xE4\xB8\xAD",
                                                      "\xF0\x9F\x98\x80",
                                                      "\xC2\xA0",
                                                      "\xD9\xA3",
                                                      "\t",
                                                      "low",
                                                      " lower",
                                                      " newest"};
    std::string s;
    const int n = static_cast<int>(rng() % 30);
    for (int i = 0; i < n; ++i) s += alphabet[rng() % alphabet.size()];
    return s;
}

}  // namespace

class TestHfTokenizer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // ---- byte-level BPE (GPT-2) -------------------------------------------------------------

    void byteLevelGivesHandComputedIds() {
        const auto tok = load("gpt2-bytelevel");
        QCOMPARE(tok->vocabSize(), 267);  // 266 vocabulary entries + <|endoftext|>
        QCOMPARE(tok->name(), std::string("hf-bpe"));
        // As in test_tokenizer.cpp: "low" = [257]; " lower" = Ġlow er = [260, 258];
        // " newest" = Ġnew est = [265, 262]; the added token is split off first.
        QCOMPARE(tok->encode("low lower newest<|endoftext|>"), (Ids{257, 260, 258, 265, 262, 266}));
        QCOMPARE(tok->encode("lolo"), (Ids{256, 256}));
        QCOMPARE(tok->encode("wo!"), (Ids{'w', 'o', '!'}));
        QCOMPARE(tok->decode({257, 260, 258, 265, 262, 266}),
                 std::string("low lower newest<|endoftext|>"));
        QCOMPARE(tok->tokenString(260), "\xC4\xA0low");
        QCOMPARE(tok->tokenString(266), std::string("<|endoftext|>"));
        QCOMPARE(tok->tokenString(267), std::string());
        QCOMPARE(tok->tokenId("<|endoftext|>"), 266);
        QCOMPARE(tok->tokenId("\xC4\xA0low"), 260);
        QCOMPARE(tok->tokenId("nope"), -1);
        QVERIFY(tok->isSpecial(266));
        QVERIFY(!tok->isSpecial(260));
        QCOMPARE(tok->postProcessorBos(), -1);
        QVERIFY(contains(tok->describe(), "pre_tokenizer ByteLevel"));
        QVERIFY(contains(errorOf<TokenizerError>([&] { tok->decode({267}); }), "267"));
    }

    void byteLevelAgreesWithTheVocabMergesTokenizer() {
        // Two implementations of GPT-2's BPE (merging every occurrence of the best pair per
        // pass, and the tokenizers library's priority queue) must give the same ids.
        const auto hf = load("gpt2-bytelevel");
        const Gpt2BpeTokenizer gpt2(gpt2Vocab(), gpt2Merges());
        std::mt19937 rng(11);
        for (int i = 0; i < 500; ++i) {
            const std::string s = randomText(rng);
            QCOMPARE(hf->encode(s), gpt2.encode(s));
            QCOMPARE(hf->decode(hf->encode(s)), s);
            // ByteLevel's pieces are gpt2PreTokenize's, in byte symbols.
            Strings expected;
            for (const std::string& p : gpt2PreTokenize(s)) expected.push_back(sym(p));
            QCOMPARE(hf->pieces(s), expected);
        }
    }

    void byteLevelPrefixSpaceAndNoRegex() {
        json doc = fixtureJson("gpt2-bytelevel");
        doc["pre_tokenizer"]["add_prefix_space"] = true;
        auto tok = fromDoc(doc);
        // "low" becomes " low" = Ġlow [260]; a text that starts with a space gets none.
        QCOMPARE(tok->encode("low"), (Ids{260}));
        QCOMPARE(tok->encode(" low"), (Ids{260}));
        // Each stretch between added tokens gets its own prefix space.
        QCOMPARE(tok->encode("low<|endoftext|>low"), (Ids{260, 266, 260}));
        doc["pre_tokenizer"]["add_prefix_space"] = false;
        doc["pre_tokenizer"]["use_regex"] = false;
        tok = fromDoc(doc);
        QCOMPARE(tok->pieces("low lower"), (Strings{sym("low lower")}));
        // One piece: l o w Ġ l o w e r -> lo(0) twice -> low(1) twice -> er(2) -> Ġlow(4).
        QCOMPARE(tok->encode("low lower"), (Ids{257, 260, 258}));
    }

    void invalidUtf8IsReplacedLikePython() {
        const auto tok = load("gpt2-bytelevel");
        // Each maximal ill-formed subsequence is one U+FFFD: "\xE2\x82" (a truncated euro
        // sign) is one, "\xED\xA0\x80" (a surrogate) three.
        QCOMPARE(tok->encode("a\xE2\x82z"), tok->encode("a\xEF\xBF\xBDz"));
        QCOMPARE(tok->encode("\xED\xA0\x80"), tok->encode("\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"));
        QCOMPARE(tok->decode(tok->encode("x\xFFy")), std::string("x\xEF\xBF\xBDy"));
    }

    // ---- SentencePiece-style BPE (Llama 2) --------------------------------------------------

    void sentencePieceStyleBpeGivesHandComputedIds() {
        // llama2-spm-bpe: <unk> 0 <s> 1 </s> 2 <0x0A> 3 <0xE2> 4 <0x82> 5 <0xAC> 6 ▁ 7 e 8 h 9
        // l 10 o 11 w 12 r 13 d 14 H 15, then the merges' results lo 16 ▁h 17 ▁he 18 ▁hel 19
        // ▁hello 20 ▁w 21 or 22 ▁wor 23 ld 24 ▁world 25 ▁▁ 26 ▁H 27 (ranks 0..11 in that
        // order). Normalizer: Prepend ▁, then every space -> ▁; no pre-tokenizer.
        const auto tok = load("llama2-spm-bpe");
        QCOMPARE(tok->vocabSize(), 28);
        // "▁hello▁world": lo(0), ▁h(1), ▁he(2), ▁hel(3), ▁hello(4), ▁w(5), or(6), ▁wor(7),
        // ld(8), ▁world(9).
        QCOMPARE(tok->pieces("hello world"), (Strings{SP + "hello" + SP + "world"}));
        QCOMPARE(tok->encode("hello world"), (Ids{20, 25}));
        // ▁ H e l l o: lo(0), then ▁H(11); nothing joins ▁H e l lo.
        QCOMPARE(tok->encode("Hello"), (Ids{27, 8, 10, 16}));
        // "▁▁▁hello": lo, ▁h ... ▁hello (ranks 0-4) first, then ▁▁ (10) at the left; the
        // second ▁▁ pair is gone.
        QCOMPARE(tok->encode("  hello"), (Ids{26, 20}));
        QCOMPARE(tok->decode({26, 20}), std::string("  hello"));
        // Equal ranks merge leftmost first: "▁▁▁" is ▁▁ ▁, not ▁ ▁▁.
        QCOMPARE(tok->encode("  "), (Ids{26, 7}));
        QCOMPARE(tok->decode({26, 7}), std::string("  "));
        // "\n" and "€" (E2 82 AC) are not in the vocabulary: byte fallback.
        QCOMPARE(tok->encode("hello\nworld"), (Ids{20, 3, 12, 22, 24}));
        QCOMPARE(tok->encode("\xE2\x82\xAC"), (Ids{7, 4, 5, 6}));
        QCOMPARE(tok->tokenString(4), std::string("<0xE2>"));
        // i, i and x have neither a token nor a byte token: one fused <unk>.
        QCOMPARE(tok->encode("hiix"), (Ids{17, 0}));
        // Special tokens in the text are split off before normalization.
        QCOMPARE(tok->encode("<s>hello</s>"), (Ids{1, 20, 2}));
        QCOMPARE(tok->encode("hello <s>"), (Ids{20, 7, 1}));
        // Decoder Replace(▁ -> " "), ByteFallback, Fuse, Strip(1 leading space): the
        // library's decode (special tokens kept).
        QCOMPARE(tok->decode({1, 20, 2}), std::string("<s> hello</s>"));
        QCOMPARE(tok->decode({7, 4, 5, 6}), std::string("\xE2\x82\xAC"));
        // Byte tokens that are not complete UTF-8 come back as those bytes.
        QCOMPARE(tok->decode({7, 4, 5}), std::string("\xE2\x82"));
        for (const std::string& s :
             {std::string("hello world"), std::string("  hello\n\nworld  "),
              std::string("Hello \xE2\x82\xAC\xE2\x82\xAC world\n"), std::string("w")})
            QCOMPARE(tok->decode(tok->encode(s)), s);
        QCOMPARE(tok->postProcessorBos(), 1);
        QCOMPARE(tok->postProcessorEos(), -1);
    }

    void bpeOptionsChangeTheIds() {
        json doc = fixtureJson("llama2-spm-bpe");
        doc["model"]["fuse_unk"] = false;
        QCOMPARE(fromDoc(doc)->encode("hiix"), (Ids{17, 0, 0, 0}));
        doc["model"]["byte_fallback"] = false;
        QCOMPARE(fromDoc(doc)->encode("\xE2\x82\xAC"), (Ids{7, 0}));
        // Without an unk_token an unknown character is dropped, as the library does.
        doc["model"]["unk_token"] = nullptr;
        QCOMPARE(fromDoc(doc)->encode("hix"), (Ids{17}));
        // An unk_token that is not in the vocabulary fails when it is needed.
        doc["model"]["unk_token"] = "<oov>";
        const auto tok = fromDoc(doc);
        QCOMPARE(tok->encode("hello"), (Ids{20}));
        const std::string e = errorOf<TokenizerError>([&] { tok->encode("hix"); });
        QVERIFY2(contains(e, "variant/tokenizer.json") && contains(e, "\"<oov>\""), e.c_str());

        // llama3-regex: "abc" is a vocabulary entry that no merge makes (a b -> ab only).
        json l3 = fixtureJson("llama3-regex");
        QCOMPARE(fromDoc(l3)->encode("abc"), (Ids{259}));
        l3["model"]["ignore_merges"] = false;
        QCOMPARE(fromDoc(l3)->encode("abc"), (Ids{258, 'c'}));
    }

    void metaspacePrependSchemes() {
        // mistral-metaspace: same vocabulary, no normalizer, Metaspace(prepend_scheme
        // "first", split false).
        const auto tok = load("mistral-metaspace");
        QCOMPARE(tok->encode("hello world"), (Ids{20, 25}));
        // After <s> the text does not start the input, so "first" prepends nothing:
        // h e l l o -> lo only.
        QCOMPARE(tok->encode("<s>hello"), (Ids{1, 9, 8, 10, 16}));
        QCOMPARE(load("llama2-spm-bpe")->encode("<s>hello"), (Ids{1, 20}));
        QCOMPARE(tok->decode({20, 25}), std::string("hello world"));
        QCOMPARE(tok->decode({1, 9, 8, 10, 16}), std::string("<s>hello"));
        QCOMPARE(tok->decode(tok->encode("hello  world")), std::string("hello  world"));

        json doc = fixtureJson("mistral-metaspace");
        doc["pre_tokenizer"]["prepend_scheme"] = "always";
        QCOMPARE(fromDoc(doc)->encode("<s>hello"), (Ids{1, 20}));
        doc["pre_tokenizer"]["prepend_scheme"] = "never";
        // "hello▁world": lo, ▁w, or, ▁wor, ld, ▁world.
        QCOMPARE(fromDoc(doc)->encode("hello world"), (Ids{9, 8, 10, 16, 25}));
        // split: each ▁ starts a piece (MergedWithNext); a lone ▁ stays one.
        doc["pre_tokenizer"]["prepend_scheme"] = "first";
        doc["pre_tokenizer"]["split"] = true;
        QCOMPARE(fromDoc(doc)->pieces("hello  world"), (Strings{SP + "hello", SP, SP + "world"}));
        // The old form: add_prefix_space false means never.
        doc["pre_tokenizer"].erase("prepend_scheme");
        doc["pre_tokenizer"]["add_prefix_space"] = false;
        QCOMPARE(fromDoc(doc)->pieces("hi you"), (Strings{"hi", SP + "you"}));
    }

    // ---- regex pre-tokenizers (Llama 3, Qwen2) ----------------------------------------------

    void llama3RegexSplit() {
        const auto tok = load("llama3-regex");
        QCOMPARE(tok->vocabSize(), 264);
        // (?i:'m) takes "'M"; \p{N}{1,3} cuts 12345 into 123 and 45 (the space before it is
        // a piece of its own); " ok" is [^\r\n\p{L}\p{N}]?\p{L}+; "!!\n\n" is
        // " ?[^\s\p{L}\p{N}]+[\r\n]*".
        QCOMPARE(tok->pieces("I'M 12345 ok!!\n\nyes"),
                 (Strings{"I", "'M", sym(" "), "123", "45", sym(" ok"), sym("!!\n\n"), "yes"}));
        // Non-ASCII: Arabic-Indic digits are \p{N}, ï and ß are \p{L}, « » are neither.
        const std::string digits = "\xD9\xA1\xD9\xA2\xD9\xA3\xD9\xA4";  // ١٢٣٤
        QCOMPARE(tok->pieces(digits), (Strings{sym(digits.substr(0, 6)), sym(digits.substr(6))}));
        QCOMPARE(tok->pieces("na\xC3\xAFve Stra\xC3\x9F"
                             "e"),
                 (Strings{sym("na\xC3\xAFve"), sym(" Stra\xC3\x9F"
                                                   "e")}));
        QCOMPARE(tok->pieces("\xC2\xABx\xC2\xBB"), (Strings{sym("\xC2\xABx"), sym("\xC2\xBB")}));
        // ids: Ġok is a vocabulary entry (ignore_merges); 123 = 1 2 -> 12 -> 123.
        QCOMPARE(tok->encode(" ok"), (Ids{257}));
        QCOMPARE(tok->encode("ok"), (Ids{256}));
        QCOMPARE(tok->encode("1234"), (Ids{261, '4'}));
        QCOMPARE(tok->encode("abcd"), (Ids{258, 'c', 'd'}));
        QCOMPARE(tok->encode("<|begin_of_text|>ok<|end_of_text|>"), (Ids{262, 256, 263}));
        QCOMPARE(tok->postProcessorBos(), 262);
        for (const std::string& s : {std::string("I'M 12345 ok!!\n\nyes"), digits,
                                     std::string("\xF0\x9F\x98\x80 emoji \t tab")})
            QCOMPARE(tok->decode(tok->encode(s)), s);
    }

    void qwen2NfcAndChatTokens() {
        // qwen2-nfc: Ã© (é) 256, ca 257, caf 258, café 259; <|endoftext|> 260,
        // <|im_start|> 261, <|im_end|> 262.
        const auto tok = load("qwen2-nfc");
        const std::string composed = "caf\xC3\xA9", decomposed = "cafe\xCC\x81";
        QCOMPARE(tok->encode(composed), (Ids{259}));
        // NFC turns e + U+0301 into é, so both spellings are the same tokens.
        QCOMPARE(tok->encode(decomposed), (Ids{259}));
        QCOMPARE(tok->decode(tok->encode(decomposed)), composed);
        // "Café": C a f é -> é(0) only.
        QCOMPARE(tok->encode("Caf\xC3\xA9"), (Ids{'C', 'a', 'f', 256}));
        // \s*[\r\n]+ takes the newline; user and café are letters.
        QCOMPARE(tok->encode("<|im_start|>user\n" + composed + "<|im_end|>"),
                 (Ids{261, 'u', 's', 'e', 'r', '\n', 259, 262}));
        // Qwen2 splits numbers into single digits.
        QCOMPARE(tok->pieces("2024"), (Strings{"2", "0", "2", "4"}));
        QCOMPARE(tok->postProcessorBos(), -1);
    }

    void splitBehaviours_data() {
        QTest::addColumn<QString>("behavior");
        QTest::addColumn<bool>("invert");
        QTest::addColumn<QStringList>("pieces");
        // Pattern "-" on "a-b--c": matches at 1, 3, 4.
        QTest::newRow("Isolated") << "Isolated" << false
                                  << QStringList{"a", "-", "b", "-", "-", "c"};
        QTest::newRow("Removed") << "Removed" << false << QStringList{"a", "b", "c"};
        QTest::newRow("MergedWithPrevious")
            << "MergedWithPrevious" << false << QStringList{"a-", "b-", "-", "c"};
        QTest::newRow("MergedWithNext")
            << "MergedWithNext" << false << QStringList{"a", "-b", "-", "-c"};
        QTest::newRow("Contiguous")
            << "Contiguous" << false << QStringList{"a", "-", "b", "--", "c"};
        // Inverted, the "-" matches are what stays, each on its own.
        QTest::newRow("Removed inverted") << "Removed" << true << QStringList{"-", "-", "-"};
    }

    void splitBehaviours() {
        QFETCH(QString, behavior);
        QFETCH(bool, invert);
        QFETCH(QStringList, pieces);
        json doc = fixtureJson("llama2-spm-bpe");
        doc["normalizer"] = nullptr;
        for (const char* kind : {"String", "Regex"}) {
            doc["pre_tokenizer"] = {{"type", "Split"},
                                    {"pattern", {{kind, "-"}}},
                                    {"behavior", behavior.toStdString()},
                                    {"invert", invert}};
            QStringList got;
            for (const std::string& p : fromDoc(doc)->pieces("a-b--c"))
                got << QString::fromStdString(p);
            QCOMPARE(got, pieces);
        }
        // A String pattern is literal: "." splits only on dots.
        doc["pre_tokenizer"] = {{"type", "Split"},
                                {"pattern", {{"String", "."}}},
                                {"behavior", "Removed"},
                                {"invert", false}};
        QCOMPARE(fromDoc(doc)->pieces("a.b-c"), (Strings{"a", "b-c"}));
    }

    void digitsWhitespaceAndNormalizers() {
        json doc = fixtureJson("llama2-spm-bpe");
        doc["normalizer"] = nullptr;
        doc["pre_tokenizer"] = {
            {"type", "Sequence"},
            {"pretokenizers",
             {{{"type", "WhitespaceSplit"}}, {{"type", "Digits"}, {"individual_digits", false}}}}};
        QCOMPARE(fromDoc(doc)->pieces("ab12 3c\xD9\xA3"),
                 (Strings{"ab", "12", "3", "c", "\xD9\xA3"}));
        doc["pre_tokenizer"]["pretokenizers"][1]["individual_digits"] = true;
        QCOMPARE(fromDoc(doc)->pieces("a12"), (Strings{"a", "1", "2"}));
        doc["pre_tokenizer"] = {{"type", "Whitespace"}};
        QCOMPARE(fromDoc(doc)->pieces("Hey man!! ok"), (Strings{"Hey", "man", "!!", "ok"}));

        doc["pre_tokenizer"] = nullptr;
        doc["normalizer"] = {
            {"type", "Sequence"},
            {"normalizers",
             {{{"type", "Lowercase"}},
              {{"type", "Replace"}, {"pattern", {{"Regex", "[0-9]+"}}}, {"content", "#"}},
              {{"type", "NFKD"}}}}};
        // Lowercase (İ becomes i + U+0307), digit runs -> "#", then NFKD splits é and ﬁ.
        QCOMPARE(fromDoc(doc)->pieces("AB12\xC4\xB0 \xC3\xA9\xEF\xAC\x81"),
                 (Strings{"ab#i\xCC\x87 e\xCC\x81"
                          "fi"}));
    }

    void addedTokenOptions() {
        json doc = fixtureJson("gpt2-bytelevel");
        auto addToken = [&](const std::string& content, bool lstrip, bool rstrip, bool single,
                            bool normalized) {
            doc["added_tokens"].push_back({{"id", 0},
                                           {"content", content},
                                           {"single_word", single},
                                           {"lstrip", lstrip},
                                           {"rstrip", rstrip},
                                           {"normalized", normalized},
                                           {"special", false}});
        };
        addToken("<mask>", true, false, false, false);    // id 267 (ids come in file order)
        addToken("[R]", false, true, false, false);       // 268
        addToken("xyz", false, false, true, false);       // 269
        addToken("low", false, false, false, false);      // in the vocabulary: keeps id 257
        addToken("<mask>x", false, false, false, false);  // 270, longer than <mask>
        auto tok = fromDoc(doc);
        QCOMPARE(tok->vocabSize(), 271);
        QCOMPARE(tok->tokenId("<mask>"), 267);
        QCOMPARE(tok->tokenId("low"), 257);
        // lstrip swallows the spaces before, rstrip those after.
        QCOMPARE(tok->encode("a  <mask>b"), (Ids{'a', 267, 'b'}));
        QCOMPARE(tok->encode("a [R]  b"), (Ids{'a', ' ', 268, 'b'}));  // Ġ has id 32 here
        // single_word: only where no word character touches it.
        QCOMPARE(tok->encode("xyz xyzw"), (Ids{269, ' ', 'x', 'y', 'z', 'w'}));
        QCOMPARE(tok->encode("slow"), (Ids{'s', 257}));
        // Longest match first.
        QCOMPARE(tok->encode("<mask>x<mask>"), (Ids{270, 267}));
        QCOMPARE(tok->decode({'a', 267, 'b'}), std::string("a<mask>b"));

        // normalized: true matches the normalized text, so both spellings of "café".
        json q = fixtureJson("qwen2-nfc");
        q["added_tokens"].push_back({{"id", 263},
                                     {"content", "cafe\xCC\x81"},
                                     {"single_word", false},
                                     {"lstrip", false},
                                     {"rstrip", false},
                                     {"normalized", true},
                                     {"special", false}});
        auto qt = fromDoc(q);
        QCOMPARE(qt->encode("caf\xC3\xA9!"), (Ids{263, '!'}));
        QCOMPARE(qt->encode("cafe\xCC\x81!"), (Ids{263, '!'}));
        q["added_tokens"].back()["normalized"] = false;
        qt = fromDoc(q);
        QCOMPARE(qt->encode("cafe\xCC\x81!"), (Ids{263, '!'}));
        QCOMPARE(qt->encode("caf\xC3\xA9!"), (Ids{259, '!'}));
    }

    void emptyTextAndRoundTrips() {
        for (const char* name : {"gpt2-bytelevel", "llama2-spm-bpe", "mistral-metaspace",
                                 "llama3-regex", "qwen2-nfc"}) {
            const auto tok = load(name);
            QVERIFY2(tok->encode("").empty(), name);
            QCOMPARE(tok->decode({}), std::string());
        }
        const Strings texts = {
            "Hello, world!  It's 2024:\tnumbers 3.14159, 42 and -7.\n\nNew paragraph.\r\n",
            "Gr\xC3\xBC\xC3\x9F"
            "e aus K\xC3\xB6ln: \xC3\x96l, \xC3\x84pfel, Stra\xC3\x9F"
            "e.",
            "Emoji: \xF0\x9F\x98\x80 \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD and CJK "
            "\xE4\xB8\xAD\xE6\x96\x87",
            "   leading and trailing   ",
            "\xD9\xA3\xD9\xA4 \xCE\xB1\xCE\xB2\xCE\xB3 \xC2\xA0nbsp\xC2\xA0",
        };
        for (const char* name : {"gpt2-bytelevel", "llama3-regex", "qwen2-nfc"}) {
            const auto tok = load(name);
            for (const std::string& t : texts) QCOMPARE(tok->decode(tok->encode(t)), t);
        }
    }

    // ---- tokenizer.json errors --------------------------------------------------------------

    void fileErrorsNameFileFieldAndFix() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath("tokenizer.json").toStdString();
        const std::string good = readFile(fixture("llama2-spm-bpe") + "/tokenizer.json");
        auto loadText = [&](const std::string& text) {
            writeFile(path, text);
            return errorOf<TokenizerError>([&] { HfTokenizer::load(path); });
        };
        std::string e;
        e = errorOf<TokenizerError>(
            [&] { HfTokenizer::load(dir.filePath("missing.json").toStdString()); });
        QVERIFY2(contains(e, "missing.json") && contains(e, "Fix:"), e.c_str());
        e = loadText(good.substr(0, good.size() / 2));
        QVERIFY2(contains(e, path) && contains(e, "truncated") && contains(e, "Fix:"), e.c_str());
        e = loadText("");
        QVERIFY2(contains(e, path) && contains(e, "truncated"), e.c_str());
        e = loadText("<html>not json</html>");
        QVERIFY2(contains(e, path) && contains(e, "not valid JSON") && contains(e, "Fix:"),
                 e.c_str());
        e = loadText("version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 1\n");
        QVERIFY2(contains(e, "Git LFS pointer") && contains(e, "git lfs pull"), e.c_str());
        e = loadText("[1, 2]");
        QVERIFY2(contains(e, path) && contains(e, "expected a JSON object"), e.c_str());

        // A merge that is not two tokens: its index and its line in the file. The file has
        // one merge per line (json.dump(indent=1) writes each pair over four lines, so we
        // write string merges here); merges[3] is on the line after "merges": [ + 3.
        json doc = json::parse(good);
        std::string text =
            "{\"model\": {\"type\": \"BPE\", \"vocab\": " + doc["model"]["vocab"].dump() +
            ",\n\"merges\": [\n";
        const Strings merges = {"l o", SP + " h", SP + "h e", "l o d", "o r"};
        for (size_t i = 0; i < merges.size(); ++i)
            text += json(merges[i]).dump() + (i + 1 < merges.size() ? ",\n" : "\n");
        text += "]}}\n";
        e = loadText(text);
        QVERIFY2(contains(e, path + ": model.merges[3] (line 6)") &&
                     contains(e, "two tokens separated by one space") && contains(e, "\"l o d\"") &&
                     contains(e, "Fix:"),
                 e.c_str());
        doc["model"]["merges"] = json::array({"l o", "x y"});
        e = loadText(doc.dump());
        QVERIFY2(contains(e, "model.merges[1]") && contains(e, "\"x\"") &&
                     contains(e, "not in model.vocab"),
                 e.c_str());
        doc["model"]["merges"] = json::array({json::array({"l", "o"}), json::array({"h", "e"})});
        e = loadText(doc.dump());
        QVERIFY2(contains(e, "model.merges[1]") && contains(e, "\"he\", which is not in"),
                 e.c_str());
        doc["model"]["merges"] = json::array({json::array({"l", "o", "x"})});
        e = loadText(doc.dump());
        QVERIFY2(contains(e, "model.merges[0]") && contains(e, "expected two tokens"), e.c_str());
        // A "#version" line in string merges is skipped, as merges.txt's is.
        doc["model"]["merges"] = json::array({"#version: 0.2", "l o"});
        QCOMPARE(HfTokenizer::fromJson(doc.dump(), "x")->encode("lo"), (Ids{7, 16}));
    }

    void unsupportedPartsAreRefusedByName() {
        std::string e;
        e = errorOf<TokenizerError>([&] { load("wordpiece"); });
        QVERIFY2(contains(e, fixture("wordpiece") + "/tokenizer.json") &&
                     contains(e, "model.type") && contains(e, "\"WordPiece\"") &&
                     contains(e, "BPE") && contains(e, "Fix:"),
                 e.c_str());
        json doc = fixtureJson("gpt2-bytelevel");
        auto refused = [&](const std::function<void(json&)>& change) {
            json d = doc;
            change(d);
            return errorOf<TokenizerError>([&] { fromDoc(d); });
        };
        e = refused([](json& d) { d["model"]["type"] = "Unigram"; });
        QVERIFY2(contains(e, "\"Unigram\""), e.c_str());
        e = refused([](json& d) { d["normalizer"] = {{"type", "BertNormalizer"}}; });
        QVERIFY2(contains(e, "normalizer.type") && contains(e, "\"BertNormalizer\"") &&
                     contains(e, "NFC"),
                 e.c_str());
        e = refused([](json& d) {
            d["pre_tokenizer"] = {{"type", "Sequence"},
                                  {"pretokenizers", {{{"type", "BertPreTokenizer"}}}}};
        });
        QVERIFY2(contains(e, "pre_tokenizer.pretokenizers[0].type") &&
                     contains(e, "\"BertPreTokenizer\""),
                 e.c_str());
        e = refused([](json& d) { d["decoder"] = {{"type", "WordPiece"}}; });
        QVERIFY2(contains(e, "decoder.type") && contains(e, "\"WordPiece\""), e.c_str());
        e = refused([](json& d) { d["model"]["continuing_subword_prefix"] = "##"; });
        QVERIFY2(contains(e, "continuing_subword_prefix"), e.c_str());
        e = refused([](json& d) { d["model"]["end_of_word_suffix"] = "</w>"; });
        QVERIFY2(contains(e, "end_of_word_suffix"), e.c_str());
        e = refused([](json& d) { d["model"]["dropout"] = 0.1; });
        QVERIFY2(contains(e, "model.dropout") && contains(e, "null"), e.c_str());
        e = refused([](json& d) {
            d["pre_tokenizer"] = {{"type", "Split"},
                                  {"pattern", {{"Regex", "(unclosed"}}},
                                  {"behavior", "Isolated"},
                                  {"invert", false}};
        });
        QVERIFY2(contains(e, "pre_tokenizer.pattern.Regex") && contains(e, "PCRE2"), e.c_str());
        e = refused([](json& d) { d["pre_tokenizer"]["add_prefix_space"] = "yes"; });
        QVERIFY2(contains(e, "pre_tokenizer.add_prefix_space") && contains(e, "true or false"),
                 e.c_str());
        e = refused([](json& d) { d["version"] = "2.0"; });
        QVERIFY2(contains(e, "version"), e.c_str());
        e = refused([](json& d) { d["model"]["vocab"]["huge"] = 2000000000; });
        QVERIFY2(contains(e, "model.vocab") && contains(e, "\"huge\" has id 2000000000"),
                 e.c_str());
        e = refused([](json& d) { d["model"]["vocab"]["neg"] = -1; });
        QVERIFY2(contains(e, "\"neg\" has id -1"), e.c_str());
        e = refused([](json& d) { d["model"]["vocab"]["dup"] = 5; });
        QVERIFY2(contains(e, "id 5 is used by both"), e.c_str());
    }

    // ---- folders ----------------------------------------------------------------------------

    void folderKindsAndPreference() {
        QCOMPARE(tokenizerKindOf(fixture("llama2-spm-bpe")), std::string("tokenizer.json"));
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string d = dir.path().toStdString();
        QCOMPARE(tokenizerKindOf(d), std::string("none"));
        std::string e = errorOf<TokenizerError>([&] { loadTokenizerFolder(d); });
        QVERIFY2(contains(e, d) && contains(e, "holds no tokenizer") && contains(e, "Fix:"),
                 e.c_str());
        e = errorOf<TokenizerError>([&] { loadTokenizerFolder(d + "/nope"); });
        QVERIFY2(contains(e, d + "/nope") && contains(e, "does not exist"), e.c_str());

        // vocab.json + merges.txt (GPT-2's files).
        std::string vocab = "{";
        for (const auto& [t, id] : gpt2Vocab())
            vocab += (vocab.size() > 1 ? "," : "") + json(t).dump() + ":" + std::to_string(id);
        writeFile(d + "/vocab.json", vocab + "}");
        QCOMPARE(tokenizerKindOf(d), std::string("none"));
        e = errorOf<TokenizerError>([&] { loadTokenizerFolder(d); });
        QVERIFY2(contains(e, "no merges.txt"), e.c_str());
        std::string merges = "#version: 0.2\n";
        for (const auto& [l, r] : gpt2Merges()) merges += l + " " + r + "\n";
        writeFile(d + "/merges.txt", merges);
        QCOMPARE(tokenizerKindOf(d), std::string("vocab.json+merges.txt"));
        TokenizerSetup s = loadTokenizerFolder(d, 266);
        QCOMPARE(s.kind, std::string("vocab.json+merges.txt"));
        QCOMPARE(s.source, d + "/vocab.json");
        QCOMPARE(s.tokenizer->encode("low lower"), (Ids{257, 260, 258}));
        QVERIFY(!s.add_bos && !s.add_eos);

        // tokenizer.json wins over the others.
        std::filesystem::copy_file(fixture("qwen2-nfc") + "/tokenizer.json", d + "/tokenizer.json");
        QCOMPARE(tokenizerKindOf(d), std::string("tokenizer.json"));
        s = loadTokenizerFolder(d);
        QCOMPARE(s.kind, std::string("tokenizer.json"));
        QCOMPARE(s.tokenizer->vocabSize(), 263);

        // A vocabulary the embedding cannot hold.
        e = errorOf<TokenizerError>([&] { loadTokenizerFolder(d, 200); });
        QVERIFY2(contains(e, d + "/tokenizer.json") && contains(e, "263 tokens") &&
                     contains(e, "only 200 rows") && contains(e, "Fix:"),
                 e.c_str());
        QCOMPARE(loadTokenizerFolder(d, 263).tokenizer->vocabSize(), 263);

        // Bad merges.txt lines name the file and line (through the folder too).
        std::filesystem::remove(d + "/tokenizer.json");
        writeFile(d + "/merges.txt", "#version: 0.2\nl o\nlo w x\n");
        e = errorOf<TokenizerError>([&] { loadTokenizerFolder(d); });
        QVERIFY2(contains(e, d + "/merges.txt:3"), e.c_str());
    }

    void bosAndEosFollowTokenizerConfig() {
        // llama2-spm-bpe: add_bos_token true, add_eos_token false, bos_token as an object.
        TokenizerSetup s = loadTokenizerFolder(fixture("llama2-spm-bpe"));
        QVERIFY(s.add_bos && !s.add_eos);
        QCOMPARE(s.bos_id, 1);
        QCOMPARE(s.eos_id, 2);
        QCOMPARE(s.encodeWithSpecials("hello world"), (Ids{1, 20, 25}));
        QCOMPARE(s.encodeWithSpecials(""), (Ids{1}));
        // mistral-metaspace also has add_eos_token true.
        s = loadTokenizerFolder(fixture("mistral-metaspace"));
        QCOMPARE(s.encodeWithSpecials("hello"), (Ids{1, 20, 2}));
        // llama3-regex: no add_bos_token, so the post_processor's template decides.
        s = loadTokenizerFolder(fixture("llama3-regex"));
        QVERIFY(s.add_bos && !s.add_eos);
        QCOMPARE(s.bos_id, 262);
        QCOMPARE(s.eos_id, 263);
        QCOMPARE(s.encodeWithSpecials("ok"), (Ids{262, 256}));
        // qwen2-nfc: bos_token null, nothing added; eos known.
        s = loadTokenizerFolder(fixture("qwen2-nfc"));
        QVERIFY(!s.add_bos && !s.add_eos);
        QCOMPARE(s.bos_id, -1);
        QCOMPARE(s.eos_id, 260);
        QCOMPARE(s.encodeWithSpecials("ok"), (Ids{'o', 'k'}));

        // Without tokenizer_config.json: nothing, even though tokenizer.json's template has
        // <s>.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string d = dir.path().toStdString();
        std::filesystem::copy_file(fixture("llama2-spm-bpe") + "/tokenizer.json",
                                   d + "/tokenizer.json");
        s = loadTokenizerFolder(d);
        QVERIFY(!s.add_bos && !s.add_eos);
        QCOMPARE(s.encodeWithSpecials("hello world"), (Ids{20, 25}));

        // The class default (LlamaTokenizer adds BOS) when the flag is missing.
        writeFile(d + "/tokenizer_config.json",
                  R"({"tokenizer_class": "LlamaTokenizerFast", "bos_token": "<s>"})");
        s = loadTokenizerFolder(d);
        QVERIFY(s.add_bos && !s.add_eos);
        QCOMPARE(s.encodeWithSpecials("hello"), (Ids{1, 20}));
        writeFile(d + "/tokenizer_config.json",
                  R"({"tokenizer_class": "GPTNeoXTokenizer", "bos_token": "<s>"})");
        QVERIFY(!loadTokenizerFolder(d).add_bos);
        writeFile(d + "/tokenizer_config.json", R"({"add_bos_token": false, "add_eos_token": true,
                  "eos_token": {"content": "</s>"}})");
        QCOMPARE(loadTokenizerFolder(d).encodeWithSpecials("hello"), (Ids{20, 2}));

        // Errors name tokenizer_config.json, the field and the fix.
        const std::string cfg = d + "/tokenizer_config.json";
        writeFile(cfg, R"({"add_bos_token": "yes", "bos_token": "<s>"})");
        std::string e = errorOf<TokenizerError>([&] { loadTokenizerFolder(d); });
        QVERIFY2(contains(e, cfg) && contains(e, "add_bos_token") && contains(e, "Fix:"),
                 e.c_str());
        writeFile(cfg, R"({"add_bos_token": true, "bos_token": "<|nope|>"})");
        e = errorOf<TokenizerError>([&] { loadTokenizerFolder(d); });
        QVERIFY2(
            contains(e, cfg) && contains(e, "\"<|nope|>\" is not a token") && contains(e, "Fix:"),
            e.c_str());
        writeFile(cfg, R"({"add_eos_token": true})");
        e = errorOf<TokenizerError>([&] { loadTokenizerFolder(d); });
        QVERIFY2(contains(e, cfg) && contains(e, "eos_token is not set"), e.c_str());
        writeFile(cfg, "{not json");
        e = errorOf<TokenizerError>([&] { loadTokenizerFolder(d); });
        QVERIFY2(contains(e, cfg) && contains(e, "not valid JSON"), e.c_str());
    }

    // ---- SentencePiece ----------------------------------------------------------------------

    void sentencePieceMatchesSpmEncode() {
        const QString spmTrain = QStandardPaths::findExecutable("spm_train");
        const QString spmEncode = QStandardPaths::findExecutable("spm_encode");
        if (spmTrain.isEmpty() || spmEncode.isEmpty())
            QSKIP(
                "spm_train / spm_encode are missing (Debian package sentencepiece): "
                "apt-get install sentencepiece");
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string d = dir.path().toStdString();
        // A small corpus of made-up sentences.
        const Strings words = {"the",
                               "quick",
                               "brown",
                               "fox",
                               "jumps",
                               "over",
                               "lazy",
                               "dog",
                               "hello",
                               "world",
                               "tokens",
                               "learn",
                               "forget",
                               "model",
                               "Gr\xC3\xBC\xC3\x9F"
                               "e",
                               "K\xC3\xB6ln",
                               "stra\xC3\x9F"
                               "e",
                               "2024",
                               "42",
                               "again",
                               "slowly",
                               "and",
                               "a",
                               "of"};
        std::mt19937 rng(3);
        std::string corpus;
        for (int line = 0; line < 400; ++line) {
            const int n = 3 + static_cast<int>(rng() % 8);
            for (int w = 0; w < n; ++w) corpus += (w ? " " : "") + words[rng() % words.size()];
            corpus += rng() % 3 ? ".\n" : "!\n";
        }
        writeFile(d + "/corpus.txt", corpus);
        const Strings inputs = {
            "hello world",
            "The quick brown fox jumps over the lazy dog.",
            "Gr\xC3\xBC\xC3\x9F"
            "e aus K\xC3\xB6ln, 2024!",
            "unseen: \xF0\x9F\x98\x80 \xE4\xB8\xAD\xE6\x96\x87 zebra",
            "  leading   and trailing spaces  ",
            "forgetting models learn again",
        };
        std::string inputText;
        for (const std::string& s : inputs) inputText += s + "\n";
        writeFile(d + "/inputs.txt", inputText);

        for (const char* type : {"bpe", "unigram"}) {
            const QString prefix = QString::fromStdString(d) + "/" + type;
            QProcess train;
            train.start(
                spmTrain,
                {"--input=" + QString::fromStdString(d) + "/corpus.txt", "--model_prefix=" + prefix,
                 "--vocab_size=400", QString("--model_type=") + type, "--byte_fallback=true",
                 "--character_coverage=1.0", "--hard_vocab_limit=false", "--minloglevel=2"});
            QVERIFY(train.waitForFinished(60000));
            QVERIFY2(train.exitCode() == 0, train.readAllStandardError().constData());

            QProcess encode;
            encode.setStandardInputFile(QString::fromStdString(d) + "/inputs.txt");
            encode.start(spmEncode, {"--model=" + prefix + ".model", "--output_format=id"});
            QVERIFY(encode.waitForFinished(60000));
            QCOMPARE(encode.exitCode(), 0);
            const QStringList lines = QString::fromUtf8(encode.readAllStandardOutput()).split('\n');
            QVERIFY(lines.size() >= static_cast<int>(inputs.size()));

            const auto tok = SentencePieceTokenizer::load((prefix + ".model").toStdString());
            QVERIFY(tok->vocabSize() > 256);  // the 256 byte pieces and more
            for (size_t i = 0; i < inputs.size(); ++i) {
                Ids expected;
                for (const QString& id : lines[static_cast<int>(i)].split(' ', Qt::SkipEmptyParts))
                    expected.push_back(id.toInt());
                QVERIFY(!expected.empty());
                QCOMPARE(tok->encode(inputs[i]), expected);
            }
            // The emoji and CJK are byte-fallback pieces and decode back exactly.
            QCOMPARE(tok->decode(tok->encode(inputs[3])), inputs[3]);
            QCOMPARE(tok->decode(tok->encode(inputs[0])), inputs[0]);
            // Control pieces in the text become their ids, the stretches around them are
            // encoded on their own.
            const int bos = tok->tokenId("<s>"), eos = tok->tokenId("</s>");
            QVERIFY(bos >= 0 && eos >= 0);
            QCOMPARE(tok->tokenString(bos), std::string("<s>"));
            QVERIFY(tok->isSpecial(bos));
            Ids expected = {bos};
            for (int id : tok->encode("hello world")) expected.push_back(id);
            expected.push_back(eos);
            QCOMPARE(tok->encode("<s>hello world</s>"), expected);
            QCOMPARE(tok->decode(expected), std::string("<s>hello world</s>"));
            QCOMPARE(tok->tokenId("no such piece"), -1);
            QVERIFY(tok->encode("").empty());
        }

        // In a folder: tokenizer.model, and LlamaTokenizer adds BOS by default.
        const std::string folder = d + "/model";
        std::filesystem::create_directory(folder);
        std::filesystem::copy_file(d + "/bpe.model", folder + "/tokenizer.model");
        QCOMPARE(tokenizerKindOf(folder), std::string("tokenizer.model"));
        TokenizerSetup s = loadTokenizerFolder(folder);
        QCOMPARE(s.kind, std::string("tokenizer.model"));
        QVERIFY(!s.add_bos);
        writeFile(folder + "/tokenizer_config.json",
                  R"({"tokenizer_class": "LlamaTokenizer", "bos_token": "<s>",
                      "eos_token": "</s>"})");
        s = loadTokenizerFolder(folder);
        QVERIFY(s.add_bos && !s.add_eos);
        QCOMPARE(s.encodeWithSpecials("hello").front(), s.tokenizer->tokenId("<s>"));

        writeFile(folder + "/tokenizer.model", "not a model");
        const std::string e = errorOf<TokenizerError>([&] { loadTokenizerFolder(folder); });
        QVERIFY2(contains(e, folder + "/tokenizer.model") && contains(e, "not a SentencePiece") &&
                     contains(e, "Fix:"),
                 e.c_str());
    }
};

QTEST_APPLESS_MAIN(TestHfTokenizer)
#include "test_hf_tokenizer.moc"
