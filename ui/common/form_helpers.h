#pragma once
// Small helpers shared by the experiment editors: choice boxes keyed by the config's
// string values, integer lists typed as "256, 256", and one "something changed" hook for
// any editor widget.

#include <QString>
#include <QStringList>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

class QComboBox;
class QFormLayout;
class QGroupBox;
class QLineEdit;
class QVBoxLayout;
class QSpinBox;
class QWidget;
class QObject;

namespace forgetlab::ui {

// Items are (config value, text shown).
QComboBox* makeChoice(const std::vector<std::pair<const char*, QString>>& items);
void setChoice(QComboBox* box, const std::string& value);
std::string choice(const QComboBox* box);

QSpinBox* makeIntSpin(int minimum, int maximum);

QString formatIntList(const std::vector<int>& values);
// "0, 1, 2" or "0 1 2" -> {0,1,2}; nothing when a part is not an integer.
std::optional<std::vector<int>> parseIntList(const QString& text);

// Names typed as "science, literature" (commas or spaces) <-> {"science", "literature"}.
QString formatNameList(const std::vector<std::string>& names);
std::vector<std::string> parseNameList(const QString& text);

// A titled group box with a one-line explanation (may be empty) and its own compact form,
// appended to layout. *box receives the group box when asked for.
QFormLayout* addSection(QVBoxLayout* layout, const QString& title, const QString& explanation,
                        QGroupBox** box = nullptr);

// Calls onChange whenever the user (or code) changes the editor's value.
void watchEdits(QWidget* editor, QObject* context, const std::function<void()>& onChange);

}  // namespace forgetlab::ui
