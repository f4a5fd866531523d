#pragma once
// Engine-internal (includes torch). Loss-landscape slices on a live model (SCIENCE.md
// section 3). The model's weights are changed while a slice is evaluated and restored
// bit-exactly afterwards, whether the job finishes, is cancelled or throws.

#include <array>
#include <atomic>
#include <functional>
#include <vector>

#include <torch/torch.h>

#include "engine/analysis/analysis.h"
#include "engine/models/internal/models.h"
#include "engine/data/internal/tasks.h"

namespace forgetlab {

// A seeded Gaussian direction with filter normalization: for every parameter with
// dim >= 2, each slice along dim 0 is rescaled to the norm of the matching slice of the
// weights; parameters with dim <= 1 get zeros.
std::vector<torch::Tensor> filterNormalizedDirection(const std::vector<torch::Tensor>& weights,
                                                     torch::Generator& generator);

// Restores parameters to their values at construction (bit-exact).
class WeightRestorer {
public:
    explicit WeightRestorer(std::vector<torch::Tensor> params);
    explicit WeightRestorer(torch::nn::Module& model) : WeightRestorer(model.parameters()) {}
    ~WeightRestorer();
    const std::vector<torch::Tensor>& saved() const { return m_saved; }

private:
    std::vector<torch::Tensor> m_params;
    std::vector<torch::Tensor> m_saved;
};

struct EvalSets {
    DataSplit up, down;
    int up_head = 0, down_head = 0;
};

// Measures one point of a slice at the parameters' current values:
// {upstream loss, upstream accuracy, downstream loss, downstream accuracy}.
using PointEvaluator = std::function<std::array<double, 4>()>;

// Evaluates a slice around the parameters' current values w (any loss: the evaluator
// sees the moved parameters). Directions are drawn from request.seed.
LandscapeResult landscapeOnParameters(const std::vector<torch::Tensor>& params,
                                      const PointEvaluator& evaluate,
                                      const LandscapeRequest& request,
                                      const std::vector<torch::Tensor>* pretrained,
                                      const ProgressFn& progress, const std::atomic<bool>* cancel);

// Evaluates a slice around the model's current weights w. For "interp", `pretrained`
// holds w_pre and the line is (1 - a) w_pre + a w for a in [-0.5, 1.5].
LandscapeResult landscapeOnModel(ForgetModel& model, const EvalSets& sets,
                                 const LandscapeRequest& request,
                                 const std::vector<torch::Tensor>* pretrained,
                                 const ProgressFn& progress, const std::atomic<bool>* cancel);

// Axis values of a request (interp includes exactly 0 and 1).
std::vector<double> landscapeAxis(const LandscapeRequest& request);

// Mean gradient magnitude and mean absolute curvature (central finite differences) of a
// row-major grid over the interior points within the central half of the range.
void flatnessSummary(const std::vector<double>& values, const std::vector<double>& xs,
                     const std::vector<double>& ys, double* meanGrad, double* meanCurvature);

}  // namespace forgetlab
