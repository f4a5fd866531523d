// Rows 11 and 11b: the engine's GPT language model (engine/models/internal/gpt_model.h, default
// GptConfig: byte vocabulary 256, 4 layers, 4 heads, 128 embd, context 128) against the same model
// in Python PyTorch (bench/reference/gpt_reference.py) on the same libtorch, timed alternately in
// one run, median of per-round ratios.
//  11 (--model train, the default): training tokens/s on one fixed batch of 16 sequences
//     of 128 tokens, AdamW lr 3e-4 weight decay 0.01, the Runner's step (target ≥ 1.1).
//  11b (--model generate): greedy generation tokens/s, 16-token prompt and 112 new tokens,
//     no KV cache on either side (information).
// The initial weights and the token batch go to Python in a safetensors file (Hugging Face
// GPT-2 names), so both sides start identical: the first-step losses and the generated
// tokens must agree.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <unistd.h>

#include "bench/bench_args.h"
#include "bench/interleave.h"
#include "bench/python_reference.h"
#include "bench/result_row.h"
#include "engine/models/internal/gpt_model.h"
#include "engine/optim/internal/optimizers.h"
#include "engine/models/internal/safetensors.h"
#include "engine/data/internal/tasks.h"

using namespace forgetlab;
using namespace forgetlab::bench;

namespace {

constexpr int64_t kBatch = 16;
constexpr int64_t kTokens = 128;  // per sequence (the default context)
constexpr int kPrompt = 16;
constexpr int kNewTokens = 112;
constexpr uint64_t kSeed = 0;
constexpr double kLr = 3e-4;
constexpr double kWeightDecay = 0.01;

// The initial state shared with Python: the model's Hugging Face tensors plus "tokens"
// [batch, tokens + 1]. Removed when this goes out of scope.
class StateFile {
public:
    StateFile(GptModel& model, const torch::Tensor& tokens) {
        const char* tmp = std::getenv("TMPDIR");
        m_path = std::string(tmp && *tmp ? tmp : "/tmp") + "/forgetlab_bench_gpt_XXXXXX";
        const int fd = mkstemp(m_path.data());
        if (fd < 0) throw std::runtime_error("cannot create a temporary file for the weights");
        close(fd);
        NamedTensors tensors = model.gpt2Tensors();
        tensors.emplace_back("tokens", tokens);
        saveSafetensors(m_path, tensors);
    }
    ~StateFile() { std::remove(m_path.c_str()); }
    StateFile(const StateFile&) = delete;
    StateFile& operator=(const StateFile&) = delete;
    const std::string& path() const { return m_path; }

private:
    std::string m_path;
};

// The Runner's training step (engine/train/runner.cpp, trainPhase) on the GPT: closure
// {zeroGrad; taskLoss(forward); backward}, optimizer->step(closure), loss.item().
class GptStep {
public:
    GptStep(std::shared_ptr<GptModel> model, const torch::Tensor& tokens)
        : m_model(std::move(model)) {
        OptimizerConfig oc;
        oc.name = "adamw";
        oc.lr = kLr;
        oc.weight_decay = kWeightDecay;
        m_optimizer = makeOptimizer(m_model->parameters(), oc);
        m_model->train();
        m_input = tokens.slice(1, 0, kTokens).contiguous();
        m_target = tokens.slice(1, 1, kTokens + 1).contiguous();
    }

    double step() {
        auto closure = [&]() {
            zeroGrad(*m_optimizer);
            torch::Tensor loss = taskLoss(m_model->forward(m_input, 0), m_target);
            loss.backward();
            return loss;
        };
        return m_optimizer->step(closure).item<double>();
    }

