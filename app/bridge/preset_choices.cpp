#include "app/bridge/preset_choices.h"

#include <exception>

#include "engine/core/config.h"
#include "engine/core/presets.h"

namespace forgetlab::app {

QVector<ui::PresetChoice> loadPresetChoices(QStringList* problems) {
    QVector<ui::PresetChoice> choices;
    std::vector<Preset> presets;
    try {
        presets = listPresets();
    } catch (const std::exception& e) {
        if (problems) *problems << QString::fromStdString(e.what());
        return choices;
    }
    for (const Preset& p : presets) {
        const ConfigParseResult parsed = parseConfig(p.json);
        if (!parsed.ok()) {
            if (problems) {
                *problems << QStringLiteral("preset %1: %2")
                                 .arg(QString::fromStdString(p.name),
                                      QString::fromStdString(formatErrors(parsed.errors)));
            }
            continue;
        }
        choices.push_back({QString::fromStdString(p.name), QString::fromStdString(p.title),
                           QString::fromStdString(p.explanation), parsed.config});
    }
    return choices;
}

ui::SetupPanel::Validator engineValidator() {
    return [](const ExperimentConfig& config) { return validateConfig(config); };
}

}  // namespace forgetlab::app
