#include "ui/setup/form_rows.h"

#include <QFormLayout>
#include <QWidget>

namespace forgetlab::ui {

FormRows::FormRows(QFormLayout* form) : m_form(form) {
    for (int i = 0; i < form->rowCount(); ++i) {
        Row row;
        if (QLayoutItem* spanning = form->itemAt(i, QFormLayout::SpanningRole)) {
            row.field = spanning->widget();
            row.spanning = true;
        } else {
            if (QLayoutItem* label = form->itemAt(i, QFormLayout::LabelRole))
                row.label = label->widget();
            if (QLayoutItem* field = form->itemAt(i, QFormLayout::FieldRole))
                row.field = field->widget();
        }
        if (row.field) m_rows.push_back(row);
    }
}

FormRows::Row* FormRows::find(QWidget* widget) {
    for (Row& row : m_rows)
        if (row.field == widget || row.label == widget) return &row;
    return nullptr;
}

const FormRows::Row* FormRows::find(QWidget* widget) const {
    return const_cast<FormRows*>(this)->find(widget);
}

void FormRows::setVisible(QWidget* widget, bool visible) {
    Row* row = find(widget);
    if (!row || row->visible == visible) return;
    row->visible = visible;
    m_dirty = true;
}

bool FormRows::isVisible(QWidget* widget) const {
    const Row* row = find(widget);
    return row && row->visible;
}

void FormRows::apply() {
    if (!m_dirty) return;
    m_dirty = false;
    // The widgets stay children of the form's widget; only the layout's items go.
    while (m_form->rowCount() > 0) {
        const QFormLayout::TakeRowResult taken = m_form->takeRow(0);
        delete taken.labelItem;
        delete taken.fieldItem;
    }
    for (const Row& row : m_rows) {
        if (row.label) row.label->setVisible(row.visible);
        row.field->setVisible(row.visible);
        if (!row.visible) continue;
        if (row.spanning)
            m_form->addRow(row.field);
        else
            m_form->addRow(row.label, row.field);  // a null label leaves the label column empty
    }
}

}  // namespace forgetlab::ui
