#include "ui/setup/config_editor.h"

#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QToolButton>

#include "ui/common/field_errors.h"
#include "ui/common/form_helpers.h"
#include "ui/common/number_field.h"

namespace forgetlab::ui {

ConfigEditor::ConfigEditor(QString pathPrefix, FieldErrors& errors, QWidget* parent)
    : QWidget(parent), m_errors(errors), m_prefix(std::move(pathPrefix)) {}

QString ConfigEditor::path(const QString& key) const {
    return m_prefix.isEmpty() ? key : m_prefix + QLatin1Char('.') + key;
}

QFormLayout* ConfigEditor::newForm(QWidget* widget) {
    auto* form = new QFormLayout(widget);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setRowWrapPolicy(QFormLayout::DontWrapRows);
    form->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
    form->setHorizontalSpacing(8);
    form->setVerticalSpacing(4);
    return form;
}

QWidget* ConfigEditor::addRow(QFormLayout* form, const QString& label, const QString& key,
                              QWidget* editor, const QString& toolTip, QWidget* trailing) {
    const QString p = path(key);
    QWidget* box = m_errors.wrap(p, editor);
    if (!toolTip.isEmpty()) editor->setToolTip(toolTip + QStringLiteral("\n(") + p + ')');
    if (trailing) {
        auto* row = new QWidget;
        auto* h = new QHBoxLayout(row);
        h->setContentsMargins(0, 0, 0, 0);
        h->setSpacing(4);
        h->addWidget(box, 1);
        h->addWidget(trailing, 0, Qt::AlignTop);
        box = row;
    }
    auto* text = new QLabel(label);
    text->setBuddy(editor);
    form->addRow(text, box);
    watchEdits(editor, this, [this] { Q_EMIT changed(); });
    return box;
}

QWidget* ConfigEditor::addFolderRow(QFormLayout* form, const QString& label, const QString& key,
                                    QLineEdit* editor, const QString& toolTip) {
    auto* browse = new QToolButton;
    browse->setText(tr("Browse…"));
    browse->setObjectName(path(key) + QStringLiteral(".browse"));
    browse->setToolTip(tr("Choose the folder"));
    connect(browse, &QToolButton::clicked, this, [this, editor, label] {
        QString title = label;
        title.remove(QLatin1Char('&'));
        const QString dir = QFileDialog::getExistingDirectory(this, title, editor->text());
        if (!dir.isEmpty()) editor->setText(dir);
    });
    return addRow(form, label, key, editor, toolTip, browse);
}

void ConfigEditor::readNumber(const NumberField* field, const QString& key, double& target,
                              std::vector<ConfigError>& errors) const {
    if (const auto v = field->value()) {
        target = *v;
    } else {
        errors.push_back({path(key).toStdString(), "not a number"});
    }
}

}  // namespace forgetlab::ui
