#pragma once
// Turns the engine's presets into the setup panel's choices (parsed configs), and gives
// the panel the engine's validator, so ui/ needs no engine library.

#include <QStringList>
#include <QVector>

#include "ui/setup/setup_panel.h"

namespace forgetlab::app {

// Presets that fail to load or parse are left out and described in problems.
QVector<ui::PresetChoice> loadPresetChoices(QStringList* problems);

ui::SetupPanel::Validator engineValidator();

}  // namespace forgetlab::app
