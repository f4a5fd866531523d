// The GPU check's benchmark (bench/gpu/check.sh, docs/gpu.md): the engine's GPT
// (engine/models/internal/gpt_model.h) trained on the run's device and precision, against
// the same model in Python PyTorch (bench/gpu/gpt_gpu_reference.py) on the same torch and
// the same device, timed alternately in one run, median of per-round ratios; and the
// model FLOP/s of each side against the device's measured matrix-product peak.
//
//   G1  engine ÷ Python PyTorch training tokens/s (target ≥ 1.0)
//   G2  engine model FLOP/s ÷ measured matmul peak (bf16 on CUDA; fp32 on the CPU)
//   G2b Python model FLOP/s ÷ the same peak (information)
//   G3  forward+backward time, engine ÷ Python (information: where a gap comes from)
//   G4  AdamW step time, engine ÷ Python (information)
//
// The model is GPT-2 small (12 layers, 12 heads, 768 wide, vocabulary 50257, context 1024:
// 124M parameters), batch 8 × 512 tokens, AdamW; with --tiny a 2-layer, 64-wide byte-level
// model and batch 4 × 64 for smoke tests on the CPU. Both sides use the attention kernel the
// engine uses on this LibTorch (fused scaled-dot-product attention from 2.0 on), eager
// mode, no compilation; under bf16 both autocast the forward pass and keep fp32 master
// weights. Neither side reads the loss per step (a GPU step must not wait for the host).
//
// Model FLOPs per step = (6 N + 12 L C T) B T: N parameters taking part in matrix products
// (all but the position embedding; the token embedding counts once, as the tied head),
// L layers, C width, T tokens per sequence, B sequences (PaLM's estimate: forward and
// backward, attention scores and weighted sums with the causal mask not discounted).

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

#include "bench/interleave.h"
#include "bench/python_reference.h"
#include "bench/result_row.h"
#include "engine/core/devices.h"
#include "engine/core/internal/torch_compat.h"
#include "engine/data/internal/tasks.h"
#include "engine/models/internal/gpt_model.h"
#include "engine/models/internal/safetensors.h"
#include "engine/optim/internal/optimizers.h"
#include "engine/train/internal/device_placement.h"

using namespace forgetlab;
using namespace forgetlab::bench;

namespace {

constexpr double kLr = 3e-4;
constexpr double kWeightDecay = 0.01;
constexpr uint64_t kSeed = 0;

struct Args {
    std::string device = "cuda";
    std::string precision;  // default: bf16 on CUDA, fp32 on the CPU
    bool tiny = false;
    bool python = true;
    std::string pythonExe = "python3";
    std::string script = FORGETLAB_GPU_BENCH_DIR "/gpt_gpu_reference.py";
    int threads = 2;
    InterleaveOptions interleave;
    bool roundsSet = false, blockSet = false, maxSet = false;
};

[[noreturn]] void usage(const char* program) {
    std::fprintf(stderr,
                 "usage: %s [--device cuda|cuda:N|cpu|auto] [--precision bf16|fp32|tf32] "
                 "[--tiny]\n"
                 "          [--python PATH | --no-python] [--script PATH] [--threads N]\n"
                 "          [--rounds N] [--block-seconds S] [--max-seconds S]\n",
                 program);
    std::exit(2);
}

Args parseArgs(int argc, char** argv) {
    Args a;
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (flag == "--tiny") {
            a.tiny = true;
            continue;
        }
        if (flag == "--no-python") {
            a.python = false;
            continue;
        }
        if (flag == "--help" || flag == "-h" || i + 1 >= argc) usage(argv[0]);
        const std::string value = argv[++i];
        try {
            if (flag == "--device")
                a.device = value;
            else if (flag == "--precision")
                a.precision = value;
            else if (flag == "--python")
                a.pythonExe = value;
            else if (flag == "--script")
                a.script = value;
            else if (flag == "--threads")
                a.threads = std::stoi(value);
            else if (flag == "--rounds")
                a.interleave.rounds = std::stoi(value), a.roundsSet = true;
            else if (flag == "--block-seconds")
                a.interleave.blockSeconds = std::stod(value), a.blockSet = true;
            else if (flag == "--max-seconds")
                a.interleave.maxSeconds = std::stod(value), a.maxSet = true;
            else
                usage(argv[0]);
        } catch (const std::exception&) {
            usage(argv[0]);
        }
    }
    if (a.threads < 1 || a.interleave.rounds < 1 || !(a.interleave.blockSeconds > 0))
        usage(argv[0]);
    return a;
}

