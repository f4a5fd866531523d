#include "ui/setup/path_dialog.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QSettings>

namespace forgetlab::ui {

namespace {

PathDialogHook& hook() {
    static PathDialogHook h;
    return h;
}

// The folder holding path (for a folder: its parent, so its siblings show).
QString besides(const QString& path) {
    if (path.trimmed().isEmpty()) return {};
    const QFileInfo f(QDir::cleanPath(path.trimmed()));
    const QString dir = f.absolutePath();
    return QFileInfo(dir).isDir() ? dir : QString();
}

}  // namespace

void setPathDialogHook(PathDialogHook h) {
    hook() = std::move(h);
}

QString askForPath(QWidget* parent, const PathDialogRequest& r) {
    if (hook()) return hook()(r);
    if (r.folder) return QFileDialog::getExistingDirectory(parent, r.title, r.start);
    return QFileDialog::getOpenFileName(parent, r.title, r.start, r.filter);
}

QString dialogStartFolder(const QString& current, const char* settingsKey) {
    QString start = besides(current);
    if (start.isEmpty()) start = besides(QSettings().value(QLatin1String(settingsKey)).toString());
    return start.isEmpty() ? QDir::homePath() : start;
}

void rememberPath(const char* settingsKey, const QString& path) {
    QSettings().setValue(QLatin1String(settingsKey), path);
}

}  // namespace forgetlab::ui
