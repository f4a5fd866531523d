// Attention in plain LibTorch ops, for the LibTorch that has no fused kernel (Debian's 1.13)
// and for the double backward of Hessian-vector products. Everything here is differentiable
// twice; the fused path is in torch_compat.h.
#include <algorithm>

#include "engine/core/internal/torch_compat.h"

namespace forgetlab::compat {
namespace {

// Scaling q ([.., T, D]) costs T·D multiplies where scaling the scores costs T·T.
torch::Tensor scaledQuery(const torch::Tensor& q) {
    return q * (1.0 / std::sqrt(double(q.size(-1))));
}

torch::Tensor softmaxAttention(const torch::Tensor& qs, const torch::Tensor& k,
                               const torch::Tensor& v, const torch::Tensor& blocked) {
    torch::Tensor att = qs.matmul(k.transpose(-2, -1));
    att = torch::softmax(att.masked_fill(blocked, -std::numeric_limits<double>::infinity()), -1);
    return att.matmul(v);
}

// Key j is hidden from query row i of a block starting at query `start` when j > start + i.
torch::Tensor futureMask(int64_t rows, int64_t keys, int64_t start, const torch::Device& device) {
    return torch::ones({rows, keys}, torch::TensorOptions().dtype(torch::kBool).device(device))
        .triu(start + 1);
}

}  // namespace

torch::Tensor mathCausalAttention(const torch::Tensor& q, const torch::Tensor& k,
                                  const torch::Tensor& v) {
    const int64_t T = q.size(-2);
    const torch::Tensor qs = scaledQuery(q);
    // Blocks of at least 64 queries keep the matrix products large enough for BLAS to run at
    // full speed; the block starting at s needs only keys 0 .. s + rows - 1.
    const int64_t blocks = std::min<int64_t>(8, T / 64);
    if (blocks < 2) return softmaxAttention(qs, k, v, futureMask(T, T, 0, q.device()));
    const int64_t rows = (T + blocks - 1) / blocks;
    std::vector<torch::Tensor> out;
    out.reserve(size_t(blocks));
    for (int64_t s = 0; s < T; s += rows) {
        const int64_t n = std::min(rows, T - s), keys = s + n;
        out.push_back(softmaxAttention(qs.narrow(-2, s, n), k.narrow(-2, 0, keys),
                                       v.narrow(-2, 0, keys), futureMask(n, keys, s, q.device())));
    }
    return torch::cat(out, -2);
}

torch::Tensor mathMaskedAttention(const torch::Tensor& q, const torch::Tensor& k,
                                  const torch::Tensor& v, const torch::Tensor& blocked) {
    return softmaxAttention(scaledQuery(q), k, v, blocked);
}

}  // namespace forgetlab::compat
