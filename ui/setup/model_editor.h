#pragma once
// ModelEditor: edits the ModelConfig: a classifier (MLP or CNN: layer sizes, activation,
// and whether the tasks share one classifier head or get one each) or a decoder-only
// language model: either started from a Hugging Face model folder (Llama, Mistral, Qwen2,
// GPT-NeoX/Pythia, OLMo, OLMo-2, GPT-2), whose summary it shows, or built from scratch from
// a family and today's size fields; its tokenizer, gradient checkpointing and LoRA adapters
// for fine-tuning (the targets the family has). The parameter count, LoRA's trainable share
// and the fine-tuning memory estimate (for the downstream optimizer and the device) are
// shown live. A folder that cannot be used is reported beside the checkpoint field.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/models/model_folder.h"
#include "ui/setup/config_editor.h"
#include "ui/setup/model_folder_panel.h"

class QCheckBox;
class QComboBox;
class QFormLayout;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace forgetlab::ui {

// GPT-2 (the family "gpt2") with tied input/output embeddings: token and position
// embeddings, per layer two LayerNorms, the attention (c_attn E->3E, c_proj E->E) and the
// MLP (E->4E->E), and the final LayerNorm: V*E + ctx*E + L*(12E^2 + 13E) + 2E.
int64_t gptParameterCount(int64_t layers, int64_t embd, int64_t context, int64_t vocab);
// LoRA adapters (A: in x r, B: r x out) on the named GPT-2 projections of every layer.
// Unknown projection names count nothing. (Other families: forgetlab::loraParameterCount.)
int64_t loraParameterCount(int64_t layers, int64_t embd, int64_t rank,
                           const std::vector<std::string>& targets);
// GPT-2's projections LoRA can adapt, in display order (loraTargetsOf("gpt2")).
const std::vector<std::string>& loraTargetNames();

class ModelEditor : public ConfigEditor {
    Q_OBJECT
public:
    explicit ModelEditor(FieldErrors& errors, QWidget* parent = nullptr);

    void setModel(const ModelConfig& model);
    // An empty lora_targets list as loaded (the family's defaults) reads back empty while
    // the defaults stay checked; once a box is toggled the checked list is written.
    void readModel(ModelConfig& model, std::vector<ConfigError>& errors) const;

    // What "Start from a Hugging Face folder…" does once the dialog returns dir: sets the
    // checkpoint field and remembers dir (QSettings key kLastFolderKey) for the next dialog.
    void chooseFolder(const QString& dir);
    // "From scratch": clears the checkpoint; the family and size fields apply again.
    void startFromScratch();
    // The downstream phase's optimizer ("sgd", "adam", "adamw") and the run's device
    // ("auto", "cpu", "cuda:N") the memory estimate is for. SetupPanel passes them on every
    // edit; until then the ExperimentConfig defaults.
    void setTrainingContext(const std::string& optimizer, const std::string& device);

    // The live summaries (also for tests): "842,496 parameters …", LoRA's share, the
    // folder's summary rows ("" without a readable folder), the memory estimate and, when
    // it does not fit, the advice ("" when it fits), and the folder's problem ("" = none).
    QString parameterText() const;
    QString loraText() const;
    QString folderSummaryText() const;
    ModelFolderSummary* folderSummary() const { return m_summary; }
    QString memoryText() const;
    QString memoryAdvice() const;
    QString folderError() const;
    // The family the LoRA targets are shown for: the folder's, or the family field's.
    std::string targetFamily() const { return m_targetFamily; }

    static constexpr const char* kLastFolderKey = "setup/lastModelFolder";

private:
    void refresh();
    void chooseFolderWithDialog();
    // Replaces the target boxes by the family's (plus unknown names in `checked`).
    void rebuildTargets(const std::string& family, const std::vector<std::string>& checked);
    void addTargetBox(const std::string& name);
    std::vector<std::string> checkedTargets() const;
    // The folder as last read ("" checkpoint: nothing).
    const FolderReading* folder() const;
    // The family the LoRA boxes should show now.
    std::string wantedTargetFamily() const;
    // The architecture the size and LoRA labels count: the folder's, or the family with
    // the size fields. source: where it came from; problem: why there is none.
    std::optional<LmArchitecture> architecture(QString* problem, QString* source) const;

    QComboBox* m_kind;
    QComboBox* m_head;
    QGroupBox* m_classifierBox;
    QLineEdit* m_hidden;
    QComboBox* m_activation;
    QLineEdit* m_channels;

    QGroupBox* m_gptBox;
    QFormLayout* m_gptForm;
    QLineEdit* m_checkpoint;
    QPushButton* m_chooseFolder;
    QPushButton* m_fromScratch;
    QWidget* m_summaryRow;
    ModelFolderSummary* m_summary;
    QLabel* m_scratchNote;  // with a folder: the fields below are for from scratch
    QComboBox* m_family;
    QSpinBox* m_layers;
    QSpinBox* m_heads;
    QSpinBox* m_embd;
    QSpinBox* m_context;
    QComboBox* m_tokenizer;
    QLineEdit* m_tokenizerDir;
    QWidget* m_tokenizerDirRow;  // the folder and its Browse button
    QCheckBox* m_gradientCheckpointing;
    QLabel* m_parameters;
    QLabel* m_memory;
    QWidget* m_memoryAdviceRow;  // warning icon + advice, shown when it does not fit
    QLabel* m_memoryAdvice;

    QGroupBox* m_loraBox;
    QSpinBox* m_loraRank;
    NumberField* m_loraAlpha;
    QWidget* m_targetsBox;
    std::vector<std::pair<std::string, QCheckBox*>> m_targets;
    QLabel* m_loraParameters;
    // The targets as last set, so reading them back keeps their order.
    std::vector<std::string> m_targetOrder;
    std::string m_targetFamily = "gpt2";
    // The config's list was empty (the family's defaults) and no box was toggled since.
    bool m_targetsAreDefaults = false;
    bool m_loading = false;  // setModel in progress: refresh once at the end

    std::string m_optimizer;
    std::string m_device;
    mutable ModelFolderReader m_reader;
    mutable TokenizerVocabulary m_vocabulary;
};

}  // namespace forgetlab::ui
