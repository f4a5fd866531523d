#include "ui/live/knob_panel.h"

#include <QGridLayout>
#include <QLabel>
#include <algorithm>
#include <cmath>

#include "engine/core/names.h"
#include "ui/live/knob_row.h"

namespace forgetlab::ui {

namespace {
constexpr int kLrTicks = 500;  // slider positions over 5 decades
constexpr double kLrMinLog10 = -5.0;
constexpr double kLrMaxLog10 = 0.0;
constexpr int kRhoTicks = 200;  // rho in 0 .. 2 by 0.01
constexpr double kRhoMax = 2.0;
constexpr double kStartValue = 0.05;  // until a run shows its own
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

    KnobSpec lr;
    lr.name = knobs::kLr;
    lr.label = tr("Learning rate");
    lr.sliderTip = tr("Learning rate, log scale from 1e-5 to 1");
    lr.fieldTip = tr("Exact learning rate; press Enter to apply");
    lr.ticks = kLrTicks;
    lr.toSlider = &KnobPanel::lrToSlider;
    lr.fromSlider = &KnobPanel::sliderToLr;
    lr.accepts = [](double v) { return v > 0; };
    m_lr = new KnobRow(std::move(lr), grid, 0, this);

    KnobSpec rho;
    rho.name = knobs::kRho;
    rho.label = tr("SAM ρ");
    rho.sliderTip = tr("SAM neighbourhood radius ρ, 0 to 2");
    rho.ticks = kRhoTicks;
    rho.toSlider = [](double v) { return static_cast<int>(std::lround(v / kRhoMax * kRhoTicks)); };
    rho.fromSlider = [](int pos) { return kRhoMax * pos / kRhoTicks; };
    rho.accepts = [](double v) { return v >= 0 && v <= kRhoMax; };
    m_rho = new KnobRow(std::move(rho), grid, 1, this);

    m_rhoNote = new QLabel(tr("ρ applies only to SAM/ASAM runs."));
    m_rhoNote->setStyleSheet(QStringLiteral("QLabel { color: #757575; }"));
    m_rhoNote->hide();
    grid->addWidget(m_rhoNote, 2, 0, 1, 3);

    for (KnobRow* row : {m_lr, m_rho})
        connect(row, &KnobRow::changed, this, &KnobPanel::knobChanged);
    setValues(kStartValue, kStartValue);
}

double KnobPanel::learningRate() const {
    return m_lr->value();
}

double KnobPanel::rho() const {
    return m_rho->value();
}

void KnobPanel::setValues(double lr, double rho) {
    m_lr->setValue(lr);
    m_rho->setValue(rho);
}

void KnobPanel::setRhoAvailable(bool available) {
    m_rho->setAvailable(available);
    m_rhoNote->setVisible(!available);
}

}  // namespace forgetlab::ui
