#pragma once
// Presets: named experiment configs with a one-paragraph explanation, kept as
// resources/presets/NAME.json + NAME.md.

#include <string>
#include <vector>

#include "engine/core/config.h"

namespace forgetlab {

struct Preset {
    std::string name;
    std::string title;        // first line of the explanation, without '#'
    std::string explanation;  // the rest of the Markdown
    std::string json;
};

inline constexpr const char* kDefaultPreset = "split-fmnist-sgd";

// Folder holding presets/: $FORGETLAB_RESOURCES, beside the executable, or the source tree.
std::string resourceDir();
std::vector<Preset> listPresets();
// Throws std::runtime_error naming the known presets if there is none with that name.
Preset loadPreset(const std::string& name);

}  // namespace forgetlab
