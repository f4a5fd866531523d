// Input shapes from the configuration and file headers only (a CSV's first line, an IDX
// file's first 16 bytes), so that validation and the GUI can ask without reading a data set,
// and the checks of what an image or table source contradicts elsewhere in a configuration.

#include "engine/data/input_shape.h"

#include <fstream>
#include <memory>
#include <stdexcept>

#include <zlib.h>

#include "engine/data/data_files.h"

namespace forgetlab {
namespace {

std::string trimmed(const std::string& s) {
    const size_t b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) return {};
    return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

// The column names of a CSV's header, its first non-blank record (RFC 4180 quotes, which
// may hold commas and line breaks; "" is a quote). The full reader (csv_dataset.cpp) reports
// a malformed header; here it only has to count.
std::vector<std::string> csvHeader(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DataError(path + ": cannot open the file (missing or unreadable)");
    std::string record, line;
    while (std::getline(in, line)) {
        if (record.empty() && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);
        if (record.empty() && trimmed(line).empty()) continue;
        record += line;
        size_t quotes = 0;
        for (char ch : record) quotes += ch == '"';
        if (quotes % 2 == 0) break;  // no quoted field left open
        record += '\n';
    }
    if (trimmed(record).empty())
        throw DataError(path +
                        ": the file is empty: a CSV needs a header row with the column "
                        "names, then one row per example");
    std::vector<std::string> names;
    std::string field;
    bool quoted = false;
    for (size_t i = 0; i < record.size(); ++i) {
        const char ch = record[i];
        if (quoted) {
            if (ch == '"' && i + 1 < record.size() && record[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (ch == '"') {
                quoted = false;
            } else {
                field += ch;
            }
        } else if (ch == '"') {
            quoted = true;
        } else if (ch == ',') {
            names.push_back(trimmed(field));
            field.clear();
        } else {
            field += ch;
        }
    }
    names.push_back(trimmed(field));
    return names;
}

struct GzCloser {
    void operator()(gzFile f) const {
        if (f) gzclose(f);
    }
};

// Height and width from an IDX images file's header (gzip or not: zlib reads both).
InputShape idxImagesShape(const std::string& path) {
    const std::string images = idxPairFor(path).images;
    std::unique_ptr<std::remove_pointer_t<gzFile>, GzCloser> f(gzopen(images.c_str(), "rb"));
    if (!f) throw DataError(images + ": cannot open for reading");
    unsigned char header[16];
    const int got = gzread(f.get(), header, sizeof header);
    if (got < 4 || header[0] != 0 || header[1] != 0 || header[2] != 0x08)
        throw DataError(images + ": not an IDX file of unsigned bytes");
    if (header[3] != 3 || got < 16)
        throw DataError(images + ": expected images, an IDX array of N x height x width (idx3)");
    auto dim = [&](int k) {
        const unsigned char* b = header + 4 + 4 * k;
        return int((uint32_t(b[0]) << 24) | (uint32_t(b[1]) << 16) | (uint32_t(b[2]) << 8) |
                   uint32_t(b[3]));
    };
    return InputShape::image(1, dim(1), dim(2));
}

}  // namespace

std::string InputShape::text() const {
    if (!isImage()) return std::to_string(features) + (features == 1 ? " feature" : " features");
    return std::to_string(channels) + " x " + std::to_string(height) + " x " +
           std::to_string(width) +
           (channels == 1   ? " grey"
            : channels == 3 ? " RGB"
                            : "") +
           " images";
}

InputShape taskInputShape(const TaskConfig& task) {
    const std::string src = taskSource(task);
    if (src == "fashion-mnist") return InputShape::image(1, 28, 28);
    if (src == "images")
        return InputShape::image(task.channels == 3 ? 3 : 1, task.image_size, task.image_size);
    if (src == "idx") return idxImagesShape(task.path);
    if (src == "csv") {
        const std::vector<std::string> names = csvHeader(task.path);
        int label = 0;
        for (const auto& n : names) label += n == task.label_column;
        if (label == 0)
            throw DataError(task.path + ": no column named \"" + task.label_column + "\"");
        return InputShape::table(static_cast<int>(names.size()) - label);
    }
    throw std::invalid_argument("source " + src + " holds text, not images or a table");
}

std::string inputShapeMismatch(const ExperimentConfig& config, const InputShape& up,
                               const InputShape& down) {
    if (up == down) return {};
    return "the downstream examples (" + taskSource(config.downstream.task) + ") are " +
           down.text() + " but the upstream ones (" + taskSource(config.upstream.task) + ") are " +
           up.text() +
           ": one model takes both, so their shapes must agree (the same image_size and "
           "channels, or the same number of feature columns)";
}

InputShape experimentInputShape(const ExperimentConfig& config) {
    const InputShape up = taskInputShape(config.upstream.task);
    const std::string mismatch =
        inputShapeMismatch(config, up, taskInputShape(config.downstream.task));
    if (!mismatch.empty()) throw DataError(mismatch);
    return up;
}

void checkImageSources(const ExperimentConfig& c, std::vector<ConfigError>& e) {
    if (isLanguageModel(c)) return;
    bool shapesKnown = true, cnnOnTable = false;
    auto check = [&](const TaskConfig& task, const std::string& p) {
        const std::string src = taskSource(task);
        if (isTextSource(src)) {  // validateDataSources names that mismatch
            shapesKnown = false;
            return;
        }
        if (src == "csv" && c.model.kind == "cnn" && !cnnOnTable) {
            cnnOnTable = true;
            e.push_back({"model.kind", "a CNN convolves images, but " + p +
                                           ".source csv is a table of features: use model.kind "
                                           "mlp, or an image source (images, idx)"});
        }
        if (src == "csv" && task.rotation != 0)
            e.push_back({p + ".rotation",
                         "rotation turns images, but source csv is a table of "
                         "features: set rotation to 0"});
        if (src != "fashion-mnist" && c.sequence.tasks > 0)
            e.push_back({"sequence.tasks", "a task sequence is built from Fashion-MNIST, but " + p +
                                               ".source is " + src +
                                               ": set sequence.tasks to 0 or the source to "
                                               "fashion-mnist"});
        try {
            taskInputShape(task);
        } catch (const std::exception&) {
            shapesKnown = false;  // validateDataSources reports the file's problems
        }
    };
    check(c.upstream.task, "upstream.task");
    check(c.downstream.task, "downstream.task");
    if (!shapesKnown) return;
    try {
        experimentInputShape(c);
    } catch (const DataError& ex) {
        e.push_back({"downstream.task.source", ex.what()});
    }
}

}  // namespace forgetlab
