// An image folder (one subfolder per class) read with Debian's compiled libstb: the scan and
// the header check (inspect), the full decode (read) and the decode of a few (preview).

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <memory>
#include <system_error>

#include <stb_image.h>

#include "engine/data/data_files.h"
#include "engine/data/image_resize.h"
#include "engine/data/internal/data_file_parts.h"

namespace forgetlab {
namespace {

namespace fs = std::filesystem;
using datafiles::plural;

constexpr int kMaxImageSize = 1024;

struct ImageFile {
    std::string path;
    int64_t label = 0;
    int width = 0, height = 0, channels = 0;  // as the file's header says
};

struct FolderScan {
    DataSummary summary;
    std::vector<ImageFile> files;  // readable ones, in example order
};

bool isImageFile(const fs::path& p) {
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp";
}

bool isHidden(const fs::path& p) {
    const std::string name = p.filename().string();
    return !name.empty() && name[0] == '.';
}

std::string stbReason() {
    const char* r = stbi_failure_reason();
    return r ? r : "unknown reason";
}

// The image files below one class folder, sorted by path; other files are counted.
std::vector<std::string> classFiles(const fs::path& dir, int64_t& skipped,
                                    datafiles::ProblemList& problems) {
    std::vector<std::string> files;
    std::error_code ec;
    fs::recursive_directory_iterator it(dir, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        const fs::path& p = it->path();
        std::error_code kindEc;
        const bool isDir = it->is_directory(kindEc);
        if (isHidden(p)) {
            if (isDir) it.disable_recursion_pending();
        } else if (!isDir) {
            if (isImageFile(p))
                files.push_back(p.string());
            else
                ++skipped;
        }
    }
    if (ec) problems.add(dir.string() + ": cannot list the folder (" + ec.message() + ")");
    std::sort(files.begin(), files.end());
    return files;
}

std::string wasWere(int64_t n) {
    return n == 1 ? " was" : " were";
}

// "3 of 40 images were", "1 of 40 images was".
std::string someOf(int64_t some, int64_t all) {
    return std::to_string(some) + " of " + plural(all, "image") + wasWere(some);
}

// Lists classes and files and reads every image's header. Does not throw for the data.
FolderScan scanFolder(const std::string& path, int imageSize, int channels) {
    FolderScan scan;
    DataSummary& s = scan.summary;
    s.path = path;
    datafiles::ProblemList problems;
    const auto finish = [&]() -> FolderScan {
        problems.moveInto(s.problems);
        return std::move(scan);
    };
    if (imageSize < 1 || imageSize > kMaxImageSize)
        problems.add("image_size must be between 1 and " + std::to_string(kMaxImageSize) +
                     ", not " + std::to_string(imageSize));
    if (channels != 0 && channels != 1 && channels != 3)
        problems.add("channels must be 0 (keep the images' own), 1 (grey) or 3 (RGB), not " +
                     std::to_string(channels));
    if (path.empty()) {
        problems.add(
            "no image folder given: set the path to a folder with one subfolder per "
            "class");
        return finish();
    }
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        problems.add(path + ": folder not found");
        return finish();
    }
    if (!fs::is_directory(path, ec)) {
        problems.add(path +
                     ": is a file, not a folder; an image folder holds one subfolder "
                     "per class, named after the class");
        return finish();
    }

    std::vector<std::string> classDirs;
    int64_t topImages = 0, topOther = 0;
    for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
        if (isHidden(it->path())) continue;
        std::error_code kindEc;
        if (it->is_directory(kindEc))
            classDirs.push_back(it->path().filename().string());
        else if (isImageFile(it->path()))
            ++topImages;
        else
            ++topOther;
    }
    if (ec) {
        problems.add(path + ": cannot list the folder (" + ec.message() + ")");
        return finish();
    }
    if (classDirs.empty()) {
        problems.add(path + ": no class folders" +
                     (topImages ? " (it holds " + plural(topImages, "image") + " directly)"
                                : std::string()) +
                     ": put each class's images in a subfolder named after the class, e.g. " +
                     (fs::path(path) / "cat" / "001.png").string());
        return finish();
    }
    if (topImages + topOther)
        s.notes.push_back(plural(topImages + topOther, "file") + " directly in " + path +
                          wasWere(topImages + topOther) +
                          " skipped: only files inside class folders are examples");
    std::sort(classDirs.begin(), classDirs.end());

