#include "ui/live/strategy_knobs.h"

#include <QGridLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>
#include <algorithm>
#include <cmath>

#include "ui/common/number_field.h"

namespace forgetlab::ui {

namespace {
constexpr int kRatioTicks = 95;  // 0 .. 0.95 by 0.01
constexpr double kRatioMax = 0.95;
constexpr int kLambdaTicks = 140;  // 7 decades, 20 positions each, after the "off" position
constexpr double kLambdaMinLog10 = -3.0;
constexpr double kLambdaMaxLog10 = 4.0;
}  // namespace

QString StrategyKnobs::knobName(Knob knob) {
    switch (knob) {
        case kReplayRatio:
            return QStringLiteral("replay_ratio");
        case kEwcLambda:
            return QStringLiteral("ewc_lambda");
        case kL2spLambda:
            return QStringLiteral("l2sp_lambda");
        case kLwfLambda:
            return QStringLiteral("lwf_lambda");
        default:
            return {};
    }
}

int StrategyKnobs::toSlider(Knob knob, double value) {
    if (knob == kReplayRatio)
        return static_cast<int>(std::lround(std::clamp(value / kRatioMax, 0.0, 1.0) * kRatioTicks));
    if (value <= 0) return 0;
    const double t = (std::log10(value) - kLambdaMinLog10) / (kLambdaMaxLog10 - kLambdaMinLog10);
    return 1 + static_cast<int>(std::lround(std::clamp(t, 0.0, 1.0) * (kLambdaTicks - 1)));
}

double StrategyKnobs::fromSlider(Knob knob, int position) {
    if (knob == kReplayRatio)
        return QString::number(kRatioMax * position / kRatioTicks, 'f', 2).toDouble();
    if (position <= 0) return 0.0;
    const double t = double(position - 1) / (kLambdaTicks - 1);
    const double v = std::pow(10.0, kLambdaMinLog10 + t * (kLambdaMaxLog10 - kLambdaMinLog10));
    return QString::number(v, 'g', 3).toDouble();  // reads well in events and the field
}

StrategyKnobs::StrategyKnobs(QWidget* parent) : QGroupBox(tr("Live knobs (strategies)"), parent) {
    setObjectName(QStringLiteral("strategyKnobs"));
    auto* grid = new QGridLayout(this);
    grid->setColumnStretch(1, 1);
    const QString labels[kKnobCount] = {tr("Replay ratio"), tr("EWC λ"), tr("L2-SP λ"),
                                        tr("LwF λ")};
    const QString tips[kKnobCount] = {
        tr("Share of each batch replayed from upstream examples, 0 to 0.95"),
        tr("EWC penalty weight, 0 or log scale 1e-3 to 1e4"),
        tr("L2-SP penalty weight, 0 or log scale 1e-3 to 1e4"),
        tr("LwF distillation weight, 0 or log scale 1e-3 to 1e4")};
    for (int k = 0; k < kKnobCount; ++k) {
        const Knob knob = static_cast<Knob>(k);
        auto* label = new QLabel(labels[k]);
        auto* slider = new QSlider(Qt::Horizontal);
        slider->setObjectName(knobName(knob) + QStringLiteral("Slider"));
        slider->setRange(0, knob == kReplayRatio ? kRatioTicks : kLambdaTicks);
        slider->setToolTip(tips[k]);
        auto* field = new NumberField;
        field->setObjectName(knobName(knob) + QStringLiteral("Knob"));
        field->setFixedWidth(80);
        field->setToolTip(tr("Exact value; press Enter to apply"));
        label->setBuddy(field);
        grid->addWidget(label, k, 0);
        grid->addWidget(slider, k, 1);
        grid->addWidget(field, k, 2);
        m_sliders[k] = slider;
        m_fields[k] = field;

        connect(slider, &QSlider::valueChanged, this, [this, knob, slider, field](int pos) {
            field->setValue(fromSlider(knob, pos));
            if (!slider->isSliderDown()) commit(knob, fromSlider(knob, pos));
        });
        connect(slider, &QSlider::sliderReleased, this,
                [this, knob, slider] { commit(knob, fromSlider(knob, slider->value())); });
        connect(field, &QLineEdit::editingFinished, this, [this, knob, field] {
            const auto v = field->value();
            const bool ok = v && *v >= 0 && (knob != kReplayRatio || *v < 1.0);
            if (ok)
                commit(knob, *v);
            else
                show(knob, m_values[knob]);  // not usable: show the current value
        });
    }
    m_note =
        new QLabel(tr("Greyed knobs belong to strategies that were off when the run "
                      "started (set them in the Strategies tab)."));
    m_note->setWordWrap(true);
    m_note->setStyleSheet(QStringLiteral("QLabel { color: #757575; font-size: 11px; }"));
    m_note->hide();
    grid->addWidget(m_note, kKnobCount, 0, 1, 3);
    setStrategies(StrategyConfig{});
}

bool StrategyKnobs::isAvailable(Knob knob) const {
    return m_available[knob];
}

void StrategyKnobs::setStrategies(const StrategyConfig& s) {
    const double values[kKnobCount] = {s.replay_ratio, s.ewc_lambda, s.l2sp_lambda, s.lwf_lambda};
    // What the engine can change mid-run (StrategySet::setKnob).
    const bool available[kKnobCount] = {s.replay_buffer > 0, s.ewc_lambda > 0, true,
                                        s.lwf_lambda > 0};
    bool anyOff = false;
    for (int k = 0; k < kKnobCount; ++k) {
        m_values[k] = values[k];
        m_available[k] = available[k];
        m_sliders[k]->setEnabled(available[k]);
        m_fields[k]->setEnabled(available[k]);
        anyOff |= !available[k];
        show(static_cast<Knob>(k), values[k]);
    }
    m_note->setVisible(anyOff);
}

void StrategyKnobs::show(Knob knob, double value) {
    const QSignalBlocker b1(m_sliders[knob]), b2(m_fields[knob]);
    m_sliders[knob]->setValue(toSlider(knob, value));
    m_fields[knob]->setValue(value);
}

void StrategyKnobs::commit(Knob knob, double value) {
    if (!m_available[knob] || value == m_values[knob]) return;
    m_values[knob] = value;
    show(knob, value);
    Q_EMIT knobChanged(knobName(knob), value);
}

}  // namespace forgetlab::ui
