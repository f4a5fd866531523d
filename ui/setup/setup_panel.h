#pragma once
// SetupPanel: the left-hand "what to run" panel. A preset chooser with its explanation,
// then tabs editing every option of an ExperimentConfig. It validates on every edit
// (through a validator the application supplies, so ui/ does not link the engine) and
// shows each message under the field it is about.

#include <QString>
#include <QVector>
#include <QWidget>
#include <functional>
#include <vector>

#include "engine/core/config.h"

class QComboBox;
class QLabel;
class QTabWidget;
class QTextBrowser;

namespace forgetlab::ui {

class DataPreview;
class EvalEditor;
class FieldErrors;
class GeneralEditor;
class ModelEditor;
class PhaseEditor;
class SequenceEditor;
class StrategyEditor;

struct PresetChoice {
    QString name;
    QString title;
    QString explanation;  // Markdown
    ExperimentConfig config;
};

class SetupPanel : public QWidget {
    Q_OBJECT
public:
    using Validator = std::function<std::vector<ConfigError>(const ExperimentConfig&)>;

    explicit SetupPanel(QWidget* parent = nullptr);
    ~SetupPanel() override;

    void setValidator(Validator validator);
    void setPresets(const QVector<PresetChoice>& presets);
    bool selectPreset(const QString& name);
    QString currentPresetName() const;

    void setConfig(const ExperimentConfig& config);
    ExperimentConfig config() const { return m_config; }
    bool isValid() const { return m_valid; }
    // Errors currently shown, including those not tied to a field.
    const std::vector<ConfigError>& errors() const { return m_errorList; }

    // Makes the fields read-only while a run uses them.
    void setEditable(bool editable);

    // The data preview of the "upstream" or "downstream" task (nullptr for another name).
    DataPreview* dataPreview(const QString& phase) const;
    // Shows that phase's tab scrolled to its task: the task's fields, then its data preview.
    void showDataPreview(const QString& phase);

Q_SIGNALS:
    void validityChanged(bool valid);
    void configChanged();

private:
    void onPresetChosen(int index);
    void revalidate();
    void markTabs();

    QComboBox* m_preset;
    QTextBrowser* m_explanation;
    QTabWidget* m_tabs;
    QLabel* m_generalErrors;
    GeneralEditor* m_general;
    ModelEditor* m_model;
    PhaseEditor* m_upstream;
    PhaseEditor* m_downstream;
    EvalEditor* m_eval;
    StrategyEditor* m_strategies;
    SequenceEditor* m_sequence;

    std::unique_ptr<FieldErrors> m_fieldErrors;
    QVector<PresetChoice> m_presets;
    Validator m_validator;
    ExperimentConfig m_config;
    std::vector<ConfigError> m_errorList;
    bool m_valid = true;
    bool m_loading = false;  // setConfig in progress: validate once at the end
};

}  // namespace forgetlab::ui