    int64_t skipped = 0;
    std::vector<ImageFile> all;
    for (size_t c = 0; c < classDirs.size(); ++c) {
        const fs::path dir = fs::path(path) / classDirs[c];
        const int64_t skippedBefore = skipped;
        const auto files = classFiles(dir, skipped, problems);
        if (files.empty())
            problems.add(dir.string() + ": the class folder \"" + classDirs[c] +
                         "\" has no PNG, JPEG or BMP images" +
                         (skipped > skippedBefore
                              ? " (only " + plural(skipped - skippedBefore, "other file") + ")"
                              : std::string()));
        for (const auto& f : files) all.push_back({f, static_cast<int64_t>(c)});
    }
    s.class_names = classDirs;
    if (skipped)
        s.notes.push_back(plural(skipped, "file") + " in the class folders" + wasWere(skipped) +
                          " skipped: not PNG, JPEG or BMP by name");

    // Headers only: stbi_info reads just enough of each file for its size and channels.
    std::vector<std::string> headerErrors(all.size());
    datafiles::parallelFor(all.size(), [&](size_t i) {
        ImageFile& f = all[i];
        if (!stbi_info(f.path.c_str(), &f.width, &f.height, &f.channels))
            headerErrors[i] = f.path + ": cannot read the image (stb_image: " + stbReason() + ")";
    });
    int64_t grey = 0, rgb = 0, alpha = 0, nonSquare = 0;
    int minW = 0, minH = 0, maxW = 0, maxH = 0;
    std::vector<int64_t> labels;
    for (size_t i = 0; i < all.size(); ++i) {
        if (!headerErrors[i].empty()) {
            problems.add(std::move(headerErrors[i]));
            continue;
        }
        const ImageFile& f = all[i];
        (f.channels >= 3 ? rgb : grey)++;
        if (f.channels == 2 || f.channels == 4) ++alpha;
        if (f.width != f.height) ++nonSquare;
        if (scan.files.empty()) {
            minW = maxW = f.width;
            minH = maxH = f.height;
        }
        minW = std::min(minW, f.width), maxW = std::max(maxW, f.width);
        minH = std::min(minH, f.height), maxH = std::max(maxH, f.height);
        labels.push_back(f.label);
        scan.files.push_back(f);
    }

    // Keeping the majority's channels converts the fewest images; a tie keeps colour.
    s.channels = channels == 1 || channels == 3 ? channels : (grey > rgb ? 1 : 3);
    s.height = s.width = std::max(1, imageSize);
    s.features = s.channels * s.height * s.width;
    s.count = static_cast<int64_t>(scan.files.size());
    s.class_counts = datafiles::countClasses(labels, s.classes());
    const int64_t n = s.count;
    if (s.channels == 1 && rgb)
        s.notes.push_back(someOf(rgb, n) +
                          " RGB and converted to grey (0.299 R + 0.587 G + 0.114 B)");
    if (s.channels == 3 && grey)
        s.notes.push_back(someOf(grey, n) +
                          " grey and converted to RGB (the grey value in all three channels)");
    if (alpha)
        s.notes.push_back(std::to_string(alpha) + " of " + plural(n, "image") +
                          " had an alpha (transparency) channel, which was dropped");
    const std::string side = std::to_string(s.width) + "x" + std::to_string(s.height);
    if (n && (minW != maxW || minH != maxH))
        s.notes.push_back("images from " + std::to_string(minW) + "x" + std::to_string(minH) +
                          " to " + std::to_string(maxW) + "x" + std::to_string(maxH) +
                          " pixels were resized to " + side);
    else if (n && (minW != s.width || minH != s.height))
        s.notes.push_back("the " + std::to_string(minW) + "x" + std::to_string(minH) +
                          " images were resized to " + side);
    if (nonSquare) s.notes.push_back(someOf(nonSquare, n) + " not square and stretched to " + side);
    if (n && n > datafiles::kMaxValues / s.features)
        problems.add(path + ": " + plural(n, "image") + " of " + std::to_string(s.features) +
                     " values each need more than 8 GiB; use a smaller image_size or fewer "
                     "images");
    return finish();
}

