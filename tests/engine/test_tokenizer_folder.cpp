// Tokenizer folders (loadTokenizerFolder, tokenizerKindOf): which of tokenizer.json,
// vocab.json + merges.txt is used, the embedding-size check, errors that name the file, and
// BOS / EOS from tokenizer_config.json, the tokenizer class's default or the post_processor.
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>

#include "engine/data/tokenizer.h"

#include "tokenizer_test_helpers.h"

using namespace forgetlab;
using namespace forgetlab::test;

class TestTokenizerFolder : public QObject {
    Q_OBJECT
private Q_SLOTS:
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
};

QTEST_APPLESS_MAIN(TestTokenizerFolder)
#include "test_tokenizer_folder.moc"
