#pragma once
// Keeps freed training-step temporaries in the process instead of returning them to the
// kernel: with glibc's default thresholds every ~1 MB SAM temporary is mmap'ed and
// page-faulted again each step (measured: 22% of a SAM step in the kernel, and SAM ÷ SGD
// 3.3 instead of 2.1). Idempotent; called by the optimizers' factory.

namespace forgetlab {

void tuneAllocatorOnce();

}  // namespace forgetlab
