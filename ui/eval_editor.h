#pragma once
// EvalEditor: edits the EvalConfig: how often test metrics, SAM sharpness, the Hessian's
// top eigenvalues and its trace are measured during fine-tuning, on how many probe
// examples, and how often the fine-tuning weights are checkpointed for later analysis.

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
    QSpinBox* m_hessianTopk;
    QSpinBox* m_traceEvery;
    QSpinBox* m_traceSamples;
    QSpinBox* m_checkpointEvery;
    QSpinBox* m_exampleLosses;
};

}  // namespace forgetlab::ui
