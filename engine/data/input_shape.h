#pragma once
// The shape of one example that an image or table source gives the MLP/CNN (issue 15: "the
// model's input size comes from the data"), known from the configuration and, at most, a
// file's header: Fashion-MNIST is 1 x 28 x 28, an image folder channels x image_size x
// image_size, an IDX pair 1 x height x width from its images file's header, a CSV table its
// feature columns from its header line. One model takes both phases' examples, so their
// shapes must agree; checkImageSources reports that and the other contradictions between an
// image/table source and the rest of a configuration before a run is created. Plain C++ (no
// torch), for the engine, the CLI and the GUI alike.

#include <string>
#include <vector>

#include "engine/core/config.h"

namespace forgetlab {

struct InputShape {
    int channels = 1, height = 28, width = 28;  // an image [C, H, W]; all 0 for a table row
    int features = 28 * 28;                     // values per example: C*H*W, or the columns

    static InputShape image(int channels, int height, int width) {
        return {channels, height, width, channels * height * width};
    }
    static InputShape table(int features) { return {0, 0, 0, features}; }
    bool isImage() const { return height > 0 && width > 0; }
    // "3 x 16 x 16 images" or "12 features": for messages.
    std::string text() const;
    bool operator==(const InputShape& o) const {
        return channels == o.channels && height == o.height && width == o.width &&
               features == o.features;
    }
    bool operator!=(const InputShape& o) const { return !(*this == o); }
};

// The shape of a (non-text) task's examples, read from the configuration and, for csv and
// idx, from the file's first line or header only. Throws DataError when that file cannot
// tell (missing, empty, no label column, not IDX images), std::invalid_argument for a text
// source.
InputShape taskInputShape(const TaskConfig& task);

// The shape of an experiment's examples: the upstream task's, after checking that the
// downstream task's agrees. Throws DataError naming both shapes when they differ.
InputShape experimentInputShape(const ExperimentConfig& config);
// The message for phases whose example shapes differ (naming both and the fix); "" if
// they agree.
std::string inputShapeMismatch(const ExperimentConfig& config, const InputShape& upstream,
                               const InputShape& downstream);

// What an image or table source contradicts in a configuration (none for a language model):
// a CNN or a rotation on a CSV table (neither has pixels), a task sequence (built from
// Fashion-MNIST only) with another source, and phases whose input shapes differ. A file that
// cannot be read is left to validateDataSources, which names its problems.
void checkImageSources(const ExperimentConfig& config, std::vector<ConfigError>& errors);

}  // namespace forgetlab
