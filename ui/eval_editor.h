#pragma once
// EvalEditor: edits the EvalConfig: how often test metrics, SAM sharpness and the Hessian's
// top eigenvalue are measured during fine-tuning, and on how many probe examples.

#include "ui/config_editor.h"

class QSpinBox;

namespace forgetlab::ui {

class EvalEditor : public ConfigEditor {
    Q_OBJECT
public:
    explicit EvalEditor(FieldErrors& errors, QWidget* parent = nullptr);

    void setEval(const EvalConfig& eval);
    void readEval(EvalConfig& eval, std::vector<ConfigError>& errors) const;

private:
    QSpinBox* m_every;
    QSpinBox* m_hessianEvery;
    QSpinBox* m_probeSize;
    NumberField* m_sharpnessRho;
    QSpinBox* m_hessianMaxIters;
    NumberField* m_hessianTol;
};

}  // namespace forgetlab::ui
