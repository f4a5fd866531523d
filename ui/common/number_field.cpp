#include "ui/common/number_field.h"

#include <cmath>

namespace forgetlab::ui {

NumberField::NumberField(QWidget* parent) : QLineEdit(parent) {
    setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    connect(this, &QLineEdit::textChanged, this, &NumberField::valueEdited);
}

void NumberField::setValue(double value) {
    const QString text = formatNumber(value);
    if (text != this->text()) setText(text);
}

std::optional<double> NumberField::value() const {
    bool ok = false;
    const double v = text().trimmed().toDouble(&ok);
    if (!ok || !std::isfinite(v)) return std::nullopt;
    return v;
}

QString formatNumber(double value) {
    return QString::number(value, 'g', 6);
}

}  // namespace forgetlab::ui
