#include "ui/config_editor.h"

#include <QFormLayout>
#include <QLabel>

#include "ui/field_errors.h"
#include "ui/form_helpers.h"
#include "ui/number_field.h"

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

void ConfigEditor::addRow(QFormLayout* form, const QString& label, const QString& key,
                          QWidget* editor, const QString& toolTip) {
    const QString p = path(key);
    QWidget* box = m_errors.wrap(p, editor);
    if (!toolTip.isEmpty()) editor->setToolTip(toolTip + QStringLiteral("\n(") + p + ')');
    auto* text = new QLabel(label);
    text->setBuddy(editor);
    form->addRow(text, box);
    watchEdits(editor, this, [this] { Q_EMIT changed(); });
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
