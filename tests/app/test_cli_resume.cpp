// forgetlab-cli run --resume: a run killed with SIGKILL during fine-tuning, after a
// checkpoint step, and resumed ends with the same metric series as the same run
// uninterrupted, bit for bit (the CPU); and what cannot be resumed exits 2 naming why.
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <signal.h>

#include "engine/core/config.h"
#include "engine/store/store.h"

using namespace forgetlab;

namespace {

// A child forgetlab-cli that is killed when the test ends early.
struct Child {
    QProcess process;
    ~Child() {
        if (process.state() != QProcess::NotRunning) {
            process.kill();
            process.waitForFinished();
        }
    }
};

struct Result {
    int code = -1;
    QString out, err;
};

Result cli(const QStringList& args, int timeoutMs = 60000) {
    Child c;
    c.process.start(FORGETLAB_CLI_PATH, args);
    c.process.waitForFinished(timeoutMs);
    Result r;
    r.code = c.process.exitStatus() == QProcess::NormalExit ? c.process.exitCode() : -1;
    r.out = QString::fromUtf8(c.process.readAllStandardOutput());
    r.err = QString::fromUtf8(c.process.readAllStandardError());
    return r;
}

QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& text) {
    QFile f(dir.filePath(name));
    if (!f.open(QIODevice::WriteOnly)) qFatal("cannot write %s", qPrintable(name));
    f.write(text);
    return f.fileName();
}

QJsonObject lastJsonLine(const QString& out) {
    return QJsonDocument::fromJson(out.trimmed().split('\n').last().toUtf8()).object();
}

// Fine-tuning's series of the database's one run (pre-training's are absent where the
// upstream cache was used).
std::vector<MetricPoint> fineTuning(const QString& db) {
    Store store(db.toStdString());
    std::vector<MetricPoint> out;
    for (const MetricPoint& p : store.metrics(store.listRuns().front().id))
        if (p.key.rfind("pre.", 0) != 0) out.push_back(p);
    return out;
}

}  // namespace

