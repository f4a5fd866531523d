#include "ui/form_helpers.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QSpinBox>

namespace forgetlab::ui {

QComboBox* makeChoice(const std::vector<std::pair<const char*, QString>>& items) {
    auto* box = new QComboBox;
    for (const auto& [value, text] : items) box->addItem(text, QString::fromUtf8(value));
    return box;
}

void setChoice(QComboBox* box, const std::string& value) {
    const QString v = QString::fromStdString(value);
    int index = box->findData(v);
    if (index < 0) {
        // Keep values this build does not know so validation can name them.
        box->addItem(v, v);
        index = box->count() - 1;
    }
    box->setCurrentIndex(index);
}

std::string choice(const QComboBox* box) {
    return box->currentData().toString().toStdString();
}

QSpinBox* makeIntSpin(int minimum, int maximum) {
    auto* spin = new QSpinBox;
    spin->setRange(minimum, maximum);
    spin->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    spin->setGroupSeparatorShown(false);
    return spin;
}

QString formatIntList(const std::vector<int>& values) {
    QStringList parts;
    for (int v : values) parts << QString::number(v);
    return parts.join(QStringLiteral(", "));
}

std::optional<std::vector<int>> parseIntList(const QString& text) {
    std::vector<int> out;
    const QStringList parts =
        text.split(QRegularExpression(QStringLiteral("[,;\\s]+")), Qt::SkipEmptyParts);
    for (const QString& p : parts) {
        bool ok = false;
        const int v = p.toInt(&ok);
        if (!ok) return std::nullopt;
        out.push_back(v);
    }
    return out;
}

void watchEdits(QWidget* editor, QObject* context, const std::function<void()>& onChange) {
    if (auto* box = qobject_cast<QComboBox*>(editor)) {
        QObject::connect(box, &QComboBox::currentIndexChanged, context, onChange);
    } else if (auto* spin = qobject_cast<QSpinBox*>(editor)) {
        QObject::connect(spin, &QSpinBox::valueChanged, context, onChange);
    } else if (auto* check = qobject_cast<QCheckBox*>(editor)) {
        QObject::connect(check, &QCheckBox::toggled, context, onChange);
    } else if (auto* line = qobject_cast<QLineEdit*>(editor)) {
        QObject::connect(line, &QLineEdit::textChanged, context, onChange);
    } else if (auto* text = qobject_cast<QPlainTextEdit*>(editor)) {
        QObject::connect(text, &QPlainTextEdit::textChanged, context, onChange);
    }
}

}  // namespace forgetlab::ui
