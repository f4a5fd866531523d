#include "engine/train/internal/checkpoints.h"

#include <filesystem>

#include "engine/models/internal/gpt_model.h"
#include "engine/models/internal/safetensors.h"

namespace forgetlab {
namespace fs = std::filesystem;

std::string writeCheckpoint(ForgetModel& model, const std::string& dir, const std::string& tag,
                            int64_t step) {
    if (dir.empty()) return {};
    fs::create_directories(dir);
    const std::string file = (fs::path(dir) / (tag + ".safetensors")).string();
    auto* gpt = dynamic_cast<GptModel*>(&model);
    saveSafetensors(file, gpt && gpt->hasLora() ? gpt->gpt2Tensors() : moduleTensors(model),
                    {{"tag", tag}, {"step", std::to_string(step)}, {"format", kCheckpointFormat}});
    return file;
}

}  // namespace forgetlab
