#pragma once
// GeneralEditor: the top-level fields of an ExperimentConfig (name, description, seed,
// device and precision, data folders).

#include "ui/setup/config_editor.h"

class QComboBox;
class QLineEdit;
class QSpinBox;

namespace forgetlab::ui {

class GeneralEditor : public ConfigEditor {
    Q_OBJECT
public:
    explicit GeneralEditor(FieldErrors& errors, QWidget* parent = nullptr);

    void setGeneral(const ExperimentConfig& config);
    void readGeneral(ExperimentConfig& config, std::vector<ConfigError>& errors) const;

    static QStringList fieldPaths();

private:
    QLineEdit* m_name;
    QLineEdit* m_description;
    QSpinBox* m_seed;
    QComboBox* m_device;
    QComboBox* m_precision;
    QLineEdit* m_dataDir;
    QLineEdit* m_textDir;
};

}  // namespace forgetlab::ui
