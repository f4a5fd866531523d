#pragma once
// Engine-internal (no torch). A JSON file of a model folder read with a message that names it.
#include <string>

#include <nlohmann/json.hpp>

namespace forgetlab {

// Throws ModelFolderError naming the file: cannot open (`what` says what it is for), or not
// valid JSON (truncated or damaged).
nlohmann::json readJsonFile(const std::string& path, const std::string& what);

}  // namespace forgetlab
