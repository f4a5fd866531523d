// SentencePiece tokenizer.model (BPE and unigram) against Debian's spm_train / spm_encode
// (package sentencepiece): the same ids, byte fallback, control pieces, and the model in a
// tokenizer folder.
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <random>

#include "engine/data/sentencepiece_tokenizer.h"
#include "engine/data/tokenizer.h"

#include "tokenizer_test_helpers.h"

using namespace forgetlab;
using namespace forgetlab::test;

class TestSentencePieceTokenizer : public QObject {
    Q_OBJECT
private Q_SLOTS:
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

QTEST_APPLESS_MAIN(TestSentencePieceTokenizer)
#include "test_sentencepiece_tokenizer.moc"
