// An MNIST-format IDX pair (or a folder's train and t10k pairs) as a labelled dataset: the
// naming conventions that find the labels beside the images, and the checks that the two
// files belong together.

#include <filesystem>
#include <optional>

#include "engine/data/data_files.h"
#include "engine/data/internal/data_file_parts.h"

namespace forgetlab {
namespace {

namespace fs = std::filesystem;

// The file `base` or `base`.gz in dir, whichever exists (the plain one first); empty if none.
std::string plainOrGz(const fs::path& dir, const std::string& base) {
    std::error_code ec;
    for (const std::string& name : {base, base + ".gz"})
        if (fs::is_regular_file(dir / name, ec)) return (dir / name).string();
    return {};
}

// A folder's pair with the given prefix ("train", "t10k"); nullopt if its images are absent.
std::optional<IdxPairPaths> folderPair(const fs::path& dir, const std::string& prefix) {
    const std::string images = plainOrGz(dir, prefix + "-images-idx3-ubyte");
    if (images.empty()) return std::nullopt;
    const std::string labels = plainOrGz(dir, prefix + "-labels-idx1-ubyte");
    if (labels.empty())
        throw DataError(images + ": its labels were not found: looked for " +
                        (dir / (prefix + "-labels-idx1-ubyte")).string() + " and " +
                        (dir / (prefix + "-labels-idx1-ubyte.gz")).string());
    return IdxPairPaths{images, labels};
}

struct IdxPair {
    IdxPairPaths paths;
    IdxArray images, labels;
};

// Reads both files of a pair and checks that they agree; problems go to `problems`.
std::optional<IdxPair> readPair(const IdxPairPaths& paths, datafiles::ProblemList& problems) {
    IdxPair pair{paths, {}, {}};
    bool ok = true;
    try {
        pair.images = readIdx(paths.images);
        if (pair.images.dims.size() != 3) {
            problems.add(paths.images +
                         ": expected images, an IDX array of N x height x width "
                         "(idx3), but it has " +
                         std::to_string(pair.images.dims.size()) + " dimensions");
            ok = false;
        }
    } catch (const DataError& e) {
        problems.add(e.what());
        ok = false;
    }
    try {
        pair.labels = readIdx(paths.labels);
        if (pair.labels.dims.size() != 1) {
            problems.add(paths.labels + ": expected labels, a 1-D IDX array (idx1), but it has " +
                         std::to_string(pair.labels.dims.size()) + " dimensions");
            ok = false;
        }
    } catch (const DataError& e) {
        problems.add(e.what());
        ok = false;
    }
    if (ok && pair.labels.dims[0] != pair.images.dims[0]) {
        problems.add(paths.labels + ": has " + std::to_string(pair.labels.dims[0]) +
                     " labels but " + paths.images + " has " + std::to_string(pair.images.dims[0]) +
                     " images");
        ok = false;
    }
    if (!ok) return std::nullopt;
    return pair;
}

struct IdxLoad {
    DataSummary summary;
    std::vector<IdxPair> pairs;  // train (or the one named), then t10k
};

IdxLoad loadIdx(const std::string& path) {
    IdxLoad load;
    DataSummary& s = load.summary;
    s.path = path;
    datafiles::ProblemList problems;
    std::vector<IdxPairPaths> paths;
    try {
        paths.push_back(idxPairFor(path));
        std::error_code ec;
        if (fs::is_directory(path, ec))
            if (auto test = folderPair(path, "t10k")) paths.push_back(*test);
    } catch (const DataError& e) {
        problems.add(e.what());
    }
    for (const auto& p : paths)
        if (auto pair = readPair(p, problems)) load.pairs.push_back(std::move(*pair));

    if (load.pairs.size() == paths.size() && !paths.empty()) {
        const IdxArray& first = load.pairs[0].images;
        s.channels = 1;
        s.height = static_cast<int>(first.dims[1]);
        s.width = static_cast<int>(first.dims[2]);
        s.features = s.height * s.width;
        int maxLabel = -1;
        for (const IdxPair& pair : load.pairs) {
            if (pair.images.dims[1] != first.dims[1] || pair.images.dims[2] != first.dims[2])
                problems.add(pair.paths.images + ": its images are " +
                             std::to_string(pair.images.dims[2]) + "x" +
                             std::to_string(pair.images.dims[1]) + " but those of " +
                             load.pairs[0].paths.images + " are " + std::to_string(s.width) + "x" +
                             std::to_string(s.height));
            for (uint8_t l : pair.labels.data) maxLabel = std::max<int>(maxLabel, l);
            s.count += pair.images.dims[0];
        }
        if (load.pairs.size() == 2) s.test_count = load.pairs[1].images.dims[0];
        for (int c = 0; c <= maxLabel; ++c) s.class_names.push_back(std::to_string(c));
        std::vector<int64_t> labels;
        for (const IdxPair& pair : load.pairs)
            labels.insert(labels.end(), pair.labels.data.begin(), pair.labels.data.end());
        s.class_counts = datafiles::countClasses(labels, s.classes());
        const std::string empty = datafiles::emptyClassesNote(s.class_counts);
        if (!empty.empty()) s.notes.push_back(empty);
        if (s.count > datafiles::kMaxValues / std::max(1, s.features))
            problems.add(path + ": " + std::to_string(s.count) + " images of " +
                         std::to_string(s.features) + " pixels need more than 8 GiB");
    }
    problems.moveInto(s.problems);
    return load;
}

}  // namespace

IdxPairPaths idxPairFor(const std::string& path) {
    if (path.empty())
        throw DataError(
            "no IDX path given: name an images file such as "
            "train-images-idx3-ubyte.gz or a folder that holds one");
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        if (auto pair = folderPair(path, "train")) return *pair;
        throw DataError(path +
                        ": holds no train-images-idx3-ubyte or train-images-idx3-ubyte.gz. An "
                        "IDX folder holds the train-images-idx3-ubyte[.gz] and "
                        "train-labels-idx1-ubyte[.gz] pair (and may hold the t10k- pair); or "
                        "name an images file itself");
    }
    if (!fs::exists(path, ec)) throw DataError(path + ": file not found");
    const fs::path file(path);
    const std::string name = file.filename().string();
    const size_t at = name.rfind("images");
    if (at == std::string::npos) {
        if (name.find("labels") != std::string::npos)
            throw DataError(path +
                            ": names a labels file; name the images file beside it "
                            "(e.g. train-images-idx3-ubyte.gz) and its labels are found");
        throw DataError(path +
                        ": cannot tell where its labels are: an IDX images file's name "
                        "contains \"images\" (e.g. train-images-idx3-ubyte.gz), and the "
                        "labels file has \"labels\" there (train-labels-idx1-ubyte.gz)");
    }
    std::string labels = name.substr(0, at) + "labels" + name.substr(at + 6);
    if (const size_t idx = labels.rfind("idx3"); idx != std::string::npos)
        labels.replace(idx, 4, "idx1");
    const std::string gz = ".gz";
    const bool hasGz = labels.size() > gz.size() && labels.compare(labels.size() - 3, 3, gz) == 0;
    const std::string other = hasGz ? labels.substr(0, labels.size() - 3) : labels + gz;
    const fs::path dir = file.parent_path();
    for (const std::string& candidate : {labels, other})
        if (fs::is_regular_file(dir / candidate, ec)) return {path, (dir / candidate).string()};
    throw DataError(path + ": its labels were not found: looked for " + (dir / labels).string() +
                    " and " + (dir / other).string());
}

DataSummary inspectIdxDataset(const std::string& path) {
    return loadIdx(path).summary;
}

LabeledData readIdxDataset(const std::string& path) {
    IdxLoad load = loadIdx(path);
    datafiles::throwIfProblems(load.summary);
    LabeledData data;
    data.summary = load.summary;
    data.values.reserve(static_cast<size_t>(data.summary.count) * data.summary.features);
    data.labels.reserve(static_cast<size_t>(data.summary.count));
    for (const IdxPair& pair : load.pairs) {
        for (uint8_t v : pair.images.data) data.values.push_back(v / 255.0f);
        data.labels.insert(data.labels.end(), pair.labels.data.begin(), pair.labels.data.end());
    }
    return data;
}

}  // namespace forgetlab
