#pragma once
// Validation of the language-model parts of a configuration (model.kind "gpt", text
// tasks, LoRA, live samples), used by config.cpp. Plain C++.

#include <string>
#include <vector>

#include "engine/core/config.h"

namespace forgetlab {

// A task of kind "text": language, domains, sizes. Errors are named under `path`.
void validateTextTask(const TaskConfig& task, const std::string& path,
                      std::vector<ConfigError>& errors);

// Everything model.kind "gpt" requires: sizes, tokenizer, LoRA, text tasks on both phases,
// no task sequence, the samples settings (a byte prompt must fit the context).
void validateLanguageModel(const ExperimentConfig& config, std::vector<ConfigError>& errors);

}  // namespace forgetlab