struct Shape {
    GptConfig gpt;
    int64_t batch = 0, tokens = 0;
    std::string text;  // "GPT-2 small 124M", for the table
};

Shape benchShape(bool tiny) {
    Shape s;
    if (tiny) {
        s.gpt.vocab_size = 256;
        s.gpt.n_layer = 2;
        s.gpt.n_head = 2;
        s.gpt.n_embd = 64;
        s.gpt.n_positions = 64;
        s.batch = 4;
        s.tokens = 64;
    } else {
        s.gpt.vocab_size = 50257;
        s.gpt.n_layer = 12;
        s.gpt.n_head = 12;
        s.gpt.n_embd = 768;
        s.gpt.n_positions = 1024;
        s.batch = 8;
        s.tokens = 512;
    }
    const double millions = double(gptParameterCount(s.gpt)) / 1e6;
    char buf[160];
    std::snprintf(buf, sizeof buf,
                  "GPT %d layers × %d embd, vocab %d (%.1fM params), batch %lld × %lld",
                  s.gpt.n_layer, s.gpt.n_embd, s.gpt.vocab_size, millions,
                  static_cast<long long>(s.batch), static_cast<long long>(s.tokens));
    s.text = buf;
    return s;
}

// Model FLOPs of one training step (see the header comment).
double stepFlops(const Shape& s) {
    const double n = double(gptParameterCount(s.gpt)) - double(s.gpt.n_positions) * s.gpt.n_embd;
    const double perToken = 6.0 * n + 12.0 * s.gpt.n_layer * s.gpt.n_embd * double(s.tokens);
    return perToken * double(s.batch * s.tokens);
}

void synchronize(const RunDevice& device) {
    if (device.cuda()) torch::cuda::synchronize(device.device.index());
}

// The initial state handed to Python: the model's Hugging Face tensors plus "tokens"
// [batch, tokens + 1], in a temporary safetensors file removed when this goes.
class StateFile {
public:
    StateFile(GptModel& model, const torch::Tensor& tokens) {
        const char* tmp = std::getenv("TMPDIR");
        m_path = std::string(tmp && *tmp ? tmp : "/tmp") + "/forgetlab_gpu_gpt_XXXXXX";
        const int fd = mkstemp(m_path.data());
        if (fd < 0) throw std::runtime_error("cannot create a temporary file for the weights");
        close(fd);
        NamedTensors tensors = model.gpt2Tensors();
        for (auto& [name, t] : tensors) t = t.to(torch::kCPU).contiguous();
        tensors.emplace_back("tokens", tokens.to(torch::kCPU).contiguous());
        saveSafetensors(m_path, tensors);
    }
    ~StateFile() { std::remove(m_path.c_str()); }
    StateFile(const StateFile&) = delete;
    StateFile& operator=(const StateFile&) = delete;
    const std::string& path() const { return m_path; }

private:
    std::string m_path;
};

