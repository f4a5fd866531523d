#pragma once
// Fashion-MNIST from Debian's dataset-fashion-mnist package: 60,000 training and 10,000
// test images of 28x28 bytes with labels 0-9. Loaded once per folder and shared.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace forgetlab {

struct FashionMnist {
    static constexpr int kSide = 28;
    static constexpr int kPixels = 28 * 28;
    std::vector<uint8_t> train_images, train_labels;  // N*784, N
    std::vector<uint8_t> test_images, test_labels;
    int64_t trainCount() const { return static_cast<int64_t>(train_labels.size()); }
    int64_t testCount() const { return static_cast<int64_t>(test_labels.size()); }
};

// Throws DataError: a missing folder names the package and the command that installs it;
// a bad file names the file and what is wrong with it.
std::shared_ptr<const FashionMnist> loadFashionMnist(const std::string& dir);

}  // namespace forgetlab
