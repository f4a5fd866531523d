#pragma once
// The file and folder dialogs of the setup forms (data sources, benchmark files): where a
// dialog opens (beside the last path chosen for the same purpose, remembered in QSettings),
// which dialog a purpose needs, and one hook through which tests answer a dialog instead of
// a person (QFileDialog's static functions block in their own event loop).

#include <QString>
#include <functional>

class QWidget;

namespace forgetlab::ui {

// One dialog to show.
struct PathDialogRequest {
    QString title;
    QString start;        // the folder it opens in
    bool folder = false;  // a folder dialog, else a file dialog
    QString filter;       // file dialogs: "JSON lines (*.jsonl);;All files (*)"
};

// What a test answers instead of the dialog: the path chosen, "" = cancelled.
using PathDialogHook = std::function<QString(const PathDialogRequest&)>;
// Tests only: every dialog of askForPath asks the hook instead (an empty hook: the real
// dialogs again).
void setPathDialogHook(PathDialogHook hook);

// Shows the dialog (or asks the hook); "" when cancelled.
QString askForPath(QWidget* parent, const PathDialogRequest& request);

// The folder a dialog for `settingsKey` opens in: beside the field's current path when it has
// one that exists, else beside the last path remembered under the key, else the home folder.
QString dialogStartFolder(const QString& current, const char* settingsKey);
// Remembers a chosen path under the key for the next dialog.
void rememberPath(const char* settingsKey, const QString& path);

}  // namespace forgetlab::ui
