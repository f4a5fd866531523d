#pragma once
// Engine-internal (includes torch). The one way a runner writes a checkpoint, so every
// checkpoint of every runner reads alike: a LoRA model is stored with its adapters folded in
// (a plain model of the configured architecture, which analyses, Wise-FT and export load
// without knowing about LoRA), and the metadata always says tag, step and format.

#include <cstdint>
#include <map>
#include <string>

#include "engine/models/internal/models.h"

namespace forgetlab {

// The "format" metadata of ForgetLab's own checkpoints (Hugging Face exports say "pt").
inline constexpr const char* kCheckpointFormat = "forgetlab";

// Writes `model` as DIR/TAG.safetensors with metadata {tag, step, format} plus `extra`
// (e.g. where a derived model came from) and returns the file; does nothing and returns ""
// when dir is empty (a run without checkpoints).
std::string writeCheckpoint(ForgetModel& model, const std::string& dir, const std::string& tag,
                            int64_t step, const std::map<std::string, std::string>& extra = {});

}  // namespace forgetlab
