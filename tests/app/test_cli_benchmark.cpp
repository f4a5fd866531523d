// forgetlab-cli benchmark end to end: a multiple-choice file (JSONL, MMLU CSV) and the
// built-in fortune cloze scored on a stored language-model run and on a Hugging Face model
// folder (tests/fixtures/hf), with the JSON line it prints; bad files and bad usage exit 2
// and touch no database.
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/app/cli_test_helpers.h"

#include <cmath>

class TestCliBenchmark : public QObject {
    Q_OBJECT

    using Result = forgetlab::test::CliResult;

    static Result cli(const QStringList& args) { return forgetlab::test::runCli(args, 180000); }
    static QJsonObject lastJson(const QString& out) { return forgetlab::test::lastJsonLine(out); }

    static QString fixtures() {
        const QByteArray env = qgetenv("FORGETLAB_HF_FIXTURES");
        return env.isEmpty() ? QString(FORGETLAB_HF_FIXTURES_DIR) : QString::fromLocal8Bit(env);
    }

    static QString write(const QTemporaryDir& dir, const QString& name, const QByteArray& text) {
        const QString path = dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly)) return {};
        f.write(text);
        return path;
    }

    static QByteArray jsonlBenchmark() {
        return "{\"question\": \"What does a dog say?\", \"choices\": [\"woof\", \"moo\", "
               "\"quack\"], \"answer\": 0}\n"
               "{\"question\": \"Which is a colour?\", \"choices\": [\"table\", \"green\"], "
               "\"answer\": \"B\"}\n"
               "{\"question\": \"How many legs has a cat?\", \"choices\": [\"two\", \"four\", "
               "\"six\", \"eight\"], \"answer\": 1}\n"
               "{\"question\": \"Opposite of hot?\", \"choices\": [\"cold\", \"warm\"], "
               "\"answer\": 0}\n";
    }

    static QByteArray mmluBenchmark() {
        return "\"Which, of these, is \"\"prime\"\"?\",4,6,7,9,C\n"
               "What is 2 + 2?,3,4,5,22,B\n"
               "\"A question\nover two lines\",yes,no,maybe,never,A\n";
    }

    static void checkResult(const QJsonObject& j, int items, int shots) {
        QCOMPARE(j["items"].toInt(), items);
        QCOMPARE(j["shots"].toInt(), shots);
        for (const char* k : {"acc", "acc_norm"}) {
            QVERIFY2(j.contains(k), k);
            const double v = j[k].toDouble();
            QVERIFY(v >= 0 && v <= 1);
            // A share of the items.
            QVERIFY(std::abs(v * items - std::round(v * items)) < 1e-9);
        }
    }

    // A tiny byte-level GPT trained briefly on English fortunes (test_size 100, so the cloze
    // has held-out fortunes to cut; context 128, the cloze's default longest fortune), the
    // run's id.
    static QString tinyRun(const QTemporaryDir& dir, const QString& db,
                           QJsonObject* summary = nullptr) {
        const QString cfg = write(dir, "lm.json", R"({"name": "bench-lm", "seed": 2,
          "model": {"kind": "gpt", "gpt": {"n_layer": 1, "n_head": 2, "n_embd": 32, "context": 128}},
          "upstream": {"task": {"kind": "text", "language": "en", "train_size": 120, "test_size": 100},
                       "steps": 6, "batch_size": 8, "optimizer": {"name": "adamw", "lr": 0.003}},
          "downstream": {"task": {"kind": "text", "language": "de", "train_size": 60, "test_size": 20},
                         "steps": 4, "batch_size": 8, "optimizer": {"name": "adamw", "lr": 0.003}},
          "eval": {"every": 5, "hessian_every": 0, "probe_size": 8, "example_losses": 8,
                   "benchmarks": [{"name": "cloze-en", "builtin": "fortune-cloze", "items": 8}]}})");
        const Result r = cli({"run", "--config", cfg, "--db", db, "--json"});
        if (r.code != 0) qWarning("%s", qPrintable(r.err));
        if (summary) *summary = lastJson(r.out);
        return QString::number(lastJson(r.out)["run_id"].toInteger());
    }

