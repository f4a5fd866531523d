#pragma once
// StrategyKnobs: live knobs for the anti-forgetting strategies' weights (replay ratio,
// EWC λ, L2-SP λ, LwF λ) while a run goes, beside the optimizer knobs. Like those (the
// same rows: knob_row.h), a value is sent when a slider is released or a field confirmed (each
// change is recorded as a "knob" event of the run). A knob whose strategy was not set up when the
// run started (no Fisher for EWC, no teacher for LwF, no replay buffer) is disabled: the engine
// could not apply it.

#include <QGroupBox>

#include "engine/core/config.h"

class QLabel;

namespace forgetlab::ui {

class KnobRow;

class StrategyKnobs : public QGroupBox {
    Q_OBJECT
public:
    enum Knob { kReplayRatio, kEwcLambda, kL2spLambda, kLwfLambda, kKnobCount };

    explicit StrategyKnobs(QWidget* parent = nullptr);

    // Shows the weights a run starts with and which of them can change (no signal).
    void setStrategies(const StrategyConfig& strategies);
    double value(Knob knob) const;
    bool isAvailable(Knob knob) const;
    // The engine's knob name: knobs::kReplayRatio, kEwcLambda, kL2spLambda, kLwfLambda.
    static QString knobName(Knob knob);

    // Slider position <-> weight. Ratio: linear 0 .. 0.95; λ: 0 at the left end, then
    // log scale 1e-3 .. 1e4.
    static int toSlider(Knob knob, double value);
    static double fromSlider(Knob knob, int position);

Q_SIGNALS:
    void knobChanged(const QString& name, double value);

private:
    KnobRow* m_rows[kKnobCount] = {};
    QLabel* m_note = nullptr;
};

}  // namespace forgetlab::ui
