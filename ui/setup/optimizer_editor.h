#pragma once
// OptimizerEditor: edits an OptimizerConfig (SGD/Adam/AdamW, SAM/ASAM wrapping, learning
// rate schedule, clipping). Fields that do not apply to the chosen optimizer are disabled
// rather than hidden so the form does not jump around.

#include "ui/setup/config_editor.h"

class QCheckBox;
class QComboBox;
class QSpinBox;

namespace forgetlab::ui {

class OptimizerEditor : public ConfigEditor {
    Q_OBJECT
public:
    OptimizerEditor(const QString& pathPrefix, FieldErrors& errors, QWidget* parent = nullptr);

    void setOptimizer(const OptimizerConfig& optimizer);
    void readOptimizer(OptimizerConfig& optimizer, std::vector<ConfigError>& errors) const;

private:
    void updateEnabled();

    QComboBox* m_name;
    NumberField* m_lr;
    NumberField* m_momentum;
    QCheckBox* m_nesterov;
    NumberField* m_weightDecay;
    NumberField* m_beta1;
    NumberField* m_beta2;
    NumberField* m_eps;
    QComboBox* m_sam;
    NumberField* m_rho;
    NumberField* m_asamEta;
    QComboBox* m_schedule;
    QSpinBox* m_warmup;
    NumberField* m_gradClip;
};

}  // namespace forgetlab::ui