// The engine's training step as the step loop runs it (engine/train/step_loop.cpp):
// closure {zeroGrad; taskLoss(forward); backward}, optimizer->step(closure). The loss stays
// on the device until a block ends.
class EngineStep {
public:
    EngineStep(std::shared_ptr<GptModel> model, const torch::Tensor& tokens,
               const RunDevice& device)
        : m_model(std::move(model)), m_device(device) {
        OptimizerConfig oc;
        oc.name = "adamw";
        oc.lr = kLr;
        oc.weight_decay = kWeightDecay;
        m_optimizer = makeOptimizer(m_model->parameters(), oc);
        m_model->train();
        const int64_t t = tokens.size(1) - 1;
        m_input = tokens.slice(1, 0, t).contiguous();
        m_target = tokens.slice(1, 1, t + 1).contiguous();
    }

    torch::Tensor forwardBackward() {
        zeroGrad(*m_optimizer);
        torch::Tensor loss = taskLoss(m_model->forward(m_input, 0), m_target);
        loss.backward();
        return loss;
    }

    torch::Tensor step() {
        return m_optimizer->step([&]() { return forwardBackward(); });
    }

    // Seconds for `steps` steps, the device drained before and after; the last loss in
    // lastLoss.
    double run(int64_t steps, double* lastLoss = nullptr) {
        synchronize(m_device);
        const double t0 = nowSeconds();
        torch::Tensor loss;
        for (int64_t i = 0; i < steps; ++i) loss = step();
        const double last = loss.item<double>();  // waits for the device
        if (lastLoss) *lastLoss = last;
        return nowSeconds() - t0;
    }

    // Seconds of `steps` forward+backward passes, then of `steps` optimizer steps alone.
    std::pair<double, double> phases(int64_t steps) {
        synchronize(m_device);
        const double t0 = nowSeconds();
        for (int64_t i = 0; i < steps; ++i) forwardBackward();
        synchronize(m_device);
        const double t1 = nowSeconds();
        for (int64_t i = 0; i < steps; ++i) m_optimizer->step();
        synchronize(m_device);
        return {t1 - t0, nowSeconds() - t1};
    }

private:
    std::shared_ptr<GptModel> m_model;
    RunDevice m_device;
    std::unique_ptr<torch::optim::Optimizer> m_optimizer;
    torch::Tensor m_input, m_target;
};

struct Peak {
    double flops = 0;  // FLOP/s
    std::string what;  // "bf16 matmul 8192³"
};

// The device's practical matrix-product peak through this LibTorch: the best of a few
// timed loops of large products on random data (bf16 on CUDA; fp32 on the CPU).
Peak measurePeak(const RunDevice& device, bool tiny) {
    torch::NoGradGuard noGrad;
    const bool cuda = device.cuda();
    const int64_t n = cuda ? (tiny ? 4096 : 8192) : (tiny ? 512 : 2048);
    const auto dtype = cuda ? torch::kBFloat16 : torch::kFloat32;
    const auto options = torch::TensorOptions().device(device.device).dtype(dtype);
    torch::Tensor a = torch::randn({n, n}, options), b = torch::randn({n, n}, options);
    torch::Tensor c = torch::empty({n, n}, options);
    const int count = cuda ? 20 : 4;
    for (int i = 0; i < 3; ++i) torch::mm_out(c, a, b);
    double best = 0;
    for (int rep = 0; rep < 5; ++rep) {
        synchronize(device);
        const double t0 = nowSeconds();
        for (int i = 0; i < count; ++i) torch::mm_out(c, a, b);
        synchronize(device);
        const double secs = nowSeconds() - t0;
        best = std::max(best, 2.0 * double(n) * double(n) * double(n) * count / secs);
    }
    Peak p;
    p.flops = best;
    p.what = std::string(cuda ? "bf16" : "fp32") + " matmul " + std::to_string(n) + "³";
    return p;
}

double number(const std::vector<std::string>& words, size_t i, const char* what) {
    if (words.size() <= i) throw std::runtime_error(std::string("python reference: no ") + what);
    return std::stod(words[i]);
}

std::string ms(double seconds) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f ms", seconds * 1e3);
    return buf;
}

std::string deviceName(const RunDevice& device) {
    for (const DeviceInfo& d : listDevices())
        if (d.device == device.name) return d.name;
    return device.name;
}

