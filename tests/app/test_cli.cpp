// forgetlab-cli end to end: presets, run --json (forgetting, shared upstream cache),
// bad configuration, devices --json and refused devices, export, and a run killed with
// SIGKILL that reopens as interrupted.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/app/cli_test_helpers.h"

#include <signal.h>

#include <cmath>

#include "engine/core/devices.h"
#include "engine/store/store.h"

using namespace forgetlab;

class TestCli : public QObject {
    Q_OBJECT

    using Result = forgetlab::test::CliResult;

    static Result cli(const QStringList& args, int timeoutMs = 120000) {
        return forgetlab::test::runCli(args, timeoutMs);
    }
    static QJsonObject lastJsonLine(const QString& out) {
        return forgetlab::test::lastJsonLine(out);
    }

private Q_SLOTS:
    void presets() {
        const Result r = cli({"presets"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("split-fmnist-sgd"));
        QVERIFY(r.out.contains("split-fmnist-sam"));
    }

    void presetRunsForgetAndShareTheUpstreamCache() {
        QTemporaryDir dir;
        const QString db = dir.filePath("runs.db");
        const Result sgd = cli({"run", "--preset", "split-fmnist-sgd", "--db", db, "--json"});
        QVERIFY2(sgd.code == 0, qPrintable(sgd.err));
        const QJsonObject j = lastJsonLine(sgd.out);
        for (const char* key : {"run_id", "status", "steps", "upstream_acc_before",
                                "upstream_acc_after", "downstream_acc_after", "forgetting",
                                "sharpness_last", "hessian_lmax_last", "wall_seconds"})
            QVERIFY2(j.contains(key), key);
        QCOMPARE(j["status"].toString(), QString("done"));
        const double before = j["upstream_acc_before"].toDouble(),
                     after = j["upstream_acc_after"].toDouble();
        QVERIFY(before >= 0 && before <= 1 && after >= 0 && after <= 1);
        QVERIFY2(before - after >= 0.20, qPrintable(QString("forgetting %1").arg(before - after)));
        QCOMPARE(j["forgetting"].toDouble(), before - after);
        QVERIFY(!j["upstream_from_cache"].toBool());

        const Result sam = cli({"run", "--preset", "split-fmnist-sam", "--db", db, "--json"});
        QVERIFY2(sam.code == 0, qPrintable(sam.err));
        const QJsonObject k = lastJsonLine(sam.out);
        QVERIFY(k["upstream_from_cache"].toBool());
        // Same pre-trained model: identical accuracy before fine-tuning.
        QCOMPARE(k["upstream_acc_before"].toDouble(), before);

        const Result runs = cli({"runs", "--db", db});
        QCOMPARE(runs.code, 0);
        QVERIFY(runs.out.contains("split-fmnist-sgd") && runs.out.contains("split-fmnist-sam"));

        const QString csv = dir.filePath("run1.csv");
        const Result ex = cli({"export", "--run", "1", "--csv", csv, "--db", db});
        QVERIFY2(ex.code == 0, qPrintable(ex.err));
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(f.readAll()).trimmed().split('\n');
        QCOMPARE(lines.first(), QString("run,step,key,value"));
        QVERIFY(lines.size() > 400);  // 400 train-loss points at least

        // Analyses of the stored run.
        const Result land = cli({"landscape", "--run", "1", "--kind", "2d", "--grid", "5",
                                 "--subset", "50", "--db", db, "--json"});
        QVERIFY2(land.code == 0, qPrintable(land.err));
        const QJsonObject l = lastJsonLine(land.out);
        QCOMPARE(l["xs"].toArray().size(), 5);
        QCOMPARE(l["ys"].toArray().size(), 5);
        QCOMPARE(l["up_loss"].toArray().size(), 25);
        QCOMPARE(l["down_loss"].toArray().size(), 25);
        QCOMPARE(l["checkpoint_step"].toInt(), 1000);  // the final checkpoint by default
        const Result interp =
            cli({"landscape", "--run", "1", "--checkpoint", "0", "--kind", "interp", "--grid", "5",
                 "--subset", "50", "--db", db, "--json"});
        QVERIFY2(interp.code == 0, qPrintable(interp.err));
        const Result hess = cli({"hessian", "--run", "1", "--topk", "3", "--trace-samples", "6",
                                 "--probe", "upstream", "--db", db, "--json"});
        QVERIFY2(hess.code == 0, qPrintable(hess.err));
        const QJsonObject h = lastJsonLine(hess.out);
        const QJsonArray ev = h["eigenvalues"].toArray();
        QCOMPARE(ev.size(), 3);
        QVERIFY(ev[0].toDouble() >= ev[1].toDouble() && ev[1].toDouble() >= ev[2].toDouble());
        QVERIFY(h.contains("trace_mean") && h["trace_stderr"].toDouble() > 0);
        QCOMPARE(h["iterations"].toArray().size(), 3);
        const Result missing =
            cli({"landscape", "--run", "1", "--checkpoint", "777", "--kind", "1d", "--db", db});
        QCOMPARE(missing.code, 1);
        QVERIFY2(missing.err.contains("available"), qPrintable(missing.err));
        QCOMPARE(cli({"landscape", "--run", "1", "--kind", "4d", "--db", db}).code, 2);
    }

    void languageRunExportAndGenerate() {
        // A tiny GPT: the JSON summary carries the log-perplexity fields; the fine-tuned
        // weights export in the GPT-2 layout; generate continues a prompt deterministically.
        QTemporaryDir dir;
        const QString cfg = dir.filePath("lm.json");
        QFile f(cfg);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"name": "tiny-lm", "seed": 2,
          "model": {"kind": "gpt", "gpt": {"n_layer": 1, "n_head": 2, "n_embd": 32, "context": 32}},
          "upstream": {"task": {"kind": "text", "language": "en", "train_size": 200, "test_size": 40},
                       "steps": 15, "batch_size": 8, "optimizer": {"name": "adamw", "lr": 0.003}},
          "downstream": {"task": {"kind": "text", "language": "de", "train_size": 200, "test_size": 40},
                         "steps": 10, "batch_size": 8, "optimizer": {"name": "adamw", "lr": 0.003}},
          "eval": {"every": 5, "hessian_every": 0, "probe_size": 16, "example_losses": 20,
                   "samples": {"every": 5, "tokens": 8}}})");
        f.close();
        const QString db = dir.filePath("lm.db");
        const Result r = cli({"run", "--config", cfg, "--db", db, "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject j = lastJsonLine(r.out);
        for (const char* k : {"upstream_logppl_before", "upstream_logppl_after",
                              "downstream_logppl_after", "forgetting_logppl"})
            QVERIFY2(j.contains(k), k);
        QVERIFY(std::abs(j["forgetting_logppl"].toDouble() -
                         (j["upstream_logppl_after"].toDouble() -
                          j["upstream_logppl_before"].toDouble())) < 1e-9);
        QVERIFY(r.err.contains("log-perplexity"));
        const QString id = QString::number(j["run_id"].toInteger());

        const QString out = dir.filePath("exported");
        const Result e = cli({"export", "--run", id, "--gpt2", out, "--db", db});
        QVERIFY2(e.code == 0, qPrintable(e.err));
        QVERIFY(QFile::exists(out + "/model.safetensors"));
        QFile config(out + "/config.json");
        QVERIFY(config.open(QIODevice::ReadOnly));
        const QJsonObject c = QJsonDocument::fromJson(config.readAll()).object();
        QCOMPARE(c["n_embd"].toInt(), 32);
        QCOMPARE(c["vocab_size"].toInt(), 256);

        const QStringList gen = {"generate", "--run", id,     "--prompt", "Der",
                                 "--tokens", "12",    "--db", db,         "--json"};
        const Result g1 = cli(gen), g2 = cli(gen);
        QVERIFY2(g1.code == 0, qPrintable(g1.err));
        QCOMPARE(lastJsonLine(g1.out)["continuation"].toString(),
                 lastJsonLine(g2.out)["continuation"].toString());
        QVERIFY(!lastJsonLine(g1.out)["continuation"].toString().isEmpty());
        // Bad input: a prompt longer than the context, an image run, a missing checkpoint tag.
        // (Bad input, so exit code 2.)
        const Result tooLong =
            cli({"generate", "--run", id, "--prompt", QString(40, 'x'), "--db", db});
        QCOMPARE(tooLong.code, 2);
        QVERIFY2(tooLong.err.contains("context"), qPrintable(tooLong.err));
        const Result noTag =
            cli({"export", "--run", id, "--gpt2", out, "--checkpoint", "step-3", "--db", db});
        QCOMPARE(noTag.code, 1);
        QVERIFY2(noTag.err.contains("step-3"), qPrintable(noTag.err));
        QCOMPARE(cli({"export", "--run", id, "--db", db}).code, 2);
    }

    void badConfigurationExitsTwoNamingTheField() {
        QTemporaryDir dir;
        const QString cfg = dir.filePath("bad.json");
        QFile f(cfg);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(
            R"({"downstream":{"optimizer":{"lr":-0.5,"name":"sgdd"},"batch_size":0},"bogus":1})");
        f.close();
        const Result r = cli({"run", "--config", cfg, "--db", dir.filePath("r.db")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("downstream.optimizer.lr"), qPrintable(r.err));
        QVERIFY(r.err.contains("downstream.optimizer.name"));
        QVERIFY(r.err.contains("downstream.batch_size"));
        QVERIFY(r.err.contains("bogus"));
        QCOMPARE(cli({"run", "--preset", "nope"}).code, 2);
        QCOMPARE(cli({"run", "--preset", "split-fmnist-sgd", "--steps", "x"}).code, 2);
        QCOMPARE(cli({"frobnicate"}).code, 2);
    }

    // devices --json: the last line is one object listing what LibTorch sees, the CPU first.
    void devicesListsTheCpuAndTheDefault() {
        const Result r = cli({"devices", "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject j = lastJsonLine(r.out);
        const QJsonArray devices = j["devices"].toArray();
        QVERIFY2(!devices.isEmpty(), qPrintable(r.out));
        QCOMPARE(devices[0].toObject()["device"].toString(), QString("cpu"));
        QVERIFY(!devices[0].toObject()["name"].toString().isEmpty());
        if (!torchHasCuda()) {
            QCOMPARE(devices.size(), 1);
            QCOMPARE(j["default"].toString(), QString("cpu"));
        }
        for (const QJsonValue& d : devices)
            if (d.toObject()["device"].toString().startsWith("cuda"))
                QVERIFY(d.toObject()["memory_bytes"].toDouble() > 0);
        const Result table = cli({"devices"});
        QCOMPARE(table.code, 0);
        QVERIFY2(table.out.contains("cpu") && table.out.contains("\"auto\" picks"),
                 qPrintable(table.out));
        QCOMPARE(cli({"devices", "--all"}).code, 2);
    }

    // A device or precision this machine cannot do is refused before anything is stored.
    void unavailableDeviceExitsTwo() {
        QTemporaryDir dir;
        const QString db = dir.filePath("r.db");
        if (!torchHasCuda()) {
            const Result cuda =
                cli({"run", "--preset", "split-fmnist-sgd", "--device", "cuda", "--db", db});
            QCOMPARE(cuda.code, 2);
            QVERIFY2(cuda.err.contains("this LibTorch has no CUDA"), qPrintable(cuda.err));
            const Result bf16 = cli({"run", "--preset", "split-fmnist-sgd", "--device", "cpu",
                                     "--precision", "bf16", "--db", db});
            QCOMPARE(bf16.code, 2);
            QVERIFY2(bf16.err.contains("precision"), qPrintable(bf16.err));
        }
        const Result unknown =
            cli({"run", "--preset", "split-fmnist-sgd", "--device", "gpu", "--db", db});
        QCOMPARE(unknown.code, 2);
        QVERIFY2(unknown.err.contains("device"), qPrintable(unknown.err));
        QCOMPARE(
            cli({"run", "--preset", "split-fmnist-sgd", "--precision", "fp8", "--db", db}).code, 2);
        if (QFile::exists(db)) QVERIFY(Store(db.toStdString()).listRuns().empty());
    }

    void seedsCompareAndStrategyFlags() {
        QTemporaryDir dir;
        const QString db = dir.filePath("runs.db");
        const QString cfg = dir.filePath("small.json");
        QFile f(cfg);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"name":"small","model":{"hidden":[32]},
                   "upstream":{"steps":40,"task":{"train_size":500,"test_size":200}},
                   "downstream":{"steps":40,"task":{"classes":[5,6,7,8,9],"train_size":500,"test_size":200}},
                   "eval":{"every":20,"hessian_every":0}})");
        f.close();
        const Result r = cli({"run", "--config", cfg, "--db", db, "--seeds", "2", "--replay",
                              "0.25", "--ewc", "10", "--sam", "sam", "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject j = lastJsonLine(r.out);
        QCOMPARE(j["seeds"].toInt(), 2);
        QCOMPARE(j["runs"].toArray().size(), 2);
        const double f1 = j["runs"].toArray()[0].toObject()["forgetting"].toDouble();
        const double f2 = j["runs"].toArray()[1].toObject()["forgetting"].toDouble();
        QVERIFY(std::abs(j["mean"].toObject()["forgetting"].toDouble() - (f1 + f2) / 2) < 1e-12);
        QVERIFY(std::abs(j["std"].toObject()["forgetting"].toDouble() -
                         std::abs(f1 - f2) / std::sqrt(2.0)) < 1e-12);
        // The strategy flags reached the stored config.
        Store store(db.toStdString());
        const std::string stored = store.run(1).config_json;
        QVERIFY(stored.find("\"ratio\": 0.25") != std::string::npos);
        QVERIFY(stored.find("\"sam\": \"sam\"") != std::string::npos);
        const Result c = cli({"compare", "--runs", "1,2", "--db", db, "--json"});
        QVERIFY2(c.code == 0, qPrintable(c.err));
        const QJsonArray rows = lastJsonLine(c.out)["runs"].toArray();
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows[1].toObject()["seed"].toInt(), 2);
        QCOMPARE(rows[0].toObject()["forgetting"].toDouble(), f1);
        QCOMPARE(cli({"compare", "--runs", "1,x", "--db", db}).code, 2);
        QCOMPARE(cli({"run", "--config", cfg, "--db", db, "--ewc", "-1"}).code, 2);
    }

    static QString writeFile(const QTemporaryDir& dir, const QString& name,
                             const QByteArray& text) {
        const QString path = dir.filePath(name);
        QFile f(path);
        f.open(QIODevice::WriteOnly);
        f.write(text);
        return path;
    }

    // matrix fit/complete on CSV files with known answers, and their refusals.
    void matrixFitAndCompleteFromCsv() {
        QTemporaryDir dir;
        // Rank 1: z_ij = a_i * b_j with a = (1..12), b = (1, -2, 3, ...) over 40 columns.
        QByteArray csv = "task";
        for (int j = 0; j < 40; ++j) csv += ",ex" + QByteArray::number(j);
        csv += "\n";
        for (int i = 1; i <= 12; ++i) {
            csv += "t" + QByteArray::number(i);
            for (int j = 0; j < 40; ++j)
                csv +=
                    "," + QByteArray::number(i * ((j % 2 ? -1.0 : 1.0) * (j + 1) / 10.0), 'g', 17);
            csv += "\n";
        }
        const QString rank1 = writeFile(dir, "rank1.csv", csv);
        const Result fit = cli({"matrix", "fit", "--csv", rank1, "--json"});
        QVERIFY2(fit.code == 0, qPrintable(fit.err));
        const QJsonObject f = lastJsonLine(fit.out);
        QCOMPARE(f["rows"].toInt(), 12);
        QCOMPARE(f["cols"].toInt(), 40);
        QCOMPARE(f["r2_rank"].toArray().size(), 5);
        QVERIFY(std::abs(f["r2_rank"].toArray()[0].toDouble() - 1.0) < 1e-9);
        for (const char* key : {"r2_additive", "r2_task_only", "r2_example_only"})
            QVERIFY2(f.contains(key), key);

        const Result comp = cli({"matrix", "complete", "--csv", rank1, "--holdout-rows", "3",
                                 "--observed", "10", "--seeds", "2", "--json"});
        QVERIFY2(comp.code == 0, qPrintable(comp.err));
        const QJsonObject c = lastJsonLine(comp.out);
        for (const char* m : {"additive", "knn", "lowrank"}) {
            QVERIFY2(c.contains(m), m);
            for (const char* k : {"rmse", "f1", "auc"}) QVERIFY2(c[m].toObject().contains(k), k);
        }
        // An exact rank-1 matrix is recovered by the low-rank method.
        QVERIFY(c["lowrank"].toObject()["rmse"].toDouble() <
                1e-4);  // values up to 48; the ridge biases a little

        // Too small for the protocol: refused, saying what is needed.
        const Result small = cli({"matrix", "complete", "--csv", rank1, "--holdout-rows", "11"});
        QCOMPARE(small.code, 2);
        QVERIFY2(small.err.contains("13"), qPrintable(small.err));  // H + 2 rows
        const Result narrow = cli({"matrix", "complete", "--csv", rank1, "--observed", "40"});
        QCOMPARE(narrow.code, 2);
        QVERIFY2(narrow.err.contains("41"), qPrintable(narrow.err));  // K + 1 columns

        // Not a matrix: the error names the line and column.
        const QString bad = writeFile(dir, "bad.csv", "1,2,3\n4,oops,6\n");
        const Result b = cli({"matrix", "fit", "--csv", bad});
        QCOMPARE(b.code, 2);
        QVERIFY2(b.err.contains("line 2") && b.err.contains("column 2"), qPrintable(b.err));
        QCOMPARE(cli({"matrix", "fit"}).code, 2);
        QCOMPARE(cli({"matrix", "frob"}).code, 2);
    }

    // Import, list, export (a round trip) and delete through the database.
    void matrixImportExportRoundTrip() {
        QTemporaryDir dir;
        const QString db = dir.filePath("runs.db");
        const QString in = writeFile(dir, "z.csv", "task,a,b,c\nx,0.5,-1,2\ny,0.25,3,-0.125\n");
        const Result imp = cli({"matrix", "import", "--csv", in, "--name", "mine", "--db", db});
        QVERIFY2(imp.code == 0, qPrintable(imp.err));
        const QString id = imp.out.trimmed();
        const Result list = cli({"matrix", "list", "--db", db, "--json"});
        const QJsonArray arr = QJsonDocument::fromJson(list.out.trimmed().toUtf8()).array();
        QCOMPARE(arr.size(), 1);
        QCOMPARE(arr[0].toObject()["name"].toString(), QString("mine"));
        QCOMPARE(arr[0].toObject()["rows"].toInt(), 2);
        const QString out = dir.filePath("out.csv");
        QCOMPARE(cli({"matrix", "export", "--matrix", id, "--csv", out, "--db", db}).code, 0);
        const Result fitBack = cli({"matrix", "fit", "--csv", out, "--json"});
        const Result fitStored = cli({"matrix", "fit", "--matrix", id, "--db", db, "--json"});
        QCOMPARE(fitBack.out, fitStored.out);
        QCOMPARE(cli({"matrix", "delete", "--matrix", id, "--db", db}).code, 0);
        QCOMPARE(cli({"matrix", "fit", "--matrix", id, "--db", db}).code, 1);
        // A sweep from a run that does not exist is refused before it starts.
        const Result sw = cli({"matrix", "sweep", "--run", "42", "--db", db});
        QCOMPARE(sw.code, 1);
        QVERIFY2(sw.err.contains("42"), qPrintable(sw.err));
    }

    // A sweep killed with SIGKILL keeps its finished rows, reopens as interrupted, and
    // --resume runs only the missing tasks.
    void killedSweepKeepsRowsAndResumes() {
        QTemporaryDir dir;
        const QString db = dir.filePath("runs.db");
        const QString cfg = writeFile(dir, "small.json", R"({"name":"small","model":{"hidden":[32]},
                   "upstream":{"steps":40,"task":{"train_size":500,"test_size":200}},
                   "downstream":{"steps":20,"task":{"classes":[5,6,7,8,9],"train_size":500,"test_size":200}},
                   "eval":{"every":10,"hessian_every":0,"example_losses":100}})");
        QCOMPARE(cli({"run", "--config", cfg, "--db", db}).code, 0);
        QProcess p;
        p.start(FORGETLAB_CLI_PATH,
                {"matrix", "sweep", "--run", "1", "--families", "pair,rotate", "--per-family", "6",
                 "--steps", "200", "--examples", "100", "--db", db});
        QVERIFY(p.waitForStarted());
        auto rowsDone = [&] {
            Store s(db.toStdString());
            const auto all = s.listMatrices();
            return all.empty() ? int64_t(0) : all.front().rows_done;
        };
        QTRY_VERIFY_WITH_TIMEOUT(rowsDone() >= 2, 60000);
        ::kill(static_cast<pid_t>(p.processId()), SIGKILL);
        p.waitForFinished();
        std::vector<MatrixRowData> kept;
        {
            Store store(db.toStdString());
            const MatrixInfo info = store.matrixInfo(1);
            QCOMPARE(info.status, std::string("interrupted"));
            QCOMPARE(info.rows_planned, int64_t(16));  // 10 pairs + 6 rotations
            kept = store.matrixRows(1);
            QVERIFY(kept.size() >= 2 && kept.size() < 16);
        }
        const Result r = cli({"matrix", "sweep", "--resume", "1", "--db", db, "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject j = lastJsonLine(r.out);
        QCOMPARE(j["status"].toString(), QString("done"));
        QCOMPARE(j["rows_done"].toInt(), 16);
        // Only the missing tasks ran after the resume.
        QCOMPARE(int(r.err.count(QRegularExpression(R"(task \d+/16 .*\(\d+ done, 0%\))"))),
                 16 - int(kept.size()));
        Store store(db.toStdString());
        const auto all = store.matrixRows(1);
        for (const auto& k : kept) QCOMPARE(all[size_t(k.row)].values, k.values);
    }

    void corruptDatabaseIsAClearError() {
        QTemporaryDir dir;
        const QString db = dir.filePath("bad.db");
        QFile f(db);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(8192, 'z'));
        f.close();
        const Result r = cli({"runs", "--db", db});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("not a ForgetLab database"), qPrintable(r.err));
    }

    void killedRunKeepsRowsAndReopensInterrupted() {
        QTemporaryDir dir;
        const QString db = dir.filePath("runs.db");
        const QString cfg = dir.filePath("long.json");
        QFile f(cfg);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"name":"long","model":{"hidden":[64]},
                   "upstream":{"steps":20,"task":{"train_size":500,"test_size":200}},
                   "downstream":{"steps":1000000,"task":{"classes":[5,6,7,8,9],"train_size":500,"test_size":200}},
                   "eval":{"every":50,"hessian_every":0}})");
        f.close();
        QProcess p;
        p.start(FORGETLAB_CLI_PATH, {"run", "--config", cfg, "--db", db});
        QVERIFY(p.waitForStarted());
        // Wait until fine-tuning has been going for a while.
        QString err;
        QTRY_VERIFY_WITH_TIMEOUT((err += QString::fromUtf8(p.readAllStandardError()),
                                  err.count("fine-tuning step") >= 4),
                                 60000);
        err += QString::fromUtf8(p.readAllStandardError());
        ::kill(static_cast<pid_t>(p.processId()), SIGKILL);
        p.waitForFinished();
        // The last progress line printed before the kill.
        const auto matches =
            QRegularExpression(R"(fine-tuning step (\d+)/\d+\s+([\d.]+) steps/s)").globalMatch(err);
        int64_t printed = 0;
        double rate = 0;
        for (auto it = matches; it.hasNext();) {
            const auto m = it.next();
            printed = m.captured(1).toLongLong();
            rate = m.captured(2).toDouble();
        }
        QVERIFY(printed > 0);

        Store store(db.toStdString());
        const auto runs = store.listRuns();
        QCOMPARE(runs.size(), size_t(1));
        QCOMPARE(runs[0].status, std::string(status::kInterrupted));
        int64_t lastStored = 0;
        for (const auto& m : store.metrics(runs[0].id))
            if (m.key == keys::kTrainLoss) lastStored = std::max(lastStored, m.step);
        // At most about a second of metrics lost.
        QVERIFY2(lastStored >= printed - static_cast<int64_t>(rate * 1.0) - 1,
                 qPrintable(QString("stored up to %1, printed %2 at %3 steps/s")
                                .arg(lastStored)
                                .arg(printed)
                                .arg(rate)));
        QCOMPARE(store.checkpoints(runs[0].id).front().tag, std::string("pretrained"));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
