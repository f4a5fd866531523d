// Hugging Face tokenizer.json files ForgetLab cannot use: missing, truncated, not JSON, Git
// LFS pointers and bad merges (with their index and line), and the parts it does not
// support, each refused with an error that names the file, the field and the fix.
#include <QTemporaryDir>
#include <QtTest>

#include <functional>

#include "engine/data/hf_tokenizer.h"
#include "engine/data/tokenizer.h"

#include "tokenizer_test_helpers.h"

using namespace forgetlab;
using namespace forgetlab::test;

class TestHfTokenizerErrors : public QObject {
    Q_OBJECT
private Q_SLOTS:
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
};

QTEST_APPLESS_MAIN(TestHfTokenizerErrors)
#include "test_hf_tokenizer_errors.moc"
