#pragma once
// ModelEditor: edits the ModelConfig (MLP or CNN, layer sizes, activation, and whether
// the tasks share one classifier head or get one each).

#include "ui/config_editor.h"

class QComboBox;
class QLineEdit;

namespace forgetlab::ui {

class ModelEditor : public ConfigEditor {
    Q_OBJECT
public:
    explicit ModelEditor(FieldErrors& errors, QWidget* parent = nullptr);

    void setModel(const ModelConfig& model);
    void readModel(ModelConfig& model, std::vector<ConfigError>& errors) const;

private:
    void updateEnabled();

    QComboBox* m_kind;
    QLineEdit* m_hidden;
    QComboBox* m_activation;
    QLineEdit* m_channels;
    QComboBox* m_head;
};

}  // namespace forgetlab::ui
