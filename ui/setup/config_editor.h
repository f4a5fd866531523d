#pragma once
// ConfigEditor: base of the widgets that edit one part of an ExperimentConfig. It adds
// labelled rows whose editors are named after their config path and carry an error label
// (FieldErrors), and emits changed() whenever any of them is edited.

#include <QString>
#include <QWidget>
#include <vector>

#include "engine/core/config.h"

class QFormLayout;
class QLineEdit;

namespace forgetlab::ui {

class FieldErrors;
class NumberField;

class ConfigEditor : public QWidget {
    Q_OBJECT
public:
    ConfigEditor(QString pathPrefix, FieldErrors& errors, QWidget* parent = nullptr);

Q_SIGNALS:
    void changed();

protected:
    // Adds "label  [editor]" to form; the editor's config path is prefix.key. A trailing
    // widget (a button) sits right of the editor. Returns the row's field widget (for
    // QFormLayout::setRowVisible).
    QWidget* addRow(QFormLayout* form, const QString& label, const QString& key, QWidget* editor,
                    const QString& toolTip = {}, QWidget* trailing = nullptr);
    // A folder path typed or chosen with a "Browse…" button (named path + ".browse").
    QWidget* addFolderRow(QFormLayout* form, const QString& label, const QString& key,
                          QLineEdit* editor, const QString& toolTip = {});
    QString path(const QString& key) const;
    // A compact form layout installed on widget.
    static QFormLayout* newForm(QWidget* widget);
    // Reads a NumberField into target, or records a "not a number" error for its path.
    void readNumber(const NumberField* field, const QString& key, double& target,
                    std::vector<ConfigError>& errors) const;

    FieldErrors& m_errors;

private:
    QString m_prefix;
};

}  // namespace forgetlab::ui
