#pragma once
// TaskEditor: edits a TaskConfig (which Fashion-MNIST classes, optional pixel
// permutation, how many train/test examples, optional rotation, input noise and label
// shuffle) for the upstream or the downstream phase.

#include "ui/config_editor.h"

class QComboBox;
class QLineEdit;
class QSpinBox;

namespace forgetlab::ui {
class NumberField;
}

namespace forgetlab::ui {

class TaskEditor : public ConfigEditor {
    Q_OBJECT
public:
    TaskEditor(const QString& pathPrefix, FieldErrors& errors, QWidget* parent = nullptr);

    void setTask(const TaskConfig& task);
    // Fills task from the widgets; text that cannot be read becomes an error.
    void readTask(TaskConfig& task, std::vector<ConfigError>& errors) const;

private:
    void updateEnabled();

    QComboBox* m_kind;
    QLineEdit* m_classes;
    QSpinBox* m_permutationSeed;
    QSpinBox* m_trainSize;
    QSpinBox* m_testSize;
    NumberField* m_rotation;
    NumberField* m_noise;
    QSpinBox* m_labelSeed;
};

}  // namespace forgetlab::ui
