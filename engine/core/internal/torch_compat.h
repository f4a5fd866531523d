#pragma once
// Engine-internal (includes torch). Everything that differs between the LibTorch versions
// ForgetLab builds against (Debian's 1.13, the official 2.x, the one inside Python's
// PyTorch) is written here and nowhere else: fused attention, autocast, TF32 switches and
// recognising an out-of-memory error.

#include <ATen/autocast_mode.h>
#include <torch/torch.h>
#include <torch/version.h>

#include <cmath>
#include <limits>
#include <string>

#define FORGETLAB_TORCH_AT_LEAST(major, minor) \
    (TORCH_VERSION_MAJOR > (major) ||          \
     (TORCH_VERSION_MAJOR == (major) && TORCH_VERSION_MINOR >= (minor)))

namespace forgetlab::compat {

// LibTorch 2.0 brought at::scaled_dot_product_attention (flash / memory-efficient kernels).
inline constexpr bool kHasFusedAttention = FORGETLAB_TORCH_AT_LEAST(2, 0);

// Fused attention kernels have no double backward, so Hessian-vector products ask for the
// plain math path while they run (per thread).
inline int& mathAttentionDepth() {
    static thread_local int depth = 0;
    return depth;
}

class MathAttentionScope {
public:
    MathAttentionScope() { ++mathAttentionDepth(); }
    ~MathAttentionScope() { --mathAttentionDepth(); }
    MathAttentionScope(const MathAttentionScope&) = delete;
    MathAttentionScope& operator=(const MathAttentionScope&) = delete;
};

// The plain-ops attention (engine/core/attention_math.cpp; out of line so tuning it does not
// rebuild the engine). Causal: query i sees keys 0..i. Long sequences are processed in query
// blocks that skip the keys every query of the block is masked from (about 40% fewer
// multiply-adds at 4 blocks), and q is scaled by 1/sqrt(D) before q k^T rather than the
// [T, T] scores after it. Differentiable twice, like the unblocked form.
torch::Tensor mathCausalAttention(const torch::Tensor& q, const torch::Tensor& k,
                                  const torch::Tensor& v);
// softmax(q k^T / sqrt(D), blocked positions -inf) v; blocked is [Tq, Tk] bool.
torch::Tensor mathMaskedAttention(const torch::Tensor& q, const torch::Tensor& k,
                                  const torch::Tensor& v, const torch::Tensor& blocked);

// Causal self-attention of q, k, v [B, H, T, D]: the fused kernel where this LibTorch has it
// and no double backward is needed, else softmax(q k^T / sqrt(D) + causal mask) v in plain
// ops (the only path on 1.13).
inline torch::Tensor causalAttention(const torch::Tensor& q, const torch::Tensor& k,
                                     const torch::Tensor& v) {
#if FORGETLAB_TORCH_AT_LEAST(2, 0)
    if (mathAttentionDepth() == 0)
        return at::scaled_dot_product_attention(q, k, v, {}, 0.0, /*is_causal=*/true);
#endif
    return mathCausalAttention(q, k, v);
}

// Attention of new queries q [B, H, Tq, D] (absolute positions offset .. offset + Tq - 1)
// over keys and values [B, H, Tk, D] at positions 0 .. Tk - 1: query i sees key j when
// j <= offset + i and, with a sliding window w > 0, offset + i - j < w (Mistral's window;
// docs/models.md). Without an offset or a window this is causalAttention.
inline torch::Tensor attention(const torch::Tensor& q, const torch::Tensor& k,
                               const torch::Tensor& v, int64_t offset = 0, int64_t window = 0) {
    const int64_t Tq = q.size(-2), Tk = k.size(-2);
    if (offset == 0 && Tq == Tk && (window <= 0 || window >= Tk)) return causalAttention(q, k, v);
    const auto opts = torch::TensorOptions().dtype(torch::kLong).device(q.device());
    const torch::Tensor qi = torch::arange(offset, offset + Tq, opts).unsqueeze(1);
    const torch::Tensor kj = torch::arange(Tk, opts).unsqueeze(0);
    torch::Tensor blocked = kj > qi;
    if (window > 0) blocked = blocked.logical_or(qi - kj >= window);
#if FORGETLAB_TORCH_AT_LEAST(2, 0)
    if (mathAttentionDepth() == 0)
        return at::scaled_dot_product_attention(q, k, v, blocked.logical_not(), 0.0, false);
#endif
    return mathMaskedAttention(q, k, v, blocked);
}

// bfloat16 autocast on CUDA for the duration of a forward pass, restoring what was there.
// The cast cache is off: SAM, the landscape and the Hessian change weights in place between
// forward passes, and a cached bf16 copy would silently use the old weights.
class AutocastScope {
public:
    explicit AutocastScope(bool enable) : m_enable(enable) {
        if (!m_enable) return;
#if FORGETLAB_TORCH_AT_LEAST(2, 4)
        m_wasEnabled = at::autocast::is_autocast_enabled(at::kCUDA);
        m_oldType = at::autocast::get_autocast_dtype(at::kCUDA);
        at::autocast::set_autocast_dtype(at::kCUDA, at::kBFloat16);
        at::autocast::set_autocast_enabled(at::kCUDA, true);
#else
        m_wasEnabled = at::autocast::is_enabled();
        m_oldType = at::autocast::get_autocast_gpu_dtype();
        at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
        at::autocast::set_enabled(true);
#endif
        m_wasCaching = at::autocast::is_autocast_cache_enabled();
        at::autocast::set_autocast_cache_enabled(false);
    }
    ~AutocastScope() {
        if (!m_enable) return;
        at::autocast::set_autocast_cache_enabled(m_wasCaching);
#if FORGETLAB_TORCH_AT_LEAST(2, 4)
        at::autocast::set_autocast_enabled(at::kCUDA, m_wasEnabled);
        at::autocast::set_autocast_dtype(at::kCUDA, m_oldType);
#else
        at::autocast::set_enabled(m_wasEnabled);
        at::autocast::set_autocast_gpu_dtype(m_oldType);
#endif
    }
    AutocastScope(const AutocastScope&) = delete;
    AutocastScope& operator=(const AutocastScope&) = delete;

private:
    bool m_enable = false;
    bool m_wasEnabled = false;
    bool m_wasCaching = true;
    at::ScalarType m_oldType = at::kHalf;
};

// TF32 for CUDA matmuls and convolutions (process-wide, as in PyTorch).
inline void setTf32(bool on) {
    at::globalContext().setAllowTF32CuBLAS(on);
    at::globalContext().setAllowTF32CuDNN(on);
}

// Whether an exception is an allocator running out of memory: CUDA's caching allocator (a
// c10::OutOfMemoryError on 2.x; on every version its message says "out of memory"), the
// CPU allocator ("can't allocate memory") or operator new.
inline bool isOutOfMemory(const std::exception& e) {
    if (dynamic_cast<const std::bad_alloc*>(&e)) return true;
    const std::string what = e.what();
    return what.find("out of memory") != std::string::npos ||
           what.find("can't allocate memory") != std::string::npos;
}

}  // namespace forgetlab::compat
