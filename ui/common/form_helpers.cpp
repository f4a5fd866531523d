#include "ui/common/form_helpers.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QSpinBox>
#include <QVBoxLayout>

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

QString formatNameList(const std::vector<std::string>& names) {
    QStringList parts;
    for (const std::string& n : names) parts << QString::fromStdString(n);
    return parts.join(QStringLiteral(", "));
}

std::vector<std::string> parseNameList(const QString& text) {
    std::vector<std::string> out;
    const QStringList parts =
        text.split(QRegularExpression(QStringLiteral("[,;\\s]+")), Qt::SkipEmptyParts);
    for (const QString& p : parts) out.push_back(p.toStdString());
    return out;
}

QFormLayout* addSection(QVBoxLayout* layout, const QString& title, const QString& explanation,
                        QGroupBox** box) {
    auto* group = new QGroupBox(title);
    auto* inner = new QVBoxLayout(group);
    inner->setContentsMargins(8, 4, 8, 6);
    inner->setSpacing(4);
    if (!explanation.isEmpty()) {
        auto* note = new QLabel(explanation);
        note->setWordWrap(true);
        note->setStyleSheet(QStringLiteral("QLabel { color: #616161; font-size: 11px; }"));
        inner->addWidget(note);
    }
    auto* holder = new QWidget;
    auto* form = new QFormLayout(holder);
    form->setContentsMargins(0, 0, 0, 0);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
    form->setHorizontalSpacing(8);
    form->setVerticalSpacing(4);
    inner->addWidget(holder);
    layout->addWidget(group);
    if (box) *box = group;
    return form;
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
