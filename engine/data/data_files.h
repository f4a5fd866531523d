#pragma once
// A person's own labelled data for the MLP/CNN (issue 15, task.source = images | csv | idx):
// a folder of images with one subfolder per class, a CSV table, or an MNIST-format IDX pair,
// read into one plain-C++ shape that the task builder turns into tensors, config validation
// checks before a run is created, and the GUI counts and previews beside the field. No torch
// here, so the CLI, the GUI and tests use it alike. Errors are DataError (idx_reader.h).
//
// Path conventions
// - Image folder: `path` is a folder with one subfolder per class. Class names are the
//   subfolder names, class ids their positions in byte-wise sorted order. Every PNG, JPEG
//   or BMP file (by extension, any case) below a class folder, in subfolders too, is an
//   example of that class, in byte-wise sorted order of its path. Names starting with '.'
//   are skipped; other files are skipped with a note. Images are converted to the channels
//   asked for (grey = 0.299 R + 0.587 G + 0.114 B; grey to RGB repeats the value; an alpha
//   channel is dropped) and resized as image_resize.h says, each conversion noted.
// - CSV: `path` is a comma-separated file (RFC 4180 quoting), UTF-8, first row the column
//   names. Every column except the label column is a numeric feature, in file order, written
//   as C writes numbers whatever the locale; an empty, non-finite or out-of-float-range
//   value is an error, never a guess. Blank lines are skipped. Labels that are all
//   non-negative integers are the class ids themselves (classes 0..max, as Fashion-MNIST's
//   are, so task.classes means what the file says); any other labels are class names, their
//   ids the positions of the names in byte-wise sorted order (independent of row order).
//   A model has one output per class, so an integer label above 9999 or more than 10,000
//   names is refused.
// - IDX: `path` is either an images file whose name contains "images" (e.g.
//   train-images-idx3-ubyte.gz, t10k-images.idx3-ubyte): its labels are the file in the same
//   folder whose name has the last "images" replaced by "labels" and "idx3" (if there) by
//   "idx1" (that name is tried first, then with ".gz" added or removed; gzip or not is told
//   by the content, not the name); or a folder that holds train-images-idx3-ubyte[.gz] and
//   train-labels-idx1-ubyte[.gz] and may hold the t10k- pair too (MNIST's and
//   Fashion-MNIST's layout), whose examples then form the source's own test split
//   (DataSummary::test_count). Label bytes are the class ids 0..max.

#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/config.h"
#include "engine/data/idx_reader.h"

namespace forgetlab {

enum class DataSourceKind { ImageFolder, Csv, Idx };

// Where a task's examples come from and how to read them.
struct DataSource {
    DataSourceKind kind = DataSourceKind::ImageFolder;
    std::string path;
    int image_size = 28;       // image folder: the side of the square every image is resized to
    int channels = 0;          // image folder: 0 = the majority's (grey or RGB), 1 = grey, 3 = RGB
    std::string label_column;  // csv: the name of the label column (required)
};

// What a source holds, without its values. Filled as far as the files allow even when there
// are problems, so the GUI can show counts and errors together.
struct DataSummary {
    std::string path;
    int64_t count = 0;       // examples, the source's own test split included
    int64_t test_count = 0;  // the last test_count examples are the source's own test split
                             // (an IDX folder's t10k pair); 0: the task builder draws one
    int channels = 0, height = 0, width = 0;  // images: an example is [C, H, W]; 0 for a table
    int features = 0;  // values per example: C*H*W for images, feature columns for a table
    std::vector<std::string> class_names;    // class id -> name
    std::vector<int64_t> class_counts;       // class id -> examples
    std::vector<std::string> feature_names;  // csv: the feature columns, in order
    std::vector<std::string> notes;          // conversions and skips made, in words; not errors
    std::vector<std::string> problems;       // each names the file (and line, column) and the fix
    bool ok() const { return problems.empty(); }
    int classes() const { return static_cast<int>(class_names.size()); }
};

// A source read in full (or the examples a preview chose).
struct LabeledData {
    DataSummary summary;
    // summary.features values per example, row-major: [N, C, H, W] for images (pixels scaled
    // to [0, 1]), [N, F] for a table.
    std::vector<float> values;
    std::vector<int64_t> labels;  // one per example, a class id
    int64_t count() const { return static_cast<int64_t>(labels.size()); }
    const float* example(int64_t i) const { return values.data() + i * summary.features; }
};

// Cheap checks that report counts and every problem together, without decoding any pixels
// (image headers only) and without throwing for the data's problems.
DataSummary inspectImageFolder(const std::string& path, int imageSize, int channels);
DataSummary inspectCsvDataset(const std::string& path, const std::string& labelColumn);
DataSummary inspectIdxDataset(const std::string& path);
DataSummary inspectDataSource(const DataSource& source);
// What a task of source images / csv / idx reads (image_size clamped to 4..256 and channels to
// 1 or 3, as validation accepts them, so an out-of-range value is reported, not read). Throws
// DataError for any other source.
DataSource dataSourceOf(const TaskConfig& task);

// Read everything. Throws DataError whose message lists every problem the inspection found
// (one per line), or names the file that failed to decode after its header looked fine.
LabeledData readImageFolder(const std::string& path, int imageSize, int channels);
LabeledData readCsvDataset(const std::string& path, const std::string& labelColumn);
LabeledData readIdxDataset(const std::string& path);
LabeledData readDataSource(const DataSource& source);

// Up to maxExamples examples for a preview, taken round-robin over the classes (the first
// example of each class, then the second of each, ...) so every class shows. An image folder
// decodes only those images. Throws DataError like read*.
LabeledData previewDataSource(const DataSource& source, int maxExamples);

// The IDX pair `path` names (see the conventions above); for a folder, its train pair.
// Throws DataError naming the file names that were looked for.
struct IdxPairPaths {
    std::string images, labels;
};
IdxPairPaths idxPairFor(const std::string& path);

}  // namespace forgetlab
