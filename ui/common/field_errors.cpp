#include "ui/common/field_errors.h"

#include <QLabel>
#include <QVBoxLayout>
#include <algorithm>

namespace forgetlab::ui {

QWidget* FieldErrors::wrap(const QString& path, QWidget* field) {
    auto* box = new QWidget;
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(1);
    field->setObjectName(path);
    layout->addWidget(field);

    auto* label = new QLabel(box);
    label->setObjectName(path + QStringLiteral(".error"));
    label->setWordWrap(true);
    label->setStyleSheet(QStringLiteral("QLabel { color: #c62828; font-size: 11px; }"));
    label->hide();
    layout->addWidget(label);
    m_labels.insert(path, label);
    return box;
}

QString FieldErrors::registeredPathFor(QString path) const {
    while (!path.isEmpty()) {
        if (m_labels.contains(path)) return path;
        const int cut =
            std::max(path.lastIndexOf(QLatin1Char('.')), path.lastIndexOf(QLatin1Char('[')));
        if (cut <= 0) break;
        path.truncate(cut);
    }
    return {};
}

QStringList FieldErrors::show(const std::vector<ConfigError>& errors) {
    QHash<QString, QString> next;
    QStringList unmatched;
    for (const ConfigError& e : errors) {
        const QString field = QString::fromStdString(e.field);
        const QString message = QString::fromStdString(e.message);
        const QString path = registeredPathFor(field);
        if (path.isEmpty()) {
            unmatched << (field.isEmpty() ? message : field + QStringLiteral(": ") + message);
            continue;
        }
        QString& text = next[path];
        if (!text.isEmpty()) text += QLatin1Char('\n');
        text += message;
    }
    for (auto it = m_labels.cbegin(); it != m_labels.cend(); ++it) {
        const QString text = next.value(it.key());
        it.value()->setText(text);
        it.value()->setVisible(!text.isEmpty());
    }
    m_shown = next;
    return unmatched;
}

bool FieldErrors::hasErrorUnder(const QString& prefix) const {
    for (auto it = m_shown.cbegin(); it != m_shown.cend(); ++it) {
        if (it.key() == prefix || it.key().startsWith(prefix + QLatin1Char('.'))) return true;
    }
    return false;
}

QString FieldErrors::errorText(const QString& path) const {
    return m_shown.value(path);
}

}  // namespace forgetlab::ui
