#include "ui/live/knob_row.h"

#include <QGridLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>
#include <utility>

#include "ui/common/number_field.h"

namespace forgetlab::ui {

KnobRow::KnobRow(KnobSpec spec, QGridLayout* grid, int row, QObject* parent)
    : QObject(parent), m_spec(std::move(spec)), m_name(QString::fromLatin1(m_spec.name)) {
    auto* label = new QLabel(m_spec.label);
    m_slider = new QSlider(Qt::Horizontal);
    m_slider->setObjectName(m_name + QStringLiteral("Slider"));
    m_slider->setRange(0, m_spec.ticks);
    m_slider->setToolTip(m_spec.sliderTip);
    m_field = new NumberField;
    m_field->setObjectName(m_name + QStringLiteral("Knob"));
    m_field->setFixedWidth(80);
    m_field->setToolTip(m_spec.fieldTip.isEmpty() ? tr("Exact value; press Enter to apply")
                                                  : m_spec.fieldTip);
    label->setBuddy(m_field);
    grid->addWidget(label, row, 0);
    grid->addWidget(m_slider, row, 1);
    grid->addWidget(m_field, row, 2);

    connect(m_slider, &QSlider::valueChanged, this, [this](int pos) {
        m_field->setValue(m_spec.fromSlider(pos));
        if (!m_slider->isSliderDown()) commit(m_spec.fromSlider(pos));
    });
    connect(m_slider, &QSlider::sliderReleased, this,
            [this] { commit(m_spec.fromSlider(m_slider->value())); });
    connect(m_field, &QLineEdit::editingFinished, this, [this] {
        if (const auto v = m_field->value(); v && m_spec.accepts(*v))
            commit(*v);
        else
            setValue(m_value);  // not usable: show the current value
    });
}

void KnobRow::setValue(double value) {
    m_value = value;
    const QSignalBlocker b1(m_slider), b2(m_field);
    m_slider->setValue(m_spec.toSlider(value));
    m_field->setValue(value);
}

void KnobRow::setAvailable(bool available) {
    m_available = available;
    m_slider->setEnabled(available);
    m_field->setEnabled(available);
}

void KnobRow::commit(double value) {
    if (!m_available || value == m_value) return;
    setValue(value);
    Q_EMIT changed(m_name, value);
}

}  // namespace forgetlab::ui