int run(const Args& args) {
    // Default precision: bf16 where the device is a GPU ("auto" included), fp32 on the CPU.
    const DeviceChoice choice = resolveDevice(args.device);
    const bool onCpu = choice.ok() && choice.device == "cpu";
    const std::string precision =
        !args.precision.empty() ? args.precision : (onCpu ? "fp32" : "bf16");
    const RunDevice device = prepareDevice(args.device, precision);
    const Shape shape = benchShape(args.tiny);
    std::fprintf(stderr, "gpu_gpt_throughput: %s on %s (%s), precision %s, %s, attention %s\n",
                 shape.text.c_str(), device.name.c_str(), deviceName(device).c_str(),
                 device.precision.c_str(), runtimeVersions().c_str(),
                 compat::kHasFusedAttention ? "sdpa (fused)" : "math");
    const std::string where = device.name + ", " + device.precision;
    ResultRow g1 = makeRow(
        "G1",
        "engine ÷ Python PyTorch training tokens/s, " + shape.text + ", AdamW (" + where + ")",
        args.threads, Goal::AtLeast, 1.0);
    ResultRow g2 =
        makeRow("G2", "engine model FLOP/s ÷ measured matmul peak (" + where + ")", args.threads);
    ResultRow g2b =
        makeRow("G2b", "Python PyTorch model FLOP/s ÷ the same peak (" + where + ")", args.threads);
    ResultRow g3 =
        makeRow("G3", "forward+backward time, engine ÷ Python (" + where + ")", args.threads);
    ResultRow g4 = makeRow("G4", "AdamW step time, engine ÷ Python (" + where + ")", args.threads);

    torch::manual_seed(kSeed);
    auto model = std::make_shared<GptModel>(shape.gpt);
    torch::Tensor tokens =
        torch::randint(0, shape.gpt.vocab_size, {shape.batch, shape.tokens + 1}, torch::kInt64);

    std::unique_ptr<PythonReference> python;
    double pythonLoss = std::nan("");
    if (args.python) {
        python = std::make_unique<PythonReference>(args.pythonExe, args.script, args.threads);
        const StateFile state(*model, tokens);
        char hyper[64];
        std::snprintf(hyper, sizeof hyper, " %.17g %.17g ", kLr, kWeightDecay);
        pythonLoss = number(
            python->request("setup " + state.path() + " " + std::to_string(shape.gpt.n_head) +
                            hyper + device.name + " " + device.precision + " " +
                            (compat::kHasFusedAttention ? "sdpa" : "math")),
            0, "loss");
    }

    placeModel(*model, device);
    EngineStep engine(model, tokens.to(device.device), device);
    const double engineLoss = engine.step().item<double>();
    std::fprintf(stderr, "first-step loss: engine %.6f, python %.6f (python torch %s)\n",
                 engineLoss, pythonLoss, python ? python->torchVersion().c_str() : "-");
    const double tolerance = device.bf16() ? 2e-2 : device.cuda() ? 1e-3 : 1e-4;
    if (python && std::fabs(engineLoss - pythonLoss) > tolerance * std::max(1.0, engineLoss))
        std::fprintf(stderr, "warning: the two sides do not compute the same step (tolerance %g)\n",
                     tolerance);

    InterleaveOptions options = args.interleave;
    if (!args.blockSet) options.blockSeconds = args.tiny ? 0.2 : 0.6;
    if (!args.roundsSet) options.rounds = args.tiny ? 5 : 7;
    if (!args.maxSet) options.maxSeconds = args.tiny ? 15 : 45;
    // On a GPU box the host may run other services; the device is what is measured.
    if (device.cuda()) options.maxOtherCores = 1.0;
    std::vector<Workload> workloads = {{"engine", [&](int64_t n) { return engine.run(n); }}};
    if (python) {
        workloads.push_back({"python", [&](int64_t n) {
                                 return number(python->request("run " + std::to_string(n)), 0,
                                               "time");
                             }});
        options.children.push_back(python->pid());
    }
    const InterleaveResult result = measureInterleaved(workloads, options);
    const double perStep = double(shape.batch * shape.tokens);
    std::vector<double> engineRate, pythonRate;
    for (double r : result.rates[0]) engineRate.push_back(r * perStep);
    if (python)
        for (double r : result.rates[1]) pythonRate.push_back(r * perStep);

    // Where the time goes, with the device drained around each phase.
    const int64_t phaseSteps = args.tiny ? 10 : 20;
    const auto enginePhases = engine.phases(phaseSteps);
    std::pair<double, double> pythonPhases{0, 0};
    if (python) {
        const auto words = python->request("phases " + std::to_string(phaseSteps));
        pythonPhases = {number(words, 0, "forward time"), number(words, 1, "optimizer time")};
    }
    const Peak peak = measurePeak(device, args.tiny);
    const double flops = stepFlops(shape);
    std::fprintf(stderr,
                 "model FLOPs per step %.4g (6 N + 12 L C T per token); peak %s %.4g FLOP/s\n",
                 flops, peak.what.c_str(), peak.flops);

    const double engineTokens = median(engineRate);
    const double engineFlops = engineTokens / perStep * flops;
    g2.measuredA = "engine " + formatRate(engineFlops / 1e12, "TFLOP/s");
    g2.measuredB = "peak " + formatRate(peak.flops / 1e12, "TFLOP/s") + " (" + peak.what + ")";
    g2.ratio = engineFlops / peak.flops;
    g2.busy = result.busy;
    if (python) {
        g1.measuredA = "engine " + formatRate(engineTokens, "tokens/s");
        g1.measuredB = "Python " + formatRate(median(pythonRate), "tokens/s");
        g1.ratio = median(perRoundRatios(engineRate, pythonRate));
        g1.busy = result.busy;
        printRow(g1);
    } else {
        printUnmeasured(g1, "not measured (--no-python)");
    }
    printRow(g2);
    if (python) {
        const double pythonFlops = median(pythonRate) / perStep * flops;
        g2b.measuredA = "Python " + formatRate(pythonFlops / 1e12, "TFLOP/s");
        g2b.measuredB = g2.measuredB;
        g2b.ratio = pythonFlops / peak.flops;
        g2b.busy = result.busy;
        printRow(g2b);
        const double n = double(phaseSteps);
        g3.measuredA = "engine " + ms(enginePhases.first / n);
        g3.measuredB = "Python " + ms(pythonPhases.first / n);
        g3.ratio = enginePhases.first / pythonPhases.first;
        printRow(g3);
        g4.measuredA = "engine " + ms(enginePhases.second / n);
        g4.measuredB = "Python " + ms(pythonPhases.second / n);
        g4.ratio = enginePhases.second / pythonPhases.second;
        printRow(g4);
    }
    double lastLoss = 0;
    engine.run(1, &lastLoss);
    std::fprintf(stderr, "loss after the run: engine %.5f\n", lastLoss);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const Args args = parseArgs(argc, argv);
    try {
        torch::set_num_threads(args.threads);
        return run(args);
    } catch (const std::exception& e) {
        std::string what = e.what();
        if (const auto* c = dynamic_cast<const c10::Error*>(&e)) what = c->what_without_backtrace();
        std::fprintf(stderr, "gpu_gpt_throughput: %s\n", what.c_str());
        // One table cell: no line breaks or column bars.
        what = what.substr(0, std::min<size_t>(what.size(), 200));
        std::replace(what.begin(), what.end(), '\n', ' ');
        std::replace(what.begin(), what.end(), '|', '/');
        std::printf(
            "ROW | G1 | engine ÷ Python PyTorch training tokens/s (%s) | %d | — | — | "
            "not measured: %s | ≥ 1.00 | — |\n",
            args.device.c_str(), args.threads, what.c_str());
        return 1;
    }
}
