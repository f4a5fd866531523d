#include "ui/live/knob_panel.h"

#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>
#include <cmath>

#include "ui/common/number_field.h"

namespace forgetlab::ui {

namespace {
constexpr int kLrTicks = 500;  // slider positions over 5 decades
constexpr double kLrMinLog10 = -5.0;
constexpr double kLrMaxLog10 = 0.0;
constexpr int kRhoTicks = 200;  // rho in 0 .. 2 by 0.01
constexpr double kRhoMax = 2.0;
}  // namespace

int KnobPanel::lrToSlider(double lr) {
    if (lr <= 0) return 0;
    const double t = (std::log10(lr) - kLrMinLog10) / (kLrMaxLog10 - kLrMinLog10);
    return static_cast<int>(std::lround(std::clamp(t, 0.0, 1.0) * kLrTicks));
}

double KnobPanel::sliderToLr(int position) {
    const double t = static_cast<double>(position) / kLrTicks;
    // Rounded to 3 significant digits so the values read well in events and the field.
    const double lr = std::pow(10.0, kLrMinLog10 + t * (kLrMaxLog10 - kLrMinLog10));
    return QString::number(lr, 'g', 3).toDouble();
}

KnobPanel::KnobPanel(QWidget* parent) : QGroupBox(tr("Live knobs (fine-tuning)"), parent) {
    setObjectName(QStringLiteral("knobPanel"));
    auto* grid = new QGridLayout(this);
    grid->setColumnStretch(1, 1);

    auto* lrLabel = new QLabel(tr("Learning rate"));
    m_lrSlider = new QSlider(Qt::Horizontal);
    m_lrSlider->setObjectName(QStringLiteral("lrSlider"));
    m_lrSlider->setRange(0, kLrTicks);
    m_lrSlider->setToolTip(tr("Learning rate, log scale from 1e-5 to 1"));
    m_lrField = new NumberField;
    m_lrField->setObjectName(QStringLiteral("lrKnob"));
    m_lrField->setFixedWidth(80);
    m_lrField->setToolTip(tr("Exact learning rate; press Enter to apply"));
    lrLabel->setBuddy(m_lrField);
    grid->addWidget(lrLabel, 0, 0);
    grid->addWidget(m_lrSlider, 0, 1);
    grid->addWidget(m_lrField, 0, 2);

    auto* rhoLabel = new QLabel(tr("SAM ρ"));
    m_rhoSlider = new QSlider(Qt::Horizontal);
    m_rhoSlider->setObjectName(QStringLiteral("rhoSlider"));
    m_rhoSlider->setRange(0, kRhoTicks);
    m_rhoSlider->setToolTip(tr("SAM neighbourhood radius ρ, 0 to 2"));
    m_rhoSpin = new QDoubleSpinBox;
    m_rhoSpin->setObjectName(QStringLiteral("rhoKnob"));
    m_rhoSpin->setRange(0.0, kRhoMax);
    m_rhoSpin->setDecimals(3);
    m_rhoSpin->setSingleStep(0.01);
    m_rhoSpin->setFixedWidth(80);
    m_rhoSpin->setKeyboardTracking(false);
    rhoLabel->setBuddy(m_rhoSpin);
    grid->addWidget(rhoLabel, 1, 0);
    grid->addWidget(m_rhoSlider, 1, 1);
    grid->addWidget(m_rhoSpin, 1, 2);
    m_rhoNote = new QLabel(tr("ρ applies only to SAM/ASAM runs."));
    m_rhoNote->setStyleSheet(QStringLiteral("QLabel { color: #757575; }"));
    m_rhoNote->hide();
    grid->addWidget(m_rhoNote, 2, 0, 1, 3);

    // While dragging only the field follows; the value is sent on release.
    connect(m_lrSlider, &QSlider::valueChanged, this, [this](int pos) {
        m_lrField->setValue(sliderToLr(pos));
        if (!m_lrSlider->isSliderDown()) commitLr(sliderToLr(pos));
    });
    connect(m_lrSlider, &QSlider::sliderReleased, this,
            [this] { commitLr(sliderToLr(m_lrSlider->value())); });
    connect(m_lrField, &QLineEdit::editingFinished, this, [this] {
        if (const auto v = m_lrField->value(); v && *v > 0) {
            commitLr(*v);
        } else {
            m_lrField->setValue(m_lr);  // not a usable learning rate: show the current one
        }
    });
    connect(m_rhoSlider, &QSlider::valueChanged, this, [this](int pos) {
        const double rho = kRhoMax * pos / kRhoTicks;
        const QSignalBlocker block(m_rhoSpin);
        m_rhoSpin->setValue(rho);
        if (!m_rhoSlider->isSliderDown()) commitRho(rho);
    });
    connect(m_rhoSlider, &QSlider::sliderReleased, this,
            [this] { commitRho(kRhoMax * m_rhoSlider->value() / kRhoTicks); });
    connect(m_rhoSpin, &QDoubleSpinBox::valueChanged, this, [this](double v) { commitRho(v); });

    setValues(m_lr, m_rho);
}

void KnobPanel::setValues(double lr, double rho) {
    m_lr = lr;
    m_rho = rho;
    const QSignalBlocker b1(m_lrSlider), b2(m_rhoSlider), b3(m_rhoSpin), b4(m_lrField);
    m_lrSlider->setValue(lrToSlider(lr));
    m_lrField->setValue(lr);
    m_rhoSlider->setValue(static_cast<int>(std::lround(rho / kRhoMax * kRhoTicks)));
    m_rhoSpin->setValue(rho);
}

void KnobPanel::setRhoAvailable(bool available) {
    m_rhoSlider->setEnabled(available);
    m_rhoSpin->setEnabled(available);
    m_rhoNote->setVisible(!available);
}

void KnobPanel::commitLr(double lr) {
    if (lr == m_lr) return;
    m_lr = lr;
    {
        const QSignalBlocker b1(m_lrSlider), b2(m_lrField);
        m_lrSlider->setValue(lrToSlider(lr));
        m_lrField->setValue(lr);
    }
    Q_EMIT knobChanged(QStringLiteral("lr"), lr);
}

void KnobPanel::commitRho(double rho) {
    if (rho == m_rho) return;
    m_rho = rho;
    {
        const QSignalBlocker b1(m_rhoSlider), b2(m_rhoSpin);
        m_rhoSlider->setValue(static_cast<int>(std::lround(rho / kRhoMax * kRhoTicks)));
        m_rhoSpin->setValue(rho);
    }
    Q_EMIT knobChanged(QStringLiteral("rho"), rho);
}

}  // namespace forgetlab::ui
