#pragma once
// NumberField: a line edit for a real number that accepts what people type for
// hyper-parameters ("0.05", "5e-4", "-1"). Out-of-range values are deliberately
// accepted so that validation can explain them beside the field instead of the widget
// silently clamping them.

#include <QLineEdit>
#include <optional>

namespace forgetlab::ui {

class NumberField : public QLineEdit {
    Q_OBJECT
public:
    explicit NumberField(QWidget* parent = nullptr);

    void setValue(double value);
    // The number typed, or nothing when the text is not a number.
    std::optional<double> value() const;

Q_SIGNALS:
    void valueEdited();
};

// Formats a hyper-parameter compactly: 0.05, 0.0001, 1e-08.
QString formatNumber(double value);

}  // namespace forgetlab::ui
