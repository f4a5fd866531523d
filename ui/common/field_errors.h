#pragma once
// FieldErrors: maps configuration field paths ("downstream.optimizer.lr", the paths
// ConfigError.field uses) to a red label under that field's editor, so a validation
// message appears where the problem is rather than in a list far away.

#include <QHash>
#include <QString>
#include <QStringList>
#include <vector>

#include "engine/core/config.h"

class QLabel;
class QWidget;

namespace forgetlab::ui {

class FieldErrors {
public:
    // Names the editor after its path (so tests and tools can find it) and returns a
    // container holding the editor with an initially hidden error label under it.
    QWidget* wrap(const QString& path, QWidget* field);

    // Shows each error under its field, or under the closest registered parent path
    // ("upstream.task.classes[3]" -> "upstream.task.classes"). Returns the messages
    // that belong to no registered field. Replaces what was shown before.
    QStringList show(const std::vector<ConfigError>& errors);

    // Whether any error is shown for a field whose path starts with prefix.
    bool hasErrorUnder(const QString& prefix) const;
    QString errorText(const QString& path) const;

private:
    QString registeredPathFor(QString path) const;

    QHash<QString, QLabel*> m_labels;
    QHash<QString, QString> m_shown;  // path -> message(s) currently shown
};

}  // namespace forgetlab::ui
