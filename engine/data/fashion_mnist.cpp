#include "engine/data/fashion_mnist.h"

#include <filesystem>
#include <map>
#include <mutex>

#include "engine/data/idx_reader.h"

namespace forgetlab {
namespace {

void checkPair(const IdxArray& images, const IdxArray& labels, const std::string& imgPath,
               const std::string& lblPath) {
    if (images.dims.size() != 3 || images.dims[1] != FashionMnist::kSide ||
        images.dims[2] != FashionMnist::kSide)
        throw DataError(imgPath + ": expected images of shape N x 28 x 28");
    if (labels.dims.size() != 1) throw DataError(lblPath + ": expected a 1-D label array");
    if (labels.dims[0] != images.dims[0])
        throw DataError(lblPath + ": has " + std::to_string(labels.dims[0]) + " labels but " +
                        imgPath + " has " + std::to_string(images.dims[0]) + " images");
    for (uint8_t l : labels.data)
        if (l > 9) throw DataError(lblPath + ": label " + std::to_string(l) + " is not in 0-9");
}

}  // namespace

std::shared_ptr<const FashionMnist> loadFashionMnist(const std::string& dir) {
    static std::mutex mutex;
    static std::map<std::string, std::shared_ptr<const FashionMnist>> cache;
    std::lock_guard<std::mutex> lock(mutex);
    if (auto it = cache.find(dir); it != cache.end()) return it->second;

    namespace fs = std::filesystem;
    const fs::path base(dir);
    const std::string trImg = (base / "train-images-idx3-ubyte.gz").string();
    const std::string trLbl = (base / "train-labels-idx1-ubyte.gz").string();
    const std::string teImg = (base / "t10k-images-idx3-ubyte.gz").string();
    const std::string teLbl = (base / "t10k-labels-idx1-ubyte.gz").string();
    if (!fs::exists(trImg) && !fs::exists(teImg)) {
        throw DataError("Fashion-MNIST not found in " + dir +
                        ". It comes from the Debian package dataset-fashion-mnist; install it "
                        "with: sudo apt-get install dataset-fashion-mnist");
    }
    auto data = std::make_shared<FashionMnist>();
    IdxArray a = readIdxGz(trImg), b = readIdxGz(trLbl);
    checkPair(a, b, trImg, trLbl);
    data->train_images = std::move(a.data);
    data->train_labels = std::move(b.data);
    IdxArray c = readIdxGz(teImg), d = readIdxGz(teLbl);
    checkPair(c, d, teImg, teLbl);
    data->test_images = std::move(c.data);
    data->test_labels = std::move(d.data);
    cache[dir] = data;
    return data;
}

}  // namespace forgetlab
