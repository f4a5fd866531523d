#pragma once
// On-demand analyses of a stored model (SCIENCE.md sections 2 and 3): loss-landscape
// slices (1-D, 2-D, interpolation pre-trained -> fine-tuned) and the Hessian spectrum.
// Plain C++: the GUI and the CLI call these on their own worker threads. Every job
// checks `cancel` before each evaluation (so Cancel returns within one evaluation),
// reports progress, and leaves no trace on the weights it was given.

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/core/config.h"

namespace forgetlab {

// done / total evaluations (grid points or Hessian-vector products).
using ProgressFn = std::function<void(int64_t done, int64_t total)>;

struct LandscapeRequest {
    std::string kind = "2d";  // "1d" | "2d" | "interp"
    int grid = 21;            // points per axis (3..101)
    double range = 1.0;       // 1d/2d: a, b in [-range, range]; interp: fixed [-0.5, 1.5]
    uint64_t seed = 0;        // directions are drawn from this seed (recomputable)
    int subset = 500;         // examples of each test set evaluated at every point
};

// Losses and accuracies on a grid. 1-D kinds have ys empty and values of size xs; the 2-D
// kind stores row-major values[j * xs.size() + i] for (xs[i], ys[j]).
struct LandscapeResult {
    LandscapeRequest request;
    std::vector<double> xs, ys;
    std::vector<double> up_loss, up_acc, down_loss, down_acc;
    // 2-D only: flatness around the centre (lower is flatter), see landscape.cpp.
    double up_mean_grad = 0.0, up_mean_curvature = 0.0;
    double down_mean_grad = 0.0, down_mean_curvature = 0.0;
    int64_t evaluations = 0;
    double seconds = 0.0;
    bool cancelled = false;
};

struct HessianRequest {
    std::string probe = "downstream";  // "upstream" | "downstream"
    int topk = 1;                      // 1..5
    int trace_samples = 0;             // Hutchinson samples, 0 = no trace
    int probe_size = 256;
    int max_iters = 100;
    double tol = 1e-3;
    uint64_t seed = 0;
};

struct HessianResult {
    HessianRequest request;
    std::vector<double> eigenvalues;  // descending
    std::vector<int> iterations;
    double trace_mean = 0.0, trace_stderr = 0.0;
    double seconds = 0.0;
    bool cancelled = false;
};

// A model as stored by a run: its configuration (from the runs table) and checkpoint
// files. `pretrainedFile` is needed only for the interpolation line.
struct ModelSource {
    ExperimentConfig config;
    std::string checkpointFile;
    std::string pretrainedFile;
};

// Throw std::runtime_error with a user-facing message for unusable input (missing or
// mismatched checkpoint, bad request values).
LandscapeResult computeLandscape(const ModelSource& source, const LandscapeRequest& request,
                                 const ProgressFn& progress = {},
                                 const std::atomic<bool>* cancel = nullptr);
HessianResult computeHessian(const ModelSource& source, const HessianRequest& request,
                             const ProgressFn& progress = {},
                             const std::atomic<bool>* cancel = nullptr);

// Number of forward passes over the evaluation subsets a landscape request needs.
int64_t landscapeEvaluations(const LandscapeRequest& request);
// Seconds for one evaluation pass (upstream + downstream subsets) of the model, timed on
// a few passes: multiply by landscapeEvaluations for a cost estimate.
double timeOneEvaluation(const ModelSource& source, int subset);

std::string validateLandscapeRequest(const LandscapeRequest& r);  // "" if fine
std::string validateHessianRequest(const HessianRequest& r);

std::string landscapeToJson(const LandscapeResult& r);
LandscapeResult landscapeFromJson(const std::string& json);
std::string hessianToJson(const HessianResult& r);
HessianResult hessianFromJson(const std::string& json);
// Comma-separated table: kind,x,y,up_loss,up_acc,down_loss,down_acc.
std::string landscapeToCsv(const LandscapeResult& r);

}  // namespace forgetlab
