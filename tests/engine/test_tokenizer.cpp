// Tokenizers (byte, GPT-2 byte-level BPE) and the fortune corpora, against hand-worked
// answers, with every bad-input case checked for a message that names the file and fix.
// tokenizer.json, tokenizer.model and tokenizer folders are in test_hf_tokenizer.cpp.
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <set>

#include "engine/data/fortunes.h"
#include "engine/data/tokenizer.h"

using namespace forgetlab;

namespace {

using Vocab = std::map<std::string, int>;

void writeFile(const std::string& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary);
    out << content;
}

// Runs f, which must throw E; returns the message ("" if nothing was thrown).
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

// All 256 byte symbols with id = byte value, then the merges' results in rank order.
Vocab byteVocab(const Gpt2BpeTokenizer::MergeList& merges) {
    Vocab v;
    for (int b = 0; b < 256; ++b) v[gpt2ByteSymbol(static_cast<unsigned char>(b))] = b;
    for (const auto& [l, r] : merges) v.emplace(l + r, static_cast<int>(v.size()));
    return v;
}

const std::string G = "\xC4\xA0";  // "Ġ", the symbol of ' '

// Merge ranks 0..9; their results get ids 256..265.
const Gpt2BpeTokenizer::MergeList kMerges = {
    {"l", "o"},       // 0 -> "lo"    256
    {"lo", "w"},      // 1 -> "low"   257
    {"e", "r"},       // 2 -> "er"    258
    {G, "l"},         // 3 -> "Ġl"    259
    {G, "low"},       // 4 -> "Ġlow"  260
    {"e", "s"},       // 5 -> "es"    261
    {"es", "t"},      // 6 -> "est"   262
    {G, "n"},         // 7 -> "Ġn"    263
    {G + "n", "e"},   // 8 -> "Ġne"   264
    {G + "ne", "w"},  // 9 -> "Ġnew"  265
};

std::string vocabJson(const Vocab& v) {
    // Tokens here are plain byte symbols: only '"' and '\\' need escaping.
    std::string s = "{";
    for (const auto& [tok, id] : v) {
        std::string esc;
        for (char c : tok) {
            if (c == '"' || c == '\\') esc += '\\';
            esc += c;
        }
        s += (s.size() > 1 ? ",\n\"" : "\n\"") + esc + "\": " + std::to_string(id);
    }
    return s + "\n}\n";
}

std::string mergesTxt(const Gpt2BpeTokenizer::MergeList& merges) {
    std::string s = "#version: 0.2\n";
    for (const auto& [l, r] : merges) s += l + " " + r + "\n";
    return s;
}

}  // namespace

