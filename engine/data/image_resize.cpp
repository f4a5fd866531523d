#include "engine/data/image_resize.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace forgetlab {
namespace {

// The source pixels one output pixel along an axis is made of, and their weights (sum 1).
struct Tap {
    int index;
    float weight;
};
using AxisTaps = std::vector<std::vector<Tap>>;

AxisTaps axisTaps(int src, int dst) {
    AxisTaps taps(dst);
    const double scale = double(src) / dst;
    for (int i = 0; i < dst; ++i) {
        if (dst <= src) {
            // Output pixel i covers source interval [i*scale, (i+1)*scale).
            const double x0 = i * scale, x1 = (i + 1) * scale;
            const int first = static_cast<int>(std::floor(x0));
            const int last = std::min(src - 1, static_cast<int>(std::ceil(x1)) - 1);
            for (int j = first; j <= last; ++j) {
                const double cover = std::min(x1, double(j + 1)) - std::max(x0, double(j));
                if (cover > 1e-12) taps[i].push_back({j, static_cast<float>(cover / scale)});
            }
        } else {
            // Pixel centres: output i sits at source coordinate (i + 0.5) * scale - 0.5.
            const double x = std::max(0.0, (i + 0.5) * scale - 0.5);
            const int j0 = static_cast<int>(std::floor(x));
            if (j0 >= src - 1) {
                taps[i].push_back({src - 1, 1.0f});
            } else {
                const float frac = static_cast<float>(x - j0);
                taps[i].push_back({j0, 1.0f - frac});
                if (frac > 0) taps[i].push_back({j0 + 1, frac});
            }
        }
    }
    return taps;
}

}  // namespace

void resizeImage(const float* src, int channels, int srcHeight, int srcWidth, float* dst,
                 int dstHeight, int dstWidth) {
    if (channels < 1 || srcHeight < 1 || srcWidth < 1 || dstHeight < 1 || dstWidth < 1)
        throw std::invalid_argument("resizeImage: every size must be at least 1");
    const AxisTaps across = axisTaps(srcWidth, dstWidth);
    const AxisTaps down = axisTaps(srcHeight, dstHeight);
    std::vector<float> rows(static_cast<size_t>(srcHeight) * dstWidth);  // width done
    for (int c = 0; c < channels; ++c) {
        const float* plane = src + static_cast<size_t>(c) * srcHeight * srcWidth;
        for (int y = 0; y < srcHeight; ++y)
            for (int x = 0; x < dstWidth; ++x) {
                float sum = 0;
                for (const Tap& t : across[x]) sum += t.weight * plane[y * srcWidth + t.index];
                rows[static_cast<size_t>(y) * dstWidth + x] = sum;
            }
        float* out = dst + static_cast<size_t>(c) * dstHeight * dstWidth;
        for (int y = 0; y < dstHeight; ++y)
            for (int x = 0; x < dstWidth; ++x) {
                float sum = 0;
                for (const Tap& t : down[y])
                    sum += t.weight * rows[static_cast<size_t>(t.index) * dstWidth + x];
                out[static_cast<size_t>(y) * dstWidth + x] = sum;
            }
    }
}

}  // namespace forgetlab
