#pragma once
// CancelToken: the one way to ask a long job to stop early, from any thread (a GUI Cancel
// button, a CLI signal handler, a run's Stop). Copies share one flag; the engine's loops
// poll it through flag() between two evaluations, so a cancel returns within one. Setting
// it is a lock-free atomic store, safe from a signal handler. Plain C++.

#include <atomic>
#include <memory>

namespace forgetlab {

class CancelToken {
public:
    CancelToken() : m_flag(std::make_shared<std::atomic<bool>>(false)) {}

    void cancel() const { m_flag->store(true); }
    bool cancelled() const { return m_flag->load(); }
    // For the engine's `const std::atomic<bool>* cancel` parameters; valid while any copy
    // of the token lives.
    const std::atomic<bool>* flag() const { return m_flag.get(); }

private:
    std::shared_ptr<std::atomic<bool>> m_flag;
};

}  // namespace forgetlab