class TestCliResume : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void killedRunResumesToTheSameSeries() {
        QTemporaryDir dir;
        // Fine-tuning long enough (a few seconds) to be killed well before its end.
        const QString cfg = writeFile(dir, "run.json", R"({"name":"killed","seed":4,
            "model":{"hidden":[32]},
            "upstream":{"steps":40,"task":{"train_size":500,"test_size":200}},
            "downstream":{"steps":2400,"optimizer":{"name":"sgd","momentum":0.9},
                          "task":{"classes":[5,6,7,8,9],"train_size":500,"test_size":200}},
            "eval":{"every":100,"hessian_every":0,"example_losses":50,"checkpoint_every":200}})");
        // Both databases share the folder, so the second run takes the cached upstream model.
        const QString whole = dir.filePath("whole.db"), killed = dir.filePath("killed.db");
        const Result w = cli({"run", "--config", cfg, "--db", whole, "--json"});
        QVERIFY2(w.code == 0, qPrintable(w.err));

        int64_t resumeStep = 0;
        {
            Child c;
            c.process.start(FORGETLAB_CLI_PATH, {"run", "--config", cfg, "--db", killed});
            QVERIFY(c.process.waitForStarted());
            // Not opened here before the child made its schema (both would write it).
            QString err;
            QTRY_VERIFY_WITH_TIMEOUT(
                (err += QString::fromUtf8(c.process.readAllStandardError())).contains("run 1 ("),
                30000);
            // The latest resume point the database holds.
            auto resumePoint = [&] {
                try {
                    Store s(killed.toStdString());
                    const auto runs = s.listRuns();
                    if (runs.empty()) return int64_t(0);
                    const auto points = s.events(runs.front().id, "resume_point");
                    return points.empty() ? int64_t(0) : points.back().step;
                } catch (const StoreError&) {
                    return int64_t(0);  // busy beyond the timeout: ask again
                }
            };
            QTRY_VERIFY_WITH_TIMEOUT(
                (resumeStep = resumePoint()) > 0 || c.process.state() == QProcess::NotRunning,
                60000);
            QVERIFY2(c.process.state() != QProcess::NotRunning,
                     "the run ended before it could be killed");
            qInfo("killing the run after its resume point at step %lld", (long long)resumeStep);
            ::kill(static_cast<pid_t>(c.process.processId()), SIGKILL);
            c.process.waitForFinished();
            QCOMPARE(c.process.exitStatus(), QProcess::CrashExit);
        }
        {
            Store s(killed.toStdString());
            const RunInfo run = s.listRuns().front();
            QCOMPARE(run.status, std::string(status::kInterrupted));
            int64_t last = 0;
            for (const MetricPoint& p : s.metrics(run.id))
                if (p.key == keys::kTrainLoss) last = std::max(last, p.step);
            QVERIFY2(last >= resumeStep && last < 2400, qPrintable(QString::number(last)));
        }

        const Result r = cli({"run", "--resume", "1", "--db", killed, "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("resuming after fine-tuning step"), qPrintable(r.err));
        const QJsonObject j = lastJsonLine(r.out), wj = lastJsonLine(w.out);
        QCOMPARE(j["status"].toString(), QString("done"));
        QCOMPARE(j["steps"].toInteger(), qint64(2400));
        QCOMPARE(j["forgetting"].toDouble(), wj["forgetting"].toDouble());
        QCOMPARE(j["example_forgetting_mean"].toDouble(), wj["example_forgetting_mean"].toDouble());

        const auto a = fineTuning(whole), b = fineTuning(killed);
        QCOMPARE(b.size(), a.size());
        for (size_t i = 0; i < a.size(); ++i)
            QVERIFY2(a[i].step == b[i].step && a[i].key == b[i].key && a[i].value == b[i].value,
                     qPrintable(QString("%1@%2: %3 vs %4")
                                    .arg(QString::fromStdString(b[i].key))
                                    .arg(b[i].step)
                                    .arg(a[i].value, 0, 'g', 17)
                                    .arg(b[i].value, 0, 'g', 17)));
        Store s(killed.toStdString());
        QCOMPARE(s.run(1).status, std::string(status::kDone));

        // A done run has nothing to resume.
        const Result again = cli({"run", "--resume", "1", "--db", killed});
        QCOMPARE(again.code, 2);
        QVERIFY2(again.err.contains("is done"), qPrintable(again.err));
    }

    void whatCannotBeResumedExitsTwo_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("no resume point")
            << QStringList{"--resume", "1"} << "set eval.checkpoint_every";
        QTest::newRow("files missing") << QStringList{"--resume", "2"} << "missing";
        QTest::newRow("done") << QStringList{"--resume", "3"} << "is done";
        QTest::newRow("no such run") << QStringList{"--resume", "9"} << "no run 9";
        QTest::newRow("with a config")
            << QStringList{"--resume", "1", "--preset", "p"} << "--preset does not go with it";
    }

    void whatCannotBeResumedExitsTwo() {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const QString db = dir.filePath("runs.db");
        {
            Store s(db.toStdString());
            ExperimentConfig c;
            const int64_t plain = s.createRun("plain", configToJson(c), 1, "cpu");
            s.finishRun(plain, status::kStopped, "{}");
            c.eval.checkpoint_every = 10;
            const int64_t gone = s.createRun("gone", configToJson(c), 1, "cpu");
            s.appendEvent(gone, 10, "resume_point", R"({"step":10,"file":"resume-step-10.pt"})");
            s.finishRun(gone, status::kFailed, "{}");
            const int64_t done = s.createRun("done", configToJson(c), 1, "cpu");
            s.finishRun(done, status::kDone, "{}");
        }
        const Result r = cli(QStringList{"run"} + args + QStringList{"--db", db});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        // Nothing changed.
        Store s(db.toStdString());
        QCOMPARE(s.run(2).status, std::string(status::kFailed));
    }
};

QTEST_GUILESS_MAIN(TestCliResume)
#include "test_cli_resume.moc"