    double run(int64_t steps) {
        const double t0 = nowSeconds();
        for (int64_t i = 0; i < steps; ++i) step();
        return nowSeconds() - t0;
    }

private:
    std::shared_ptr<GptModel> m_model;
    std::unique_ptr<torch::optim::Optimizer> m_optimizer;
    torch::Tensor m_input, m_target;
};

std::string joined(const std::vector<int64_t>& tokens) {
    std::string s;
    for (size_t i = 0; i < tokens.size(); ++i) s += (i ? "," : "") + std::to_string(tokens[i]);
    return s;
}

double number(const std::vector<std::string>& words, const char* what) {
    if (words.empty()) throw std::runtime_error(std::string("python reference: no ") + what);
    return std::stod(words[0]);
}

// Both sides from the same start: the seeded engine model and token batch, and the Python
// reference set up from them (which runs one training step of its own).
struct Sides {
    std::shared_ptr<GptModel> model;
    torch::Tensor tokens;  // [batch, tokens + 1]
    std::unique_ptr<PythonReference> python;
    double pythonLoss = 0;  // of Python's first step
};

Sides startSides(const BenchArgs& args) {
    Sides s;
    torch::manual_seed(kSeed);
    s.model = std::make_shared<GptModel>(GptConfig{});
    s.tokens =
        torch::randint(0, s.model->config().vocab_size, {kBatch, kTokens + 1}, torch::kInt64);
    // BenchArgs' default script is the MLP reference; this bench has its own.
    std::string script = args.script;
    if (script == FORGETLAB_BENCH_REFERENCE_DIR "/torch_reference.py")
        script = FORGETLAB_BENCH_REFERENCE_DIR "/gpt_reference.py";
    s.python = std::make_unique<PythonReference>(args.python, script, args.threads);
    const StateFile state(*s.model, s.tokens);
    char hyper[64];
    std::snprintf(hyper, sizeof hyper, " %.17g %.17g", kLr, kWeightDecay);
    s.pythonLoss = number(s.python->request("setup " + state.path() + " " +
                                            std::to_string(s.model->config().n_head) + hyper),
                          "loss");
    return s;
}

int runTraining(const BenchArgs& args, ResultRow& row) {
    Sides sides = startSides(args);
    PythonReference& python = *sides.python;
    const double pythonLoss = sides.pythonLoss;
    GptStep engine(sides.model, sides.tokens);
    const double engineLoss = engine.step();
    std::fprintf(stderr, "first-step loss: engine %.7f, python %.7f (python torch %s)\n",
                 engineLoss, pythonLoss, python.torchVersion().c_str());
    if (std::fabs(engineLoss - pythonLoss) > 1e-4 * std::max(1.0, std::fabs(engineLoss)))
        std::fprintf(stderr, "warning: the two sides do not compute the same step\n");

    const std::vector<Workload> workloads = {
        {"engine", [&](int64_t n) { return engine.run(n); }},
        {"python",
         [&](int64_t n) { return number(python.request("run " + std::to_string(n)), "time"); }},
    };
    InterleaveOptions options = args.interleave;
    // A step takes a tenth of a second or more: longer blocks than the MLP rows, fewer rounds.
    options.blockSeconds = std::max(options.blockSeconds, 0.4);
    options.rounds = std::min(options.rounds, 15);
    options.children.push_back(python.pid());
    const InterleaveResult result = measureInterleaved(workloads, options);
    const double perStep = double(kBatch * kTokens);
    std::vector<double> engineRate, pythonRate;
    for (double r : result.rates[0]) engineRate.push_back(r * perStep);
    for (double r : result.rates[1]) pythonRate.push_back(r * perStep);
    row.busy = result.busy;
    row.measuredA = "engine " + formatRate(median(engineRate), "tokens/s");
    row.measuredB = "Python " + formatRate(median(pythonRate), "tokens/s");
    row.ratio = median(perRoundRatios(engineRate, pythonRate));
    std::fprintf(stderr, "loss after the run: engine %.5f\n", engine.step());
    printRow(row, args.info);
    return 0;
}

int runGeneration(const BenchArgs& args, ResultRow& row) {
    Sides sides = startSides(args);
    PythonReference& python = *sides.python;
    GptModel* model = sides.model.get();
    const torch::Tensor first = sides.tokens[0].slice(0, 0, kPrompt).contiguous();
    const std::vector<int64_t> prompt(first.data_ptr<int64_t>(),
                                      first.data_ptr<int64_t>() + kPrompt);
    const std::string genRequest =
        "generate " + std::to_string(kPrompt) + " " + std::to_string(kNewTokens) + " ";
    const std::string engineTokens = joined(model->generate(prompt, kNewTokens, 0.0, 0));
    const auto answer = python.request(genRequest + "1");
    const std::string pythonTokens = answer.size() > 1 ? answer[1] : "";
    std::fprintf(stderr, "generated tokens %s (python torch %s)\n",
                 engineTokens == pythonTokens ? "agree" : "DIFFER", python.torchVersion().c_str());
    if (engineTokens != pythonTokens)
        std::fprintf(stderr, "engine %s\npython %s\n", engineTokens.c_str(), pythonTokens.c_str());

    // One unit is one whole generation (kNewTokens tokens, a fraction of a second), so
    // blocks hold one or two: fewer rounds than the training row, and a shorter cap.
    const std::vector<Workload> workloads = {
        {"engine",
         [&](int64_t n) {
             const double t0 = nowSeconds();
             for (int64_t i = 0; i < n; ++i) model->generate(prompt, kNewTokens, 0.0, 0);
             return nowSeconds() - t0;
         }},
        {"python",
         [&](int64_t n) { return number(python.request(genRequest + std::to_string(n)), "time"); }},
    };
    InterleaveOptions options = args.interleave;
    options.blockSeconds = std::max(options.blockSeconds, 0.4);
    options.rounds = std::min(options.rounds, 11);
    options.maxSeconds = std::min(options.maxSeconds, 20.0);
    options.children.push_back(python.pid());
    const InterleaveResult result = measureInterleaved(workloads, options);
    std::vector<double> engineRate, pythonRate;
    for (double r : result.rates[0]) engineRate.push_back(r * kNewTokens);
    for (double r : result.rates[1]) pythonRate.push_back(r * kNewTokens);
    row.busy = result.busy;
    row.measuredA = "engine " + formatRate(median(engineRate), "tokens/s");
    row.measuredB = "Python " + formatRate(median(pythonRate), "tokens/s");
    row.ratio = median(perRoundRatios(engineRate, pythonRate));
    printRow(row, args.info);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const BenchArgs args = parseBenchArgs(argc, argv);
    const bool generate = args.model == "generate";
    ResultRow row =
        generate
            ? makeRow("11b",
                      "engine ÷ Python PyTorch generation tokens/s, GPT 4 × 128, greedy, 16-token "
                      "prompt + 112 new, no KV cache",
                      args.threads, Goal::Info)
            : makeRow("11",
                      "engine ÷ Python PyTorch training tokens/s, GPT 4 layers × 128 embd, batch "
                      "16 × 128 tokens, AdamW",
                      args.threads, Goal::AtLeast, 1.1);
    try {
        if (!generate && args.model != "default" && args.model != "train")
            throw std::invalid_argument("--model must be train or generate, not " + args.model);
        torch::set_num_threads(args.threads);
        return generate ? runGeneration(args, row) : runTraining(args, row);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_gpt: %s\n", e.what());
        printUnmeasured(row, "not measured (see bench log)", args.info);
        return 1;
    }
}
