// Instruction tuning with general-ability benchmarks through the real forgetlab-cli: a tiny
// byte GPT pre-trained on English fortunes, instruction-tuned on generated arithmetic (and on
// an instruction JSONL file) with SAM, the fortune cloze and a JSONL benchmark scored before,
// every few steps and after; the summary's forgetting_benchmark is before - after, the
// metrics hold one curve per benchmark and their mean, truncation is counted, and bad data
// files exit 2 before any run is stored.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <map>

#include "tests/app/cli_test_helpers.h"

using forgetlab::test::CliResult;
using forgetlab::test::lastJsonLine;
using forgetlab::test::runCli;

namespace {

void writeFile(const QString& path, const QByteArray& text) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

// A tiny run: upstream English fortunes, downstream `task`, SAM, two benchmarks.
QString writeConfig(const QString& dir, const QString& name, const QJsonObject& task,
                    const QString& benchFile) {
    const QJsonObject opt{{"name", "adamw"}, {"lr", 0.003}, {"grad_clip", 1.0}};
    QJsonObject downOpt = opt;
    downOpt["sam"] = "sam";
    downOpt["rho"] = 0.05;
    const QJsonObject config{
        {"name", name},
        {"seed", 3},
        {"model", QJsonObject{{"kind", "gpt"},
                              {"gpt", QJsonObject{{"n_layer", 1},
                                                  {"n_head", 2},
                                                  {"n_embd", 32},
                                                  {"context", 48},
                                                  {"tokenizer", "byte"}}}}},
        {"upstream", QJsonObject{{"task", QJsonObject{{"kind", "text"},
                                                      {"language", "en"},
                                                      {"train_size", 300},
                                                      {"test_size", 300}}},
                                 {"steps", 20},
                                 {"batch_size", 8},
                                 {"optimizer", opt}}},
        {"downstream",
         QJsonObject{{"task", task}, {"steps", 10}, {"batch_size", 8}, {"optimizer", downOpt}}},
        {"eval",
         QJsonObject{{"every", 5},
                     {"probe_size", 8},
                     {"example_losses", 16},
                     {"benchmark_every", 5},
                     {"benchmarks",
                      QJsonArray{QJsonObject{{"name", "cloze-en"},
                                             {"builtin", "fortune-cloze"},
                                             {"language", "en"},
                                             {"items", 12}},
                                 QJsonObject{{"name", "qa"}, {"file", benchFile}, {"shots", 1}}}},
                     {"samples", QJsonObject{{"every", 0}}}}}};
    const QString path = QDir(dir).filePath(name + ".json");
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) return {};
    f.write(QJsonDocument(config).toJson());
    return path;
}

const QByteArray kBenchmark =
    "{\"question\": \"Which is a colour?\", \"choices\": [\"red\", \"seven\"], \"answer\": 0}\n"
    "{\"question\": \"Which is a number?\", \"choices\": [\"blue\", \"nine\"], \"answer\": 1}\n"
    "{\"question\": \"Which is an animal?\", \"choices\": [\"cat\", \"car\", \"cup\"], "
    "\"answer\": \"A\"}\n";

int storedRuns(const QString& db) {
    const CliResult r = runCli({"runs", "--db", db, "--json"});
    return QJsonDocument::fromJson(r.out.trimmed().split('\n').last().toUtf8()).array().size();
}

}  // namespace

class TestCliInstruct : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void instructionTuningReportsBenchmarkForgetting() {
        QTemporaryDir dir;
        const QString db = dir.filePath("runs.db"), bench = dir.filePath("qa.jsonl");
        writeFile(bench, kBenchmark);
        const QJsonObject task{
            {"kind", "text"},     {"source", "generated"}, {"generator", "arithmetic"},
            {"template", "tulu"}, {"train_size", 200},     {"test_size", 40}};
        const QString config = writeConfig(dir.path(), "instruct", task, bench);
        const CliResult run = runCli({"run", "--config", config, "--db", db, "--json"}, 300000);
        QVERIFY2(run.code == 0, qPrintable(run.err + run.out));
        const QJsonObject s = lastJsonLine(run.out);
        QCOMPARE(s["status"].toString(), QString("done"));
        QVERIFY(s.contains("benchmark_acc_before") && s.contains("benchmark_acc_after"));
        const double before = s["benchmark_acc_before"].toDouble();
        const double after = s["benchmark_acc_after"].toDouble();
        QCOMPARE(s["forgetting_benchmark"].toDouble(), before - after);
        for (const char* when : {"benchmarks_before", "benchmarks_after"}) {
            const QJsonObject per = s[when].toObject();
            QCOMPARE(per["cloze-en"].toObject()["items"].toInt(), 12);
            QCOMPARE(per["qa"].toObject()["items"].toInt(), 3);
            // The summary's mean is the mean of the per-benchmark acc.
            const double mean = (per["cloze-en"].toObject()["acc"].toDouble() +
                                 per["qa"].toObject()["acc"].toDouble()) /
                                2;
            QVERIFY(std::abs(mean - (QString(when) == "benchmarks_before" ? before : after)) <
                    1e-12);
        }

