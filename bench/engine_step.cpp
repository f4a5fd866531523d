#include "bench/engine_step.h"

#include <stdexcept>

#include "bench/interleave.h"
#include "engine/optim/internal/optimizers.h"
#include "engine/data/internal/tasks.h"

namespace forgetlab::bench {

double trainStepFlops(const StepSpec& spec) {
    double macs = 0;
    for (size_t i = 0; i + 1 < spec.sizes.size(); ++i)
        macs += static_cast<double>(spec.sizes[i]) * static_cast<double>(spec.sizes[i + 1]);
    return 6.0 * static_cast<double>(spec.batch) * macs;
}

void makeBatch(const StepSpec& spec, torch::Tensor& input, torch::Tensor& target) {
    const int64_t inputs = spec.sizes.front();
    const int64_t classes = spec.sizes.back();
    input = torch::randn({spec.batch, inputs});
    if (inputs == 2 && classes == 2)
        target = (input.select(1, 0) * input.select(1, 1) > 0).to(torch::kInt64);
    else
        target = torch::randint(0, classes, {spec.batch}, torch::kInt64);
}

EngineStep::EngineStep(const StepSpec& spec) {
    if (spec.sizes.size() < 2) throw std::invalid_argument("StepSpec needs inputs and classes");
    std::vector<int> hidden(spec.sizes.begin() + 1, spec.sizes.end() - 1);
    torch::manual_seed(spec.seed);
    m_model = std::make_shared<MlpModel>(spec.sizes.front(), hidden, "relu",
                                         std::vector<int>{static_cast<int>(spec.sizes.back())});
    m_model->train();
    m_optimizer = makeOptimizer(m_model->parameters(), spec.optimizer);
    makeBatch(spec, m_input, m_target);
}

double EngineStep::step() {
    auto closure = [&]() {
        zeroGrad(*m_optimizer);
        torch::Tensor loss = taskLoss(m_model->forward(m_input, m_head), m_target);
        loss.backward();
        return loss;
    };
    return m_optimizer->step(closure).item<double>();
}

double EngineStep::run(int64_t steps) {
    const double t0 = nowSeconds();
    for (int64_t i = 0; i < steps; ++i) step();
    return nowSeconds() - t0;
}

}  // namespace forgetlab::bench
