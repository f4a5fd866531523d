#pragma once
// The names the layers share: status words stored in the database, metric keys, live
// knob names. Written once here so the engine, the CLI and the GUI cannot drift apart
// (the GUI turns them into QStrings with QString::fromLatin1). Plain C++.

namespace forgetlab {

// Final status of a run, stored as text in the database.
namespace status {
inline constexpr const char* kRunning = "running";
inline constexpr const char* kDone = "done";
inline constexpr const char* kStopped = "stopped";
inline constexpr const char* kDiverged = "diverged";
inline constexpr const char* kFailed = "failed";
inline constexpr const char* kInterrupted = "interrupted";
// Forgetting-matrix sweeps only: created, then running, then done / stopped / failed.
inline constexpr const char* kCreated = "created";
}  // namespace status

// Metric keys. Phase-1 (upstream pre-training) keys start with "pre."; the rest belong to
// the fine-tuning phase, whose steps start at 0 (before the first update).
namespace keys {
inline constexpr const char* kPreTrainLoss = "pre.train_loss";
inline constexpr const char* kPreUpAcc = "pre.up_test_acc";
inline constexpr const char* kTrainLoss = "train_loss";
inline constexpr const char* kDownTestLoss = "down_test_loss";
inline constexpr const char* kDownTestAcc = "down_test_acc";
inline constexpr const char* kUpTestLoss = "up_test_loss";
inline constexpr const char* kUpTestAcc = "up_test_acc";
inline constexpr const char* kSharpness = "sharpness";
inline constexpr const char* kHessianLmax = "hessian_lmax";
inline constexpr const char* kLr = "lr";
// Sequences: accuracy on task j every eval.every steps is "task<j>_acc".
inline constexpr const char* kTaskAccPrefix = "task";
inline constexpr const char* kPenalty = "strategy_penalty";  // EWC + L2-SP + LwF part of the loss
// Further Hessian eigenvalues (2nd..5th) when eval.hessian_topk > 1: "hessian_l2", ...
inline constexpr const char* kHessianPrefix = "hessian_l";
inline constexpr const char* kHessianTrace = "hessian_trace";
inline constexpr const char* kHessianTraceStderr = "hessian_trace_se";
// Multiple-choice benchmarks: "benchmark_acc" (the mean over eval.benchmarks) and per
// benchmark "benchmark_acc/<name>", "benchmark_acc_norm/<name>".
inline constexpr const char* kBenchmarkAcc = "benchmark_acc";
inline constexpr const char* kBenchmarkAccPrefix = "benchmark_acc/";
inline constexpr const char* kBenchmarkAccNormPrefix = "benchmark_acc_norm/";
}  // namespace keys

// Live knobs: what RunControl::setKnob may change between two steps (recorded as "knob"
// events with their step). The runner applies lr and rho to the optimizer, the rest to
// the strategies (StrategySet::setKnob).
namespace knobs {
inline constexpr const char* kLr = "lr";
inline constexpr const char* kRho = "rho";
inline constexpr const char* kReplayRatio = "replay_ratio";
inline constexpr const char* kEwcLambda = "ewc_lambda";
inline constexpr const char* kL2spLambda = "l2sp_lambda";
inline constexpr const char* kLwfLambda = "lwf_lambda";
}  // namespace knobs

}  // namespace forgetlab