struct StbFree {
    void operator()(unsigned char* p) const { stbi_image_free(p); }
};

// Decodes one image into `out` (summary.channels planes of image_size^2, in [0, 1]).
// Returns an error message, empty on success.
std::string decodeInto(const ImageFile& f, const DataSummary& s, float* out) {
    int w = 0, h = 0, n = 0;
    std::unique_ptr<unsigned char, StbFree> pixels(stbi_load(f.path.c_str(), &w, &h, &n, 0));
    if (!pixels) return f.path + ": cannot decode the image (stb_image: " + stbReason() + ")";
    const size_t plane = static_cast<size_t>(w) * h;
    std::vector<float> planes(plane * s.channels);
    const unsigned char* px = pixels.get();
    for (size_t i = 0; i < plane; ++i) {
        const unsigned char* p = px + i * n;
        if (s.channels == 1) {
            planes[i] =
                n >= 3 ? (0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2]) / 255.0f : p[0] / 255.0f;
        } else {
            for (int c = 0; c < 3; ++c) planes[c * plane + i] = p[n >= 3 ? c : 0] / 255.0f;
        }
    }
    resizeImage(planes.data(), s.channels, h, w, out, s.height, s.width);
    // An average of values in [0, 1] can land a rounding step outside it.
    for (int64_t i = 0; i < s.features; ++i) out[i] = std::clamp(out[i], 0.0f, 1.0f);
    return {};
}

LabeledData decodeFiles(const DataSummary& summary, const std::vector<ImageFile>& files) {
    LabeledData data;
    data.summary = summary;
    data.values.resize(files.size() * static_cast<size_t>(summary.features));
    data.labels.reserve(files.size());
    for (const auto& f : files) data.labels.push_back(f.label);
    std::vector<std::string> errors(files.size());
    datafiles::parallelFor(files.size(), [&](size_t i) {
        try {
            errors[i] = decodeInto(files[i], summary, data.values.data() + i * summary.features);
        } catch (const std::exception& e) {  // bad_alloc for a huge image
            errors[i] = files[i].path + ": cannot decode the image (" + e.what() + ")";
        }
    });
    datafiles::ProblemList problems;
    for (auto& e : errors)
        if (!e.empty()) problems.add(std::move(e));
    if (!problems.empty()) {
        DataSummary failed = summary;
        problems.moveInto(failed.problems);
        datafiles::throwIfProblems(failed);
    }
    return data;
}

}  // namespace

DataSummary inspectImageFolder(const std::string& path, int imageSize, int channels) {
    return scanFolder(path, imageSize, channels).summary;
}

LabeledData readImageFolder(const std::string& path, int imageSize, int channels) {
    const FolderScan scan = scanFolder(path, imageSize, channels);
    datafiles::throwIfProblems(scan.summary);
    return decodeFiles(scan.summary, scan.files);
}

namespace datafiles {

LabeledData previewImageFolder(const std::string& path, int imageSize, int channels,
                               int maxExamples) {
    const FolderScan scan = scanFolder(path, imageSize, channels);
    throwIfProblems(scan.summary);
    std::vector<int64_t> labels;
    for (const auto& f : scan.files) labels.push_back(f.label);
    std::vector<ImageFile> chosen;
    for (int64_t i : previewIndices(labels, scan.summary.classes(), maxExamples))
        chosen.push_back(scan.files[i]);
    std::vector<int64_t> chosenLabels;
    for (const auto& f : chosen) chosenLabels.push_back(f.label);
    DataSummary s = scan.summary;
    s.count = static_cast<int64_t>(chosen.size());
    s.class_counts = countClasses(chosenLabels, s.classes());
    return decodeFiles(s, chosen);
}

}  // namespace datafiles
}  // namespace forgetlab
