#pragma once
// TaskEditor: edits a TaskConfig for the upstream or the downstream phase: an image task
// (which Fashion-MNIST classes, optional pixel permutation, optional rotation, input noise
// and label shuffle) or a text task (the fortunes of a language, optionally only some of
// its files), and how many train/test examples it draws.

#include <QList>

#include "ui/setup/config_editor.h"

class QComboBox;
class QFormLayout;
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
    // The fortunes folder (ExperimentConfig::text_dir): the Domains field lists its files.
    void setTextFolder(const QString& root);

private:
    void updateEnabled();
    void updateDomainHint();

    QComboBox* m_kind;
    QLineEdit* m_classes;
    QSpinBox* m_permutationSeed;
    QSpinBox* m_trainSize;
    QSpinBox* m_testSize;
    NumberField* m_rotation;
    NumberField* m_noise;
    QSpinBox* m_labelSeed;
    QComboBox* m_language;
    QLineEdit* m_domains;
    // Rows shown only for image tasks, and only for text tasks.
    QList<QWidget*> m_imageRows;
    QList<QWidget*> m_textRows;
    QFormLayout* m_form;
    QString m_textRoot;
    QString m_hintFor;  // root + language the Domains tooltip was made for
};

}  // namespace forgetlab::ui
