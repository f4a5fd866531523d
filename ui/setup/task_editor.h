#pragma once
// TaskEditor: edits a TaskConfig for the upstream or the downstream phase: where its examples
// come from (task.source: Fashion-MNIST, an image folder, a CSV table or IDX files for the
// MLP/CNN; fortunes, text files, instruction data or generated instructions for a language
// model, only those that fit the model being offered), the path with a file or folder dialog,
// the source's own options (split and text field, template, generator, image size and
// channels, label column), and the task itself: an image task (which classes, optional pixel
// permutation, rotation, input noise and label shuffle) or a text task (the fortunes of a
// language, optionally only some of its files), and how many train/test examples it draws.
// A path that cannot be used is reported beside the field (config validation opens the file).

#include <QList>
#include <memory>
#include <string>

#include "ui/setup/config_editor.h"

class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QMenu;
class QSpinBox;
class QToolButton;

namespace forgetlab::ui {
class FormRows;
class NumberField;
}  // namespace forgetlab::ui

namespace forgetlab::ui {

class TaskEditor : public ConfigEditor {
    Q_OBJECT
public:
    TaskEditor(const QString& pathPrefix, FieldErrors& errors, QWidget* parent = nullptr);
    ~TaskEditor() override;

    void setTask(const TaskConfig& task);
    // Fills task from the widgets; text that cannot be read becomes an error.
    void readTask(TaskConfig& task, std::vector<ConfigError>& errors) const;
    // The fortunes folder (ExperimentConfig::text_dir): the Domains field lists its files.
    void setTextFolder(const QString& root);
    // The model kind ("mlp", "cnn", "gpt"): the source chooser offers what fits it.
    void setModelKind(const std::string& kind);
    // The counts the data preview found, shown under the path.
    void setCounts(const QString& counts);

    // What the Browse… dialog does once it returns path: sets the path field and remembers
    // the path (QSettings key kLastDataKey) for the next dialog.
    void choosePath(const QString& path);
    static constexpr const char* kLastDataKey = "setup/lastDataPath";

private:
    void updateEnabled();
    void updateDomainHint();
    void updateSourceItems();
    void onKindChosen();
    void onSourceChosen();
    // Opens the dialog the source needs (folder: a folder dialog, else a file dialog).
    void browse(bool folder);
    void updateBrowse();
    std::string sourceValue() const;

    QComboBox* m_kind;
    QComboBox* m_source;
    QLineEdit* m_path;
    QToolButton* m_browse;
    QMenu* m_browseMenu;
    QLabel* m_counts;
    QComboBox* m_split;
    QLineEdit* m_textField;
    QComboBox* m_template;
    QComboBox* m_generator;
    QSpinBox* m_imageSize;
    QComboBox* m_channels;
    QLineEdit* m_labelColumn;
    QLineEdit* m_classes;
    QSpinBox* m_permutationSeed;
    QSpinBox* m_trainSize;
    QSpinBox* m_testSize;
    NumberField* m_rotation;
    NumberField* m_noise;
    QSpinBox* m_labelSeed;
    QComboBox* m_language;
    QLineEdit* m_domains;
    // Rows shown only for image tasks, and only for fortunes.
    QList<QWidget*> m_imageRows;
    QList<QWidget*> m_textRows;
    QWidget* m_pathRow;
    QWidget* m_splitRow;
    QWidget* m_textFieldRow;
    QWidget* m_templateRow;
    QWidget* m_generatorRow;
    QWidget* m_imageSizeRow;
    QWidget* m_channelsRow;
    QWidget* m_labelColumnRow;
    QFormLayout* m_form;
    std::unique_ptr<FormRows> m_rows;  // which rows the form shows
    QString m_textRoot;
    QString m_hintFor;  // root + language the Domains tooltip was made for
    std::string m_modelKind = "mlp";
    // task.source as set: "" (the default by kind) reads back as "" while the chooser
    // shows that default.
    std::string m_loadedSource;
    bool m_syncing = false;  // kind and source are being set together
};

}  // namespace forgetlab::ui
