#pragma once
// PhaseEditor: edits one training phase (PhaseConfig): its task, how long and with which
// batch size it trains, and its optimizer. Used for both upstream pre-training and
// downstream fine-tuning.

#include "ui/setup/config_editor.h"

class QSpinBox;

namespace forgetlab::ui {

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

private:
    QSpinBox* m_steps;
    QSpinBox* m_batchSize;
    TaskEditor* m_task;
    OptimizerEditor* m_optimizer;
};

}  // namespace forgetlab::ui