class TestTokenizer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void byteTokenizerRoundTripsArbitraryBytes() {
        ByteTokenizer tok;
        QCOMPARE(tok.vocabSize(), 256);
        QCOMPARE(tok.name(), std::string("byte"));
        std::string all;
        for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
        const std::string invalidUtf8 = "ok \xFF\xFE \xC3( \xE2\x82 \xED\xA0\x80";
        for (const std::string& s : {all, invalidUtf8, std::string()}) {
            const auto ids = tok.encode(s);
            QCOMPARE(ids.size(), s.size());
            for (size_t i = 0; i < s.size(); ++i)
                QCOMPARE(ids[i], int(static_cast<unsigned char>(s[i])));
            QCOMPARE(tok.decode(ids), s);
        }
        QVERIFY(contains(errorOf<TokenizerError>([&] { tok.decode({65, 256}); }), "256"));
    }

    void byteToUnicodeTable() {
        QCOMPARE(uint(gpt2ByteToUnicode(' ')), 0x120u);
        QCOMPARE(uint(gpt2ByteToUnicode('\n')), 0x10Au);
        QCOMPARE(uint(gpt2ByteToUnicode('A')), uint('A'));
        QCOMPARE(uint(gpt2ByteToUnicode('!')), 33u);     // first printable
        QCOMPARE(uint(gpt2ByteToUnicode(0)), 0x100u);    // first non-printable
        QCOMPARE(uint(gpt2ByteToUnicode(127)), 0x121u);  // after 0..32
        QCOMPARE(uint(gpt2ByteToUnicode(0xA1)), 0xA1u);
        QCOMPARE(uint(gpt2ByteToUnicode(0xAD)), 0x143u);  // soft hyphen, the last one
        QCOMPARE(uint(gpt2ByteToUnicode(0xFF)), 0xFFu);
        QCOMPARE(gpt2ByteSymbol(' '), std::string("\xC4\xA0"));   // "Ġ"
        QCOMPARE(gpt2ByteSymbol('\n'), std::string("\xC4\x8A"));  // "Ċ"
        std::set<char32_t> distinct;
        for (int b = 0; b < 256; ++b)
            distinct.insert(gpt2ByteToUnicode(static_cast<unsigned char>(b)));
        QCOMPARE(distinct.size(), size_t(256));
    }

    void preTokenizerMatchesGpt2_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("pieces");
        // "\s+(?!\S)" leaves the last of several spaces to prefix the next word.
        QTest::newRow("brief") << "Hello world's 42 times!!  ok"
                               << QStringList{"Hello",  " world", "'s", " 42",
                                              " times", "!!",     " ",  " ok"};
        QTest::newRow("contractions")
            << "I'm can't we'll 'x"
            << QStringList{"I", "'m", " can", "'t", " we", "'ll", " '", "x"};
        QTest::newRow("newlines") << "a\n\nb \n" << QStringList{"a", "\n", "\n", "b", " \n"};
        QTest::newRow("trailing spaces") << "x  " << QStringList{"x", "  "};
        QTest::newRow("numbers") << "pi=3.14" << QStringList{"pi", "=", "3", ".", "14"};
        QTest::newRow("umlauts") << QString::fromUtf8("Grüße, straße!")
                                 << QStringList{QString::fromUtf8("Grüße"), ",",
                                                QString::fromUtf8(" straße"), "!"};
        QTest::newRow("tab before word") << "a\tb" << QStringList{"a", "\t", "b"};
        QTest::newRow("space before punct") << "a ." << QStringList{"a", " ."};
        // Unicode classes (PCRE2 with UCP): U+00A0 is white space, « » are punctuation and
        // Arabic-Indic digits are numbers, so each is a piece of its own.
        QTest::newRow("no-break space")
            << QString::fromUtf8("a\u00A0b") << QStringList{"a", QString::fromUtf8("\u00A0"), "b"};
        QTest::newRow("guillemets")
            << QString::fromUtf8("x \u00ABq\u00BB")
            << QStringList{"x", QString::fromUtf8(" \u00AB"), "q", QString::fromUtf8("\u00BB")};
        QTest::newRow("arabic digits") << QString::fromUtf8("x\u0663\u0664 y")
                                       << QStringList{"x", QString::fromUtf8("\u0663\u0664"), " y"};
        QTest::newRow("greek and cjk") << QString::fromUtf8("\u03B1\u03B2 \u4E2D\u6587!")
                                       << QStringList{QString::fromUtf8("\u03B1\u03B2"),
                                                      QString::fromUtf8(" \u4E2D\u6587"), "!"};
    }

    void preTokenizerKeepsInvalidUtf8AsPieces() {
        // An ill-formed byte matches nothing, so each run of them is a piece; the regex runs
        // on the valid text around it (" " before \xFF is "\s+(?!\S)", as \xFF is no \S).
        QCOMPARE(gpt2PreTokenize("ok\xFFyes a \xFF"),
                 (std::vector<std::string>{"ok", "\xFF", "yes", " a", " ", "\xFF"}));
        QCOMPARE(gpt2PreTokenize("\xE2\x82 end\xE2\x82"),
                 (std::vector<std::string>{"\xE2\x82", " end", "\xE2\x82"}));
        QCOMPARE(gpt2PreTokenize("x\xED\xA0\x80\xC3("),
                 (std::vector<std::string>{"x", "\xED\xA0\x80\xC3", "("}));
        QVERIFY(gpt2PreTokenize("").empty());
    }

    void tokenStrings() {
        ByteTokenizer bytes;
        QCOMPARE(bytes.tokenString('A'), std::string("A"));
        QCOMPARE(bytes.tokenString(' '), std::string("<0x20>"));
        QCOMPARE(bytes.tokenString(0xE2), std::string("<0xE2>"));
        QCOMPARE(bytes.tokenString(256), std::string());
        QCOMPARE(bytes.tokenId("<0x0A>"), 10);
        QCOMPARE(bytes.tokenId("zz"), -1);
        Gpt2BpeTokenizer tok(byteVocab(kMerges), kMerges);
        QCOMPARE(tok.tokenString(260), G + "low");
        QCOMPARE(tok.tokenString(266), std::string());
        QCOMPARE(tok.tokenId(G + "new"), 265);
        QCOMPARE(tok.tokenId("nothing"), -1);
    }

    void preTokenizerMatchesGpt2() {
        QFETCH(QString, text);
        QFETCH(QStringList, pieces);
        QStringList got;
        for (const std::string& p : gpt2PreTokenize(text.toStdString()))
            got << QString::fromStdString(p);
        QCOMPARE(got, pieces);
    }

    void bpeHandMadeVocabGivesExpectedIds() {
        Gpt2BpeTokenizer tok(byteVocab(kMerges), kMerges);
        QCOMPARE(tok.vocabSize(), 266);
        QCOMPARE(tok.name(), std::string("gpt2-bpe"));
        // Pieces "low", " lower", " newest".
        // "low":     l o w -> (l o, rank 0) lo w -> (lo w, 1) low                 = [257]
        // " lower":  Ġ l o w e r: "l o" (0) beats "Ġ l" (3), so Ġl never forms:
        //            Ġ lo w e r -> Ġ low e r -> (e r, 2) Ġ low er -> (Ġ low, 4)
        //            Ġlow er                                                      = [260, 258]
        // " newest": Ġ n e w e s t -> (e s, 5) Ġ n e w es t -> (es t, 6) Ġ n e w est
        //            -> (Ġ n, 7) Ġn e w est -> (8) Ġne w est -> (9) Ġnew est      = [265, 262]
        QCOMPARE(tok.encode("low lower newest"), (std::vector<int>{257, 260, 258, 265, 262}));
        // Every occurrence of the best pair merges in one pass: lo lo.
        QCOMPARE(tok.encode("lolo"), (std::vector<int>{256, 256}));
        // No merges apply: the byte ids themselves.
        QCOMPARE(tok.encode("wo!"), (std::vector<int>{'w', 'o', '!'}));
        QCOMPARE(tok.token(260), G + "low");
        QCOMPARE(tok.decode({257, 260, 258, 265, 262}), std::string("low lower newest"));
    }

    void bpeRoundTripsText() {
        Gpt2BpeTokenizer tok(byteVocab(kMerges), kMerges);
        const std::vector<std::string> texts = {
            "low lower newest lowest",
            "Hello, world!  It's 2024:\tnumbers 3.14159, 42 and -7.\n\nNew paragraph.\r\n",
            "Grüße aus Köln: Öl, Äpfel, Übermut, Straße.",
            "Emoji: \xF0\x9F\x98\x80 \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD and CJK "
            "\xE4\xB8\xAD\xE6\x96\x87",
            "   leading and trailing   ",
            "",
            "\xFF\xFE invalid \xC3( UTF-8 \x80",
        };
        for (const std::string& t : texts) QCOMPARE(tok.decode(tok.encode(t)), t);
        std::mt19937 rng(7);
        for (int i = 0; i < 200; ++i) {
            std::string s(rng() % 40, '\0');
            for (char& c : s) c = static_cast<char>(rng() % 256);
            QCOMPARE(tok.decode(tok.encode(s)), s);
        }
    }

    void bpeLoadsFromFiles() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string vocabPath = dir.filePath("vocab.json").toStdString();
        const std::string mergesPath = dir.filePath("merges.txt").toStdString();
        const Vocab vocab = byteVocab(kMerges);
        writeFile(vocabPath, vocabJson(vocab));
        writeFile(mergesPath, mergesTxt(kMerges));
        auto tok = Gpt2BpeTokenizer::load(vocabPath, mergesPath, 266);
        QCOMPARE(tok->vocabSize(), 266);
        QCOMPARE(tok->encode("low lower newest"), (std::vector<int>{257, 260, 258, 265, 262}));
        // Without "#version" and with CRLF line ends the file reads the same.
        std::string crlf;
        for (const auto& [l, r] : kMerges) crlf += l + " " + r + "\r\n";
        writeFile(mergesPath, crlf);
        tok = Gpt2BpeTokenizer::load(vocabPath, mergesPath);
        QCOMPARE(tok->encode("newest"), (std::vector<int>{'n', 'e', 'w', 262}));
    }

    void bpeFileErrorsNameFileLineAndFix() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string vocabPath = dir.filePath("vocab.json").toStdString();
        const std::string mergesPath = dir.filePath("merges.txt").toStdString();
        const std::string missing = dir.filePath("nope/vocab.json").toStdString();
        const std::string goodVocab = vocabJson(byteVocab(kMerges));
        const std::string goodMerges = mergesTxt(kMerges);
        auto loadWith = [&](const std::string& vocab, const std::string& merges, int expected = 0) {
            writeFile(vocabPath, vocab);
            writeFile(mergesPath, merges);
            return errorOf<TokenizerError>(
                [&] { Gpt2BpeTokenizer::load(vocabPath, mergesPath, expected); });
        };
        std::string e;

        e = errorOf<TokenizerError>([&] { Gpt2BpeTokenizer::load(missing, mergesPath); });
        QVERIFY2(contains(e, missing) && contains(e, "Fix:"), e.c_str());
        writeFile(vocabPath, goodVocab);
        e = errorOf<TokenizerError>(
            [&] { Gpt2BpeTokenizer::load(vocabPath, dir.filePath("none.txt").toStdString()); });
        QVERIFY2(contains(e, "none.txt") && contains(e, "merges.txt"), e.c_str());

        e = loadWith("{\"a\": 0,\n \"b\": }", goodMerges);
        QVERIFY2(contains(e, vocabPath) && contains(e, "not valid JSON") && contains(e, "line 2"),
                 e.c_str());
        e = loadWith("[\"a\", \"b\"]", goodMerges);
        QVERIFY2(contains(e, vocabPath) && contains(e, "expected a JSON object"), e.c_str());
        e = loadWith("{\"a\": 0, \"b\": \"1\"}", "");
        QVERIFY2(contains(e, vocabPath) && contains(e, "\"b\"") && contains(e, "integer id"),
                 e.c_str());
        e = loadWith("{\"a\": 0, \"b\": 0}", "");
        QVERIFY2(contains(e, vocabPath) && contains(e, "id 0 is used by both \"a\" and \"b\""),
                 e.c_str());
        e = loadWith("{\"a\": 0, \"b\": 2}", "");
        QVERIFY2(contains(e, vocabPath) && contains(e, "\"b\" has id 2") && contains(e, "0..1"),
                 e.c_str());
        e = loadWith("{\"a\": 0, \"b\": 1, \"a\": 2}", "");
        QVERIFY2(contains(e, vocabPath) && contains(e, "\"a\" appears more than once"), e.c_str());
        e = loadWith("{\"a\": 0, \"\xE4\xB8\xAD\": 1}", "");  // U+4E2D is no byte symbol
        QVERIFY2(contains(e, vocabPath) && contains(e, "U+4E2D"), e.c_str());

        // Line 3 (after "#version" and one good merge) has three symbols.
        e = loadWith(goodVocab, "#version: 0.2\nl o\nlo w x\n");
        QVERIFY2(contains(e, mergesPath + ":3") && contains(e, "two symbols"), e.c_str());
        e = loadWith(goodVocab, "#version: 0.2\nl o\nlonely\n");
        QVERIFY2(contains(e, mergesPath + ":3"), e.c_str());
        // A part that is not in the vocabulary ("xyz"), and a result that is not ("wx").
        e = loadWith(goodVocab, "#version: 0.2\nl o\nxyz o\n");
        QVERIFY2(contains(e, mergesPath + ":3") &&
                     contains(e, "\"xyz\" is not in the vocabulary") && contains(e, vocabPath),
                 e.c_str());
        e = loadWith(goodVocab, "#version: 0.2\nw x\n");
        QVERIFY2(contains(e, mergesPath + ":2") && contains(e, "its result \"wx\""), e.c_str());

        e = loadWith(goodVocab, goodMerges, 50000);
        QVERIFY2(contains(e, vocabPath + " has 266 entries but config.json says vocab_size 50000"),
                 e.c_str());

        // A vocabulary without the byte symbols of "!" cannot encode it.
        Vocab small = {{"l", 0}, {"o", 1}, {"w", 2}, {"lo", 3}, {"low", 4}};
        Gpt2BpeTokenizer tok(small, {{"l", "o"}, {"lo", "w"}});
        QCOMPARE(tok.encode("lowlow"), (std::vector<int>{4, 4}));
        e = errorOf<TokenizerError>([&] { tok.encode("low!"); });
        QVERIFY2(
            contains(e, "cannot encode byte 0x21") && contains(e, "\"!\"") && contains(e, "vocab"),
            e.c_str());
        e = errorOf<TokenizerError>([&] { Gpt2BpeTokenizer(small, {{"l", "o"}, {"o", "w"}}); });
        QVERIFY2(contains(e, "merges[1]") && contains(e, "\"ow\""), e.c_str());
        e = errorOf<TokenizerError>([&] { tok.decode({5}); });
        QVERIFY2(contains(e, "token id 5"), e.c_str());
    }

    void fortuneFilesParse() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string root = dir.path().toStdString();
        writeFile(root + "/alpha",
                  "First fortune.\n%\n%\n\n   \n%\n  Indented art\n  line two  \n\n%\nLast one "
                  "without separator\n");
        writeFile(root + "/alpha.dat", std::string("\x00\x00\x00\x02\xFF", 5));
        std::filesystem::create_symlink("alpha", root + "/alpha.u8");
        // Latin-1: "Grüße" and "Mañana" as single bytes (invalid UTF-8).
        writeFile(root + "/beta.fortunes",
                  "Gr\xFC\xDF"
                  "e\r\n%\r\nMa\xF1"
                  "ana\n%\nplain\n");
        std::filesystem::create_directory(root + "/off");
        writeFile(root + "/off/gamma", "hidden\n");
        writeFile(root + "/.hidden", "x\n");

        QCOMPARE(fortuneDomains("en", root), (std::vector<std::string>{"alpha", "beta"}));
        QCOMPARE(readFortuneFile(root + "/alpha"),
                 (std::vector<std::string>{"First fortune.", "  Indented art\n  line two",
                                           "Last one without separator"}));
        QCOMPARE(readFortuneFile(root + "/beta.fortunes"),
                 (std::vector<std::string>{"Gr\xC3\xBC\xC3\x9F"
                                           "e",
                                           "Ma\xC3\xB1"
                                           "ana",
                                           "plain"}));
        const auto domains = loadFortuneDomains("en", {"beta"}, root);
        QCOMPARE(domains.size(), size_t(1));
        QCOMPARE(domains[0].name, std::string("beta"));
        QCOMPARE(domains[0].file, root + "/beta.fortunes");
        QCOMPARE(domains[0].texts.size(), size_t(3));
        const std::string e = errorOf<FortuneError>([&] { readFortuneFile(root + "/missing"); });
        QVERIFY2(contains(e, root + "/missing"), e.c_str());
    }

    void fortuneSplitsAreDeterministic() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string de = dir.path().toStdString() + "/de";
        std::filesystem::create_directory(de);
        std::string a, b;
        for (int i = 0; i < 60; ++i) a += "Spruch " + std::to_string(i) + "\n%\n";
        for (int i = 60; i < 100; ++i) b += "Spruch " + std::to_string(i) + "\n%\n";
        b += "Spruch 0\n%\n";  // a duplicate across files counts once
        writeFile(de + "/a", a);
        writeFile(de + "/b", b);
        const std::string root = dir.path().toStdString();

        const CorpusSplit s1 = loadFortuneCorpus("de", {}, 1, 0.2, 0, root);
        const CorpusSplit s1again = loadFortuneCorpus("de", {}, 1, 0.2, 0, root);
        const CorpusSplit s2 = loadFortuneCorpus("de", {}, 2, 0.2, 0, root);
        QCOMPARE(s1.train.size(), size_t(80));
        QCOMPARE(s1.test.size(), size_t(20));
        QCOMPARE(s1.train, s1again.train);
        QCOMPARE(s1.test, s1again.test);
        QVERIFY(s1.test != s2.test);
        std::set<std::string> train(s1.train.begin(), s1.train.end());
        std::set<std::string> all = train;
        for (const std::string& t : s1.test) {
            QVERIFY(!train.count(t));
            all.insert(t);
        }
        QCOMPARE(all.size(), size_t(100));

        const CorpusSplit capped = loadFortuneCorpus("de", {}, 1, 0.1, 50, root);
        QCOMPARE(capped.train.size(), size_t(45));
        QCOMPARE(capped.test.size(), size_t(5));
        const CorpusSplit onlyB = loadFortuneCorpus("de", {"b"}, 3, 0.25, 0, root);
        QCOMPARE(onlyB.train.size() + onlyB.test.size(), size_t(41));
        QCOMPARE(onlyB.test.size(), size_t(10));  // round(0.25 * 41)
        const CorpusSplit noTest = loadFortuneCorpus("de", {"a"}, 3, 0.0, 0, root);
        QCOMPARE(noTest.train.size(), size_t(60));
        QVERIFY(noTest.test.empty());
        const std::string e =
            errorOf<FortuneError>([&] { loadFortuneCorpus("de", {}, 1, 1.0, 0, root); });
        QVERIFY2(contains(e, "testFraction"), e.c_str());
    }

    void fortuneErrorsNameDirectoryAndFix() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string root = dir.path().toStdString();
        writeFile(root + "/alpha", "a\n%\nb\n");
        writeFile(root + "/beta", "c\n");
        std::string e = errorOf<FortuneError>([&] { fortuneDomains("de", root); });
        QVERIFY2(contains(e, root + "/de") &&
                     contains(e,
                              "install the Debian package fortunes-de: sudo apt install "
                              "fortunes-de"),
                 e.c_str());
        e = errorOf<FortuneError>([&] { loadFortuneCorpus("es", {}, 1, 0.1, 0, root); });
        QVERIFY2(contains(e, root + "/es") && contains(e, "sudo apt install fortunes-es"),
                 e.c_str());
        std::filesystem::create_directory(root + "/es");
        e = errorOf<FortuneError>([&] { fortuneDomains("es", root); });
        QVERIFY2(contains(e, "holds no fortune files") && contains(e, "fortunes-es"), e.c_str());
        e = errorOf<FortuneError>([&] {
            loadFortuneCorpus("en", {"alpha", "zeta"}, 1, 0.1, 0, root);
        });
        QVERIFY2(contains(e, "\"zeta\"") && contains(e, "alpha, beta"), e.c_str());
        e = errorOf<FortuneError>([&] { fortuneDomains("fr", root); });
        QVERIFY2(contains(e, "\"fr\"") && contains(e, "en") && contains(e, "es"), e.c_str());
    }

    void realEnglishFortunesRoundTrip() {
        if (!std::filesystem::is_directory(kDefaultFortuneRoot))
            QSKIP("the Debian package fortunes is not installed");
        const auto domains = fortuneDomains("en");
        QVERIFY(std::find(domains.begin(), domains.end(), "fortunes") != domains.end());
        const CorpusSplit split = loadFortuneCorpus("en", {}, 1, 0.1, 0);
        const size_t total = split.train.size() + split.test.size();
        qInfo("%zu English fortunes in %zu domains", total, domains.size());
        QVERIFY(total > 2000);
        ByteTokenizer bytes;
        Gpt2BpeTokenizer bpe(byteVocab(kMerges), kMerges);
        for (const auto* list : {&split.train, &split.test}) {
            for (const std::string& text : *list) {
                QCOMPARE(bytes.decode(bytes.encode(text)), text);
                QCOMPARE(bpe.decode(bpe.encode(text)), text);
            }
        }
    }
};

QTEST_APPLESS_MAIN(TestTokenizer)
#include "test_tokenizer.moc"
