// forgetlab: the desktop application. Opens the run database and the main window with
// the default preset ready to start.
//
//   forgetlab [--db PATH] [--preset NAME] [--start]
//             [--screenshot FILE --screenshot-after SECONDS]

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QTimer>
#include <cstdio>

#include "app/bridge/main_window.h"
#include "engine/presets.h"
#include "engine/store.h"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("forgetlab"));
    QApplication::setApplicationDisplayName(QStringLiteral("ForgetLab"));
    QApplication::setApplicationVersion(QStringLiteral("0.1.0"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Fine-tune a model and watch what it forgets."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption dbOption(QStringLiteral("db"),
                                      QStringLiteral("Run database (default: %1)."),
                                      QStringLiteral("PATH"));
    const QCommandLineOption presetOption(QStringLiteral("preset"),
                                          QStringLiteral("Preset to load."), QStringLiteral("NAME"),
                                          QString::fromLatin1(forgetlab::kDefaultPreset));
    const QCommandLineOption startOption(QStringLiteral("start"),
                                         QStringLiteral("Start the run right away."));
    const QCommandLineOption shotOption(QStringLiteral("screenshot"),
                                        QStringLiteral("Save a PNG of the window, then quit."),
                                        QStringLiteral("FILE"));
    const QCommandLineOption afterOption(
        QStringLiteral("screenshot-after"),
        QStringLiteral("Seconds to wait before the screenshot (default 5)."),
        QStringLiteral("SECONDS"), QStringLiteral("5"));
    parser.addOptions({dbOption, presetOption, startOption, shotOption, afterOption});
    parser.process(app);

    QString dbPath = parser.value(dbOption);
    if (dbPath.isEmpty()) {
        try {
            dbPath = QString::fromStdString(forgetlab::Store::defaultPath());
        } catch (const std::exception& e) {
            std::fprintf(stderr, "forgetlab: no default database location: %s\n", e.what());
        }
    }
    if (!dbPath.isEmpty()) QDir().mkpath(QFileInfo(dbPath).absolutePath());

    forgetlab::app::MainWindow window;
    window.show();
    // A database that cannot be opened is reported in a message box; the window stays.
    if (!dbPath.isEmpty()) window.openDatabase(dbPath);
    if (!window.selectPreset(parser.value(presetOption))) {
        std::fprintf(stderr, "forgetlab: unknown preset '%s'\n",
                     qPrintable(parser.value(presetOption)));
    }
    if (parser.isSet(startOption)) QTimer::singleShot(0, &window, [&window] { window.startRun(); });

    if (parser.isSet(shotOption)) {
        const QString file = parser.value(shotOption);
        bool ok = false;
        const double seconds = parser.value(afterOption).toDouble(&ok);
        if (!ok || seconds < 0) {
            std::fprintf(stderr, "forgetlab: --screenshot-after needs a number of seconds\n");
            return 2;
        }
        QTimer::singleShot(static_cast<int>(seconds * 1000), &window, [&window, file] {
            if (!window.grab().save(file)) {
                std::fprintf(stderr, "forgetlab: cannot write %s\n", qPrintable(file));
                QApplication::exit(1);
                return;
            }
            std::fprintf(stderr, "forgetlab: screenshot saved to %s\n", qPrintable(file));
            window.close();
        });
    }
    return QApplication::exec();
}
