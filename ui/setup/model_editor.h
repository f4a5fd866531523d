#pragma once
// ModelEditor: edits the ModelConfig: a classifier (MLP or CNN: layer sizes, activation,
// and whether the tasks share one classifier head or get one each) or a GPT language
// model (size, tokenizer, optional pre-trained checkpoint, LoRA adapters for
// fine-tuning), with the GPT's parameter count and LoRA's trainable share shown live.

#include <QHash>
#include <QPair>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ui/setup/config_editor.h"

class QCheckBox;
class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace forgetlab::ui {

// Parameters of a GPT-2 style model with tied input/output embeddings: token and position
// embeddings, per layer two LayerNorms, the attention (c_attn E->3E, c_proj E->E) and the
// MLP (E->4E->E), and the final LayerNorm: V*E + ctx*E + L*(12E^2 + 13E) + 2E.
int64_t gptParameterCount(int64_t layers, int64_t embd, int64_t context, int64_t vocab);
// LoRA adapters (A: in x r, B: r x out) on the named projections of every layer.
// Unknown projection names count nothing.
int64_t loraParameterCount(int64_t layers, int64_t embd, int64_t rank,
                           const std::vector<std::string>& targets);
// The projections LoRA can adapt, in display order.
const std::vector<std::string>& loraTargetNames();

class ModelEditor : public ConfigEditor {
    Q_OBJECT
public:
    explicit ModelEditor(FieldErrors& errors, QWidget* parent = nullptr);

    void setModel(const ModelConfig& model);
    void readModel(ModelConfig& model, std::vector<ConfigError>& errors) const;

    // The live size summaries (also for tests): "842,496 parameters …" and LoRA's share.
    QString parameterText() const;
    QString loraText() const;

private:
    struct GptShape {
        int64_t layers = 0, embd = 0, context = 0, vocab = 0;
        QString source;  // where the sizes came from, for the label
    };
    void refresh();
    void addTargetBox(const std::string& name);
    std::vector<std::string> checkedTargets() const;
    std::optional<GptShape> gptShape(QString* problem) const;
    std::optional<int> vocabularySize(const QString& dir) const;

    QComboBox* m_kind;
    QComboBox* m_head;
    QGroupBox* m_classifierBox;
    QLineEdit* m_hidden;
    QComboBox* m_activation;
    QLineEdit* m_channels;

    QGroupBox* m_gptBox;
    QSpinBox* m_layers;
    QSpinBox* m_heads;
    QSpinBox* m_embd;
    QSpinBox* m_context;
    QComboBox* m_tokenizer;
    QLineEdit* m_tokenizerDir;
    QWidget* m_tokenizerDirRow;  // the folder and its Browse button
    QLineEdit* m_checkpoint;
    QLabel* m_parameters;

    QGroupBox* m_loraBox;
    QSpinBox* m_loraRank;
    NumberField* m_loraAlpha;
    QWidget* m_targetsBox;
    std::vector<std::pair<std::string, QCheckBox*>> m_targets;
    QLabel* m_loraParameters;
    // The targets as last set, so reading them back keeps their order.
    std::vector<std::string> m_targetOrder;
    // vocab.json sizes by file (path -> (modified, entries)): parsed once, not per edit.
    mutable QHash<QString, QPair<qint64, int>> m_vocabCache;
};

}  // namespace forgetlab::ui
