// Hugging Face tokenizer.json encoding and decoding against hand-worked answers on the
// fixtures in tests/fixtures/tokenizers: byte-level BPE (GPT-2, with GPT-2's vocab.json +
// merges.txt tokenizer as a second implementation), SentencePiece-style BPE (Llama 2,
// Mistral's Metaspace), regex pre-tokenizers (Llama 3, Qwen2), split behaviours, the other
// pre-tokenizers and normalizers, added-token options and round trips.
#include <QtTest>

#include <random>

#include "engine/data/hf_tokenizer.h"
#include "engine/data/tokenizer.h"

#include "tokenizer_test_helpers.h"

using namespace forgetlab;
using namespace forgetlab::test;

namespace {

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
};

QTEST_APPLESS_MAIN(TestHfTokenizer)
#include "test_hf_tokenizer.moc"
