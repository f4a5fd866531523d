#pragma once
// Engine-internal (includes torch). The upstream and downstream tasks of an experiment,
// each from its phase's task.source (Fashion-MNIST, a person's images, CSV table or IDX
// pair; for model.kind "gpt" the fortune corpora or text files), the output count of each
// head of its model and the shape of one input example.

#include <memory>
#include <vector>

#include "engine/core/config.h"
#include "engine/data/input_shape.h"
#include "engine/data/internal/tasks.h"
#include "engine/data/tokenizer.h"
#include "engine/models/model_folder.h"

namespace forgetlab {

struct ExperimentTasks {
    Task up, down;
    std::vector<int> heads;                      // for buildModel
    InputShape input;                            // for buildModel (MLP/CNN)
    std::shared_ptr<const Tokenizer> tokenizer;  // language models only
    TokenizerSetup tok;                          // with its BOS/EOS rules
    LmArchitecture arch;                         // the language model's architecture
};

// Image and table sources: the two phases may read different sources only when their
// examples have the same shape (DataError otherwise, naming both); a shared head then has
// one output per class of the source with more classes (Fashion-MNIST: 10).
// Throws DataError / FortuneError / TokenizerError / std::runtime_error with a message
// naming the missing package, file or field.
ExperimentTasks buildExperimentTasks(const ExperimentConfig& config);

}  // namespace forgetlab
