#pragma once
// Engine-internal (includes torch). The upstream and downstream tasks of an experiment,
// from Fashion-MNIST or (model.kind "gpt") from the fortune corpora, and the output count
// of each head of its model.

#include <memory>
#include <vector>

#include "engine/core/config.h"
#include "engine/data/internal/tasks.h"
#include "engine/data/tokenizer.h"
#include "engine/models/model_folder.h"

namespace forgetlab {

struct ExperimentTasks {
    Task up, down;
    std::vector<int> heads;                      // for buildModel
    std::shared_ptr<const Tokenizer> tokenizer;  // language models only
    TokenizerSetup tok;                          // with its BOS/EOS rules
    LmArchitecture arch;                         // the language model's architecture
};

// Throws DataError / FortuneError / TokenizerError / std::runtime_error with a message
// naming the missing package, file or field.
ExperimentTasks buildExperimentTasks(const ExperimentConfig& config);

}  // namespace forgetlab
