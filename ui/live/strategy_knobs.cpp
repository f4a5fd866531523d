#include "ui/live/strategy_knobs.h"

#include <QGridLayout>
#include <QLabel>
#include <algorithm>
#include <cmath>

#include "engine/core/names.h"
#include "ui/live/knob_row.h"

namespace forgetlab::ui {

namespace {
constexpr int kRatioTicks = 95;  // 0 .. 0.95 by 0.01
constexpr double kRatioMax = 0.95;
constexpr int kLambdaTicks = 140;  // 7 decades, 20 positions each, after the "off" position
constexpr double kLambdaMinLog10 = -3.0;
constexpr double kLambdaMaxLog10 = 4.0;
// In StrategyKnobs::Knob order.
constexpr const char* kKnobNames[StrategyKnobs::kKnobCount] = {
    knobs::kReplayRatio, knobs::kEwcLambda, knobs::kL2spLambda, knobs::kLwfLambda};
}  // namespace

QString StrategyKnobs::knobName(Knob knob) {
    if (knob < 0 || knob >= kKnobCount) return {};
    return QString::fromLatin1(kKnobNames[knob]);
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
        KnobSpec spec;
        spec.name = kKnobNames[k];
        spec.label = labels[k];
        spec.sliderTip = tips[k];
        spec.ticks = knob == kReplayRatio ? kRatioTicks : kLambdaTicks;
        spec.toSlider = [knob](double v) { return toSlider(knob, v); };
        spec.fromSlider = [knob](int pos) { return fromSlider(knob, pos); };
        spec.accepts = [knob](double v) { return v >= 0 && (knob != kReplayRatio || v < 1.0); };
        m_rows[k] = new KnobRow(std::move(spec), grid, k, this);
        connect(m_rows[k], &KnobRow::changed, this, &StrategyKnobs::knobChanged);
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

double StrategyKnobs::value(Knob knob) const {
    return m_rows[knob]->value();
}

bool StrategyKnobs::isAvailable(Knob knob) const {
    return m_rows[knob]->isAvailable();
}

void StrategyKnobs::setStrategies(const StrategyConfig& s) {
    const double values[kKnobCount] = {s.replay_ratio, s.ewc_lambda, s.l2sp_lambda, s.lwf_lambda};
    // What the engine can change mid-run (StrategySet::setKnob).
    const bool available[kKnobCount] = {s.replay_buffer > 0, s.ewc_lambda > 0, true,
                                        s.lwf_lambda > 0};
    bool anyOff = false;
    for (int k = 0; k < kKnobCount; ++k) {
        m_rows[k]->setAvailable(available[k]);
        m_rows[k]->setValue(values[k]);
        anyOff |= !available[k];
    }
    m_note->setVisible(anyOff);
}

}  // namespace forgetlab::ui
