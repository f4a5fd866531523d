#pragma once
// SequenceEditor: the task sequence of a continual-learning run (SequenceConfig): how
// many tasks (0 = the usual upstream -> downstream pair), how they are made (classes
// split into groups, or pixel permutations), and steps and examples per task. The
// sequence trains with the downstream phase's optimizer and batch size.

#include "ui/setup/config_editor.h"

class QComboBox;
class QLabel;
class QSpinBox;

namespace forgetlab::ui {

class SequenceEditor : public ConfigEditor {
    Q_OBJECT
public:
    explicit SequenceEditor(FieldErrors& errors, QWidget* parent = nullptr);

    void setSequence(const SequenceConfig& sequence);
    void readSequence(SequenceConfig& sequence, std::vector<ConfigError>& errors) const;

private:
    void updateEnabled();

    QSpinBox* m_tasks;
    QComboBox* m_kind;
    QSpinBox* m_stepsPerTask;
    QSpinBox* m_trainSize;
    QSpinBox* m_testSize;
    QLabel* m_note;
};

}  // namespace forgetlab::ui
