#pragma once
// BenchmarkEditor: edits eval.benchmarks and eval.benchmark_every, the multiple-choice
// benchmarks a language model is scored on before fine-tuning, every few steps and at the
// end (its "general ability"). Each row is a benchmark file (MMLU CSV or JSONL, chosen with a
// file dialog) with its shots and the file they come from, or the built-in fortune cloze with
// its language and question count; rows are added and removed with buttons. Validation's
// messages appear under the row's field (eval.benchmarks[2].file), including a file's
// problems with their line numbers.
//
// Rows removed are hidden and kept for reuse rather than deleted: FieldErrors holds a label
// per field path, so the widgets for eval.benchmarks[i] live as long as the editor.

#include <memory>
#include <vector>

#include "ui/setup/config_editor.h"

class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QToolButton;
class QVBoxLayout;

namespace forgetlab::ui {

class BenchmarkEditor : public ConfigEditor {
    Q_OBJECT
public:
    explicit BenchmarkEditor(FieldErrors& errors, QWidget* parent = nullptr);
    ~BenchmarkEditor() override;

    void setBenchmarks(const EvalConfig& eval);
    void readBenchmarks(EvalConfig& eval, std::vector<ConfigError>& errors) const;
    // Benchmarks score language models: for another model the section says so.
    void setLanguageModel(bool languageModel);

    int count() const { return m_count; }
    // What the Add buttons do; the index of the new row.
    int addFileBenchmark();
    int addCloze();
    void removeBenchmark(int index);
    // What a row's Browse… does once the dialog returns path (shotsFile: the shots' file):
    // sets the field and remembers the path (QSettings key kLastBenchmarkKey).
    void chooseFile(int index, const QString& path, bool shotsFile = false);
    static constexpr const char* kLastBenchmarkKey = "setup/lastBenchmarkFile";

private:
    struct Row;
    Row& row(int index);
    void setRows(const std::vector<BenchmarkConfig>& benchmarks);
    std::vector<BenchmarkConfig> rows() const;
    void fillRow(Row& r, const BenchmarkConfig& b);
    BenchmarkConfig readRow(const Row& r) const;
    void updateRow(Row& r);
    void browse(int index, bool shotsFile);
    void updateTabOrder();
    void updateEmpty();

    QSpinBox* m_every;
    QVBoxLayout* m_rowsLayout;
    QLabel* m_empty;
    QLabel* m_modelNote;
    QPushButton* m_addFile;
    QPushButton* m_addCloze;
    std::vector<std::unique_ptr<Row>> m_rows;  // the first m_count are shown
    int m_count = 0;
    bool m_languageModel = true;
};

}  // namespace forgetlab::ui
