#include "engine/train/internal/checkpoints.h"

#include <filesystem>

#include "engine/models/internal/language_model.h"
#include "engine/models/internal/safetensors.h"

namespace forgetlab {
namespace fs = std::filesystem;

std::string writeCheckpoint(ForgetModel& model, const std::string& dir, const std::string& tag,
                            int64_t step, const std::map<std::string, std::string>& extra) {
    if (dir.empty()) return {};
    fs::create_directories(dir);
    const std::string file = (fs::path(dir) / (tag + ".safetensors")).string();
    auto* lm = dynamic_cast<LanguageModel*>(&model);
    std::map<std::string, std::string> metadata = extra;
    metadata["tag"] = tag;
    metadata["step"] = std::to_string(step);
    metadata["format"] = kCheckpointFormat;
    saveSafetensors(file, lm && lm->hasLora() ? lm->hfTensors() : moduleTensors(model), metadata);
    return file;
}

}  // namespace forgetlab
