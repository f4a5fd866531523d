#pragma once
// EvalEditor: edits the EvalConfig: how often test metrics, SAM sharpness, the Hessian's
// top eigenvalues and its trace are measured during fine-tuning, on how many probe
// examples, how often the fine-tuning weights are checkpointed for later analysis, and,
// for language models, how often and how the model continues a few prompts (live samples)
// and which multiple-choice benchmarks it is scored on (BenchmarkEditor).

#include "ui/setup/config_editor.h"

class QGroupBox;
class QPlainTextEdit;
class QSpinBox;

namespace forgetlab::ui {

class BenchmarkEditor;

class EvalEditor : public ConfigEditor {
    Q_OBJECT
public:
    explicit EvalEditor(FieldErrors& errors, QWidget* parent = nullptr);

    void setEval(const EvalConfig& eval);
    void readEval(EvalConfig& eval, std::vector<ConfigError>& errors) const;
    // The samples section only applies to language models (model kind gpt).
    void setLanguageModel(bool languageModel);
    BenchmarkEditor* benchmarks() const { return m_benchmarks; }

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
    QGroupBox* m_samplesBox;
    QSpinBox* m_samplesEvery;
    QPlainTextEdit* m_samplesPrompts;
    QSpinBox* m_samplesTokens;
    NumberField* m_samplesTemperature;
    BenchmarkEditor* m_benchmarks;
    bool m_languageModel = true;
};

}  // namespace forgetlab::ui
