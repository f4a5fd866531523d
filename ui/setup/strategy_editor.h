#pragma once
// StrategyEditor: the anti-forgetting strategies of the fine-tuning phase
// (StrategyConfig), one section per strategy: replay (ratio, buffer), EWC (λ, Fisher
// samples), L2-SP (λ) and LwF (λ, temperature). Each is off at its zero weight and they
// combine with each other and with every optimizer. Fields are named after their JSON
// paths ("strategies.ewc.lambda") so validation messages appear beside them.

#include "ui/setup/config_editor.h"

class QComboBox;
class QSpinBox;

namespace forgetlab::ui {

class StrategyEditor : public ConfigEditor {
    Q_OBJECT
public:
    explicit StrategyEditor(FieldErrors& errors, QWidget* parent = nullptr);

    void setStrategies(const StrategyConfig& strategies);
    void readStrategies(StrategyConfig& strategies, std::vector<ConfigError>& errors) const;

private:
    NumberField* m_replayRatio;
    QSpinBox* m_replayBuffer;
    QComboBox* m_replaySelect;
    QSpinBox* m_replayMatrix;
    QSpinBox* m_replayProbe;
    QSpinBox* m_replayProbeSteps;
    NumberField* m_ewcLambda;
    QSpinBox* m_ewcSamples;
    NumberField* m_l2spLambda;
    NumberField* m_lwfLambda;
    NumberField* m_lwfTemperature;
};

}  // namespace forgetlab::ui
