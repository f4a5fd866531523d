#pragma once
// Running the real forgetlab-cli from a test: its exit code, stdout and stderr, and the JSON
// object on the last line of stdout (what every verb prints with --json).
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QString>
#include <QStringList>

namespace forgetlab::test {

struct CliResult {
    int code = -1;  // -1 when it crashed or timed out
    QString out, err;
};

inline CliResult runCli(const QStringList& args, int timeoutMs = 120000) {
    QProcess p;
    p.start(FORGETLAB_CLI_PATH, args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

inline QJsonObject lastJsonLine(const QString& out) {
    const QStringList lines = out.trimmed().split('\n');
    return QJsonDocument::fromJson(lines.last().toUtf8()).object();
}

}  // namespace forgetlab::test