        // The metrics: each benchmark's curve and their mean at steps 0, 5 and 10.
        const QString csv = dir.filePath("m.csv");
        const QString id = QString::number(s["run_id"].toInt());
        QCOMPARE(runCli({"export", "--run", id, "--csv", csv, "--db", db}).code, 0);
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        std::map<QString, QList<int>> steps;
        for (const QByteArray& line : f.readAll().split('\n')) {
            const QList<QByteArray> cells = line.split(',');
            if (cells.size() == 4 && cells[2].startsWith("benchmark_acc"))
                steps[QString(cells[2])].append(cells[1].toInt());
        }
        for (const char* key : {"benchmark_acc", "benchmark_acc/cloze-en", "benchmark_acc/qa",
                                "benchmark_acc_norm/cloze-en", "benchmark_acc_norm/qa"})
            QCOMPARE(steps[key], (QList<int>{0, 5, 10}));

        // The same pre-trained model scored alone gives the run's "before".
        const CliResult alone = runCli({"benchmark", "--run", id, "--checkpoint", "pretrained",
                                        "--file", bench, "--shots", "1", "--db", db, "--json"});
        QVERIFY2(alone.code == 0, qPrintable(alone.err));
        QCOMPARE(lastJsonLine(alone.out)["items"].toInt(), 3);
    }

    void instructionFileCountsTruncatedExamples() {
        QTemporaryDir dir;
        const QString db = dir.filePath("runs.db"), bench = dir.filePath("qa.jsonl");
        writeFile(bench, kBenchmark);
        QByteArray lines;
        for (int i = 0; i < 30; ++i) {
            // Every third example is longer than the 48-byte context.
            const QByteArray extra = i % 3 == 0 ? QByteArray(60, 'x') : QByteArray();
            lines += "{\"instruction\": \"Say " + QByteArray::number(i) + extra +
                     "\", \"output\": \"" + QByteArray::number(i) + "\"}\n";
        }
        const QString data = dir.filePath("train.jsonl");
        writeFile(data, lines);
        const QJsonObject task{{"kind", "text"},      {"source", "instruction"}, {"path", data},
                               {"template", "plain"}, {"train_size", 20},        {"test_size", 10}};
        const QString config = writeConfig(dir.path(), "file", task, bench);
        const CliResult run = runCli({"run", "--config", config, "--db", db, "--json"}, 300000);
        QVERIFY2(run.code == 0, qPrintable(run.err + run.out));
        const QJsonObject s = lastJsonLine(run.out);
        // 10 long examples: the prompt alone fills the context, nothing of the response is
        // left, so they are dropped (not trained on a response they cannot see). The
        // truncated ones are the upstream fortunes longer than the 48-byte context.
        QCOMPARE(s["dropped_examples"].toInt(), 10);
        QVERIFY(s["truncated_examples"].toInt() > 0);
    }

    void badDataFilesExitTwoAndStoreNothing() {
        QTemporaryDir dir;
        const QString db = dir.filePath("runs.db");
        const QString bench = dir.filePath("bad.jsonl"), data = dir.filePath("data.jsonl");
        writeFile(bench, "{\"question\": \"q\", \"choices\": [\"a\", \"b\"], \"answer\": 5}\n");
        writeFile(data, "{\"instruction\": \"hi\", \"output\": \"yo\"}\nnot json\n");
        const QJsonObject task{
            {"kind", "text"}, {"source", "instruction"}, {"path", data}, {"template", "alpaca"}};
        const QString config = writeConfig(dir.path(), "bad", task, bench);
        const CliResult run = runCli({"run", "--config", config, "--db", db, "--json"});
        QCOMPARE(run.code, 2);
        // Both problems at once, each naming its file (and the line of the bad record).
        QVERIFY2(run.err.contains("data.jsonl:2") || run.err.contains("data.jsonl line 2"),
                 qPrintable(run.err));
        QVERIFY2(run.err.contains("bad.jsonl"), qPrintable(run.err));
        QCOMPARE(storedRuns(db), 0);
    }
};

QTEST_GUILESS_MAIN(TestCliInstruct)
#include "test_cli_instruct.moc"
