#pragma once
// PhaseEditor: edits one training phase (PhaseConfig): its task, how long and with which
// batch size it trains, and its optimizer, and previews the task's data (DataPreview). Used
// for both upstream pre-training and downstream fine-tuning.

#include "ui/setup/config_editor.h"

class QSpinBox;

namespace forgetlab::ui {

class DataPreview;
class OptimizerEditor;
class TaskEditor;

class PhaseEditor : public ConfigEditor {
    Q_OBJECT
public:
    PhaseEditor(const QString& pathPrefix, const QString& stepsToolTip, FieldErrors& errors,
                QWidget* parent = nullptr);

    void setPhase(const PhaseConfig& phase);
    void readPhase(PhaseConfig& phase, std::vector<ConfigError>& errors) const;
    // The fortunes folder, for the task's list of text domains.
    void setTextFolder(const QString& root);
    // The whole experiment as last read (this phase's task within it): the source chooser
    // follows the model kind and the preview reads the task's data as the run will.
    void setDataContext(const ExperimentConfig& config);
    TaskEditor* taskEditor() const { return m_task; }
    DataPreview* dataPreview() const { return m_preview; }

private:
    QSpinBox* m_steps;
    QSpinBox* m_batchSize;
    QSpinBox* m_seed = nullptr;  // upstream only: the pre-training seed (-1 = the run's)
    TaskEditor* m_task;
    DataPreview* m_preview;
    bool m_upstream;  // the upstream phase (else downstream)
    OptimizerEditor* m_optimizer;
};

}  // namespace forgetlab::ui