private Q_SLOTS:
    void onARun() {
        QTemporaryDir dir;
        const QString db = dir.filePath("runs.db");
        QJsonObject summary;
        const QString id = tinyRun(dir, db, &summary);
        QVERIFY(id != "0");
        const QString file = write(dir, "animals.jsonl", jsonlBenchmark());
        const Result r =
            cli({"benchmark", "--run", id, "--file", file, "--shots", "1", "--db", db, "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject j = lastJson(r.out);
        checkResult(j, 4, 1);
        QCOMPARE(j["name"].toString(), QString("animals"));
        QCOMPARE(j["file"].toString(), file);
        QCOMPARE(j["run_id"].toInt(), id.toInt());
        QCOMPARE(j["checkpoint"].toString(), QString("final"));
        // The same seed gives the same shots and scores; the pre-trained checkpoint works too.
        const Result again =
            cli({"benchmark", "--run", id, "--file", file, "--shots", "1", "--db", db, "--json"});
        QCOMPARE(lastJson(again.out)["acc_norm"].toDouble(), j["acc_norm"].toDouble());
        const Result pre = cli({"benchmark", "--run", id, "--checkpoint", "pretrained", "--file",
                                file, "--db", db, "--json"});
        QVERIFY2(pre.code == 0, qPrintable(pre.err));
        QCOMPARE(lastJson(pre.out)["checkpoint"].toString(), QString("pretrained"));

        // The built-in cloze, cut from the run's held-out English test fortunes.
        const Result cloze = cli({"benchmark", "--run", id, "--builtin", "fortune-cloze",
                                  "--language", "en", "--items", "8", "--db", db, "--json"});
        QVERIFY2(cloze.code == 0, qPrintable(cloze.err));
        const QJsonObject c = lastJson(cloze.out);
        checkResult(c, 8, 0);
        QCOMPARE(c["name"].toString(), QString("cloze-en"));
        QCOMPARE(c["builtin"].toString(), QString("fortune-cloze"));
        // Drawn as the run's own curve drew it (its seed 2, its context), so it scores the
        // very items the run scored at its last step.
        QCOMPARE(c["seed"].toInteger(), qint64(2) * 1000003 + 1234);
        QCOMPARE(c["max_bytes"].toInt(), 128);
        const QJsonObject after = summary["benchmarks_after"].toObject()["cloze-en"].toObject();
        QVERIFY2(!after.isEmpty(), "the run's summary has no benchmarks_after.cloze-en");
        QCOMPARE(c["acc"].toDouble(), after["acc"].toDouble());
        QCOMPARE(c["acc_norm"].toDouble(), after["acc_norm"].toDouble());
        // More items than the run's 100 held-out fortunes: named, exit 2.
        const Result tooMany = cli(
            {"benchmark", "--run", id, "--builtin", "fortune-cloze", "--items", "500", "--db", db});
        QCOMPARE(tooMany.code, 2);
        QVERIFY2(tooMany.err.contains("500 items"), qPrintable(tooMany.err));

        // A bad file exits 2 naming file and line; the run's database is not touched.
        const QString bad =
            write(dir, "bad.jsonl",
                  "{\"question\": \"q\", \"choices\": [\"a\", \"b\"], \"answer\": 0}\n"
                  "{\"question\": \"q\", \"choices\": [\"a\"], \"answer\": 0}\n");
        const QDateTime before = QFileInfo(db).lastModified();
        const Result b = cli({"benchmark", "--run", id, "--file", bad, "--db", db, "--json"});
        QCOMPARE(b.code, 2);
        QVERIFY2(b.err.contains(bad + ":2") && b.err.contains("fewer than 2 choices"),
                 qPrintable(b.err));
        QCOMPARE(QFileInfo(db).lastModified(), before);
        const QString fresh = dir.filePath("never.db");
        QCOMPARE(cli({"benchmark", "--run", id, "--file", bad, "--db", fresh}).code, 2);
        QVERIFY(!QFile::exists(fresh));
        // More shots than the file has other questions.
        const Result shots =
            cli({"benchmark", "--run", id, "--file", file, "--shots", "4", "--db", db});
        QCOMPARE(shots.code, 2);
        QVERIFY2(shots.err.contains("shots"), qPrintable(shots.err));
    }

    void onAModelFolder() {
        QTemporaryDir dir;
        const QString folder = QDir(fixtures()).filePath("gpt2");
        QVERIFY2(QFile::exists(folder + "/config.json"), qPrintable(folder));
        const QString csv = write(dir, "mmlu_test.csv", mmluBenchmark());
        const Result r = cli({"benchmark", "--model", folder, "--file", csv, "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject j = lastJson(r.out);
        checkResult(j, 3, 0);
        QCOMPARE(j["model"].toString(), folder);
        QCOMPARE(j["name"].toString(), QString("mmlu_test"));
        // Shots from a separate dev file; a llama-family folder (BOS, tokenizer.json) too.
        const QString dev =
            write(dir, "mmlu_dev.csv", "Capital of France?,Rome,Paris,Oslo,Bonn,B\n");
        const Result shots = cli({"benchmark", "--model", QDir(fixtures()).filePath("llama-gqa"),
                                  "--file", csv, "--shots-file", dev, "--shots", "1", "--json"});
        QVERIFY2(shots.code == 0, qPrintable(shots.err));
        checkResult(lastJson(shots.out), 3, 1);
        QCOMPARE(lastJson(shots.out)["shots_file"].toString(), dev);
        // The fixtures' context is 32 tokens of about a byte each: short fortunes only.
        const Result cloze =
            cli({"benchmark", "--model", folder, "--builtin", "fortune-cloze", "--language", "en",
                 "--items", "6", "--max-bytes", "30", "--json"});
        QVERIFY2(cloze.code == 0, qPrintable(cloze.err));
        checkResult(lastJson(cloze.out), 6, 0);
        // Without --json: one human line.
        const Result human = cli({"benchmark", "--model", folder, "--file", csv});
        QVERIFY2(human.code == 0 && human.out.contains("acc_norm"), qPrintable(human.out));
    }

    void badInputExitsTwo() {
        QTemporaryDir dir;
        const QString folder = QDir(fixtures()).filePath("gpt2");
        const QString ragged = write(dir, "ragged.csv", "q,a,b,c,d,A\nq,a,b,c,Z\n");
        const Result r = cli({"benchmark", "--model", folder, "--file", ragged});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(ragged + ":2"), qPrintable(r.err));
        const Result notJson = cli(
            {"benchmark", "--model", folder, "--file", write(dir, "x.jsonl", "{\"question\": \n")});
        QCOMPARE(notJson.code, 2);
        QVERIFY2(notJson.err.contains("x.jsonl:1") && notJson.err.contains("not JSON"),
                 qPrintable(notJson.err));
        const Result missing =
            cli({"benchmark", "--model", folder, "--file", dir.filePath("absent.csv")});
        QCOMPARE(missing.code, 2);
        QVERIFY2(missing.err.contains("absent.csv"), qPrintable(missing.err));
        QCOMPARE(cli({"benchmark", "--model", folder, "--file", write(dir, "e.jsonl", "\n")}).code,
                 2);
        // Usage: neither or both sources, a checkpoint for a folder, an unknown builtin.
        QCOMPARE(cli({"benchmark", "--model", folder}).code, 2);
        QCOMPARE(cli({"benchmark", "--file", ragged}).code, 2);
        QCOMPARE(
            cli({"benchmark", "--model", folder, "--file", ragged, "--builtin", "fortune-cloze"})
                .code,
            2);
        QCOMPARE(cli({"benchmark", "--model", folder, "--checkpoint", "final", "--builtin",
                      "fortune-cloze"})
                     .code,
                 2);
        const Result unknown = cli({"benchmark", "--model", folder, "--builtin", "hellaswag"});
        QCOMPARE(unknown.code, 2);
        QVERIFY2(unknown.err.contains("fortune-cloze"), qPrintable(unknown.err));
        QCOMPARE(
            cli({"benchmark", "--model", folder, "--builtin", "fortune-cloze", "--shots", "-1"})
                .code,
            2);
    }
};

QTEST_GUILESS_MAIN(TestCliBenchmark)
#include "test_cli_benchmark.moc"
