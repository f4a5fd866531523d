#pragma once
// What the Model tab shows about a Hugging Face model folder: ModelFolderReader reads a
// folder with the engine's inspectModelFolder (config.json, the safetensors headers, the
// tokenizer files) and keeps the answer until one of those files changes, so the form can
// ask on every edit; ModelFolderSummary lays the answer out as labelled rows (family,
// sizes, parameters, weights, tokenizer, LoRA's trainable count). Plus the names and
// tooltips the form gives each family and LoRA target.

#include <QHash>
#include <QPair>
#include <QString>
#include <QWidget>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/models/model_folder.h"

class QFormLayout;
class QLabel;

namespace forgetlab::ui {

// "842,496", grouped the same way whatever the system locale.
QString groupedCount(int64_t n);
// "842.5 k", "124.44 M", "6.74 B".
QString shortCount(int64_t n);
// "Llama", "GPT-NeoX (Pythia)", ...; the config value itself for a family not known here.
QString familyTitle(const std::string& family);
// What a LoRA target of the family is ("Attention's query projection (E → 32×128)").
QString loraTargetToolTip(const std::string& family, const std::string& name);

// One folder as the form needs it.
struct FolderReading {
    QString dir;
    std::optional<ModelFolderInfo> info;  // the whole folder read
    // The architecture from config.json alone: also there when only the weights are the
    // problem (missing, truncated), so the sizes can still be counted.
    std::optional<LmArchitecture> arch;
    QString error;  // why the folder cannot be used (names the file and the fix); "" = fine
};

class ModelFolderReader {
public:
    // Reads dir, or returns the last reading of it when its files have not changed since.
    const FolderReading& read(const QString& dir);

private:
    QString stamp(const QString& dir) const;

    FolderReading m_last;
    QString m_lastStamp;
    bool m_valid = false;
};

// The vocabulary size of a tokenizer folder's files (from scratch, the embedding rows):
// vocab.json's entries, or with hfFiles tokenizer.json's (its model's vocabulary, or the
// highest added token id + 1) when there is one. Parsed once per file version.
class TokenizerVocabulary {
public:
    std::optional<int> entries(const QString& dir, bool hfFiles);

private:
    QHash<QString, QPair<qint64, int>> m_cache;  // path -> (modified, entries)
};

class ModelFolderSummary : public QWidget {
    Q_OBJECT
public:
    explicit ModelFolderSummary(QWidget* parent = nullptr);

    // tokenizer: the form's tokenizer choice (auto | byte | bpe | hf), to say which
    // tokenizer a run uses; trainable: LoRA's line ("" = LoRA off: every weight trains).
    void showFolder(const ModelFolderInfo& info, const std::string& tokenizer,
                    const QString& trainable);
    // Every row as "Label: value" lines (tests, accessibility).
    QString text() const;
    // One row's value by its key: family, layers, hidden, heads, context, vocabulary,
    // parameters, weights, tokenizer, trainable.
    QString value(const QString& key) const;

private:
    QLabel* addValue(const QString& key, const QString& label, const QString& toolTip);

    QFormLayout* m_form;
    std::vector<std::pair<QString, QLabel*>> m_rows;  // key -> value label
};

}  // namespace forgetlab::ui
