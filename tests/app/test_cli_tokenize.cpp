// forgetlab-cli tokenize end to end: --json ids and tokens of the fixture tokenizers
// (tests/fixtures/tokenizers, ids worked out in tests/engine/test_hf_tokenizer.cpp), BOS from
// tokenizer_config.json, and exit code 2 with the file named for a bad folder.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/app/cli_test_helpers.h"

class TestCliTokenize : public QObject {
    Q_OBJECT

    using Result = forgetlab::test::CliResult;

    static Result cli(const QStringList& args, int timeoutMs = 60000) {
        return forgetlab::test::runCli(args, timeoutMs);
    }
    static QJsonObject lastJsonLine(const QString& out) {
        return forgetlab::test::lastJsonLine(out);
    }

    static QString fixture(const char* name) {
        return QStringLiteral(FORGETLAB_TOKENIZER_FIXTURES "/") + name;
    }

private Q_SLOTS:
    void jsonGivesIdsTokensAndSpecials() {
        // llama2-spm-bpe: <s> 1, ▁hello 20, ▁world 25, ▁ 7, € as <0xE2> <0x82> <0xAC>.
        Result r = cli({"tokenize", "--tokenizer", fixture("llama2-spm-bpe"), "--text",
                        QString::fromUtf8("hello world \u20AC"), "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QJsonObject j = lastJsonLine(r.out);
        QCOMPARE(j["ids"].toArray(), (QJsonArray{1, 20, 25, 7, 4, 5, 6}));
        QCOMPARE(
            j["tokens"].toArray(),
            (QJsonArray{"<s>", QString::fromUtf8("\u2581hello"), QString::fromUtf8("\u2581world"),
                        QString::fromUtf8("\u2581"), "<0xE2>", "<0x82>", "<0xAC>"}));
        QCOMPARE(j["bos_added"].toBool(), true);
        QCOMPARE(j["eos_added"].toBool(), false);
        QCOMPARE(j["kind"].toString(), QString("tokenizer.json"));
        QCOMPARE(j["vocab_size"].toInt(), 28);

        r = cli({"tokenize", "--tokenizer", fixture("llama2-spm-bpe"), "--text", "hello",
                 "--no-specials", "--json"});
        QCOMPARE(r.code, 0);
        QCOMPARE(lastJsonLine(r.out)["ids"].toArray(), (QJsonArray{20}));

        // Human output names the ids, the tokens and BOS.
        r = cli({"tokenize", "--tokenizer", fixture("qwen2-nfc"), "--text", "<|im_start|>ok"});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("ids: 261 111 107") && r.out.contains("BOS: not added") &&
                     r.out.contains("<|im_start|>"),
                 qPrintable(r.out));
    }

    void badFoldersExitTwoNamingTheFile() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        Result r = cli({"tokenize", "--tokenizer", dir.path(), "--text", "x"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(dir.path()) && r.err.contains("holds no tokenizer") &&
                     r.err.contains("Fix:"),
                 qPrintable(r.err));
        QFile f(dir.filePath("tokenizer.json"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": [\"a");
        f.close();
        r = cli({"tokenize", "--tokenizer", dir.path(), "--text", "x", "--json"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(dir.filePath("tokenizer.json")) && r.err.contains("truncated"),
                 qPrintable(r.err));
        r = cli({"tokenize", "--tokenizer", fixture("wordpiece"), "--text", "x"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("WordPiece"), qPrintable(r.err));
        r = cli({"tokenize", "--text", "x"});
        QCOMPARE(r.code, 2);
    }
};

QTEST_APPLESS_MAIN(TestCliTokenize)
#include "test_cli_tokenize.moc"
