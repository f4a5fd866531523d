// Rows 12-15: the Hugging Face decoder families (engine/models/internal/decoder_model.h,
// language_model.h). Every row is a ratio measured in one run; the timed rows alternate their
// two sides block after block (bench/interleave.h).
//  12 (--model train, the default): training tokens/s of DecoderModel, family llama (8 layers,
//     4 heads, hidden 256, SwiGLU 704 from architectureFromSizes, untied head, context 256,
//     byte vocabulary 256), batch 8 × 256 tokens, AdamW, the Runner's step, against the same
//     model in Python PyTorch (bench/reference/llama_reference.py) on the same libtorch
//     (target ≥ 1.10). The initial weights go to Python as the folder saveHfModel writes
//     (model.safetensors + config.json), the batch as a second safetensors file, so both
//     sides start identical and their first-step losses agree.
//  13 (--model cache): greedy generation tokens/s with the KV cache over without it
//     (GenerationOptions::use_cache), llama 4 × 256, context 512, 8-token prompt, 256 new
//     tokens (target ≥ 5).
//  14 (--model load): makeLanguageModel(arch, false) + loadHfWeights of a float32 folder
//     (llama 8 × 512, vocabulary 32000: 232 MB) over read() of the same file's bytes into
//     a fresh buffer of its size, page cache warm for both (target ≤ 1.5).
//  15 (--model rss): peak RSS while a fresh process (this binary, --rss-child) loads the same
//     model stored as BF16, less its RSS just before, over the model's float32 parameter
//     bytes (target ≤ 1.2).
// Checkpoints are written by the engine itself into a temporary folder, removed afterwards.
// --model profile (profile-cache) runs row 12's engine step (row 13's cached generation) alone,
// --rounds times, for perf (not a row).

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <fcntl.h>
#include <malloc.h>
#include <unistd.h>

#include "bench/bench_args.h"
#include "bench/interleave.h"
#include "bench/python_reference.h"
#include "bench/result_row.h"
#include "engine/data/internal/tasks.h"
#include "engine/models/internal/language_model.h"
#include "engine/models/internal/safetensors.h"
#include "engine/models/model_folder.h"
#include "engine/optim/internal/optimizers.h"

using namespace forgetlab;
using namespace forgetlab::bench;
namespace fs = std::filesystem;

namespace {

constexpr uint64_t kSeed = 0;
constexpr double kLr = 3e-4;
constexpr double kWeightDecay = 0.01;

// Row 12's model and batch.
constexpr int kTrainLayers = 8, kTrainHeads = 4, kTrainEmbd = 256, kTrainContext = 256;
constexpr int kTrainVocab = 256;
constexpr int64_t kTrainBatch = 8;
// Row 13's model and generation.
constexpr int kGenLayers = 4, kGenHeads = 4, kGenEmbd = 256, kGenContext = 512, kGenVocab = 256;
constexpr int kPrompt = 8, kNewTokens = 256;
// Rows 14 and 15: a checkpoint of a few hundred MB with a realistic vocabulary.
constexpr int kLoadLayers = 8, kLoadHeads = 8, kLoadEmbd = 512, kLoadContext = 2048;
constexpr int kLoadVocab = 32000;

const char* kRowWhat[] = {
    "engine ÷ Python PyTorch training tokens/s, llama 8 layers × 256 hidden, batch 8 × 256 "
    "tokens, AdamW",
    "greedy generation tokens/s with KV cache ÷ without, llama 4 × 256, 8-token prompt + 256 "
    "new",
    "load time (makeLanguageModel + loadHfWeights) ÷ read() time of the same bytes, float32 "
    "llama 8 × 512, vocabulary 32000",
    "peak RSS increase while loading a BF16 checkpoint ÷ its float32 parameter bytes, llama 8 × "
    "512, vocabulary 32000",
};

// A temporary folder, removed with everything in it when this goes out of scope.
class TempDir {
public:
    explicit TempDir(const std::string& tag) {
        const char* tmp = std::getenv("TMPDIR");
        std::string pattern =
            std::string(tmp && *tmp ? tmp : "/tmp") + "/forgetlab_bench_" + tag + "_XXXXXX";
        if (!mkdtemp(pattern.data()))
            throw std::runtime_error("cannot create a temporary folder: " +
                                     std::string(std::strerror(errno)));
        m_path = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(m_path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return m_path; }
    std::string file(const std::string& name) const { return m_path + "/" + name; }

private:
    std::string m_path;
};

LmArchitecture llama(int layers, int heads, int embd, int context, int vocab) {
    return architectureFromSizes("llama", layers, heads, embd, context, vocab);
}

std::string describe(const LmArchitecture& a) {
    return a.family + " " + std::to_string(a.num_layers) + " layers, hidden " +
           std::to_string(a.hidden_size) + ", heads " + std::to_string(a.num_heads) + "/" +
           std::to_string(a.num_kv_heads) + ", intermediate " +
           std::to_string(a.intermediate_size) + ", vocabulary " + std::to_string(a.vocab_size) +
           ", context " + std::to_string(a.max_positions) +
           (a.tie_word_embeddings ? ", tied head" : ", untied head") + ", " +
           std::to_string(parameterCount(a)) + " parameters";
}

double number(const std::vector<std::string>& words, const char* what) {
    if (words.empty()) throw std::runtime_error(std::string("python reference: no ") + what);
    return std::stod(words[0]);
}

// The Runner's training step (engine/train/step_loop.cpp): closure {zeroGrad;
// taskLoss(forward); backward}, optimizer->step(closure), loss.item().
class LmStep {
public:
    LmStep(std::shared_ptr<LanguageModel> model, const torch::Tensor& tokens)
        : m_model(std::move(model)) {
        OptimizerConfig oc;
        oc.name = "adamw";
        oc.lr = kLr;
        oc.weight_decay = kWeightDecay;
        m_optimizer = makeOptimizer(m_model->parameters(), oc);
        m_model->train();
        const int64_t T = tokens.size(1) - 1;
        m_input = tokens.slice(1, 0, T).contiguous();
        m_target = tokens.slice(1, 1, T + 1).contiguous();
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
    std::shared_ptr<LanguageModel> m_model;
    std::unique_ptr<torch::optim::Optimizer> m_optimizer;
    torch::Tensor m_input, m_target;
};

int runTraining(const BenchArgs& args, ResultRow& row) {
    const LmArchitecture arch =
        llama(kTrainLayers, kTrainHeads, kTrainEmbd, kTrainContext, kTrainVocab);
    std::fprintf(stderr, "model: %s\n", describe(arch).c_str());
    torch::manual_seed(kSeed);
    std::shared_ptr<LanguageModel> model = makeLanguageModel(arch, true);
    const torch::Tensor tokens =
        torch::randint(0, arch.vocab_size, {kTrainBatch, kTrainContext + 1}, torch::kInt64);

    std::string script = args.script;
    if (script == FORGETLAB_BENCH_REFERENCE_DIR "/torch_reference.py")
        script = FORGETLAB_BENCH_REFERENCE_DIR "/llama_reference.py";
    PythonReference python(args.python, script, args.threads);
    double pythonLoss = 0;
    {
        // The folder Python starts from: what saveHfModel writes, plus the batch.
        const TempDir dir("llama");
        saveHfModel(*model, dir.path());
        saveSafetensors(dir.file("tokens.safetensors"), {{"tokens", tokens}});
        char hyper[64];
        std::snprintf(hyper, sizeof hyper, " %.17g %.17g", kLr, kWeightDecay);
        pythonLoss = number(
            python.request("setup " + dir.path() + " " + dir.file("tokens.safetensors") + hyper),
            "loss");
    }
    LmStep engine(model, tokens);
    const double engineLoss = engine.step();
    std::fprintf(stderr, "first-step loss: engine %.7f, python %.7f, ln(vocab) %.7f (python %s)\n",
                 engineLoss, pythonLoss, std::log(double(arch.vocab_size)),
                 python.torchVersion().c_str());
    if (std::fabs(engineLoss - pythonLoss) > 1e-4 * std::max(1.0, std::fabs(engineLoss)))
        std::fprintf(stderr, "warning: the two sides do not compute the same step\n");

    const std::vector<Workload> workloads = {
        {"engine", [&](int64_t n) { return engine.run(n); }},
        {"python",
         [&](int64_t n) { return number(python.request("run " + std::to_string(n)), "time"); }},
    };
    InterleaveOptions options = args.interleave;
    // A step takes a large fraction of a second: one step per block, few rounds.
    options.blockSeconds = std::max(options.blockSeconds, 0.4);
    options.rounds = std::min(options.rounds, 9);
    options.children.push_back(python.pid());
    const InterleaveResult result = measureInterleaved(workloads, options);
    const double perStep = double(kTrainBatch * kTrainContext);
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

// Not a row: row 12's engine step alone in a loop, for a profiler (perf, valgrind), like
// bench/profile_step.cpp. --rounds gives the number of steps.
int runProfile(const BenchArgs& args) {
    const LmArchitecture arch =
        llama(kTrainLayers, kTrainHeads, kTrainEmbd, kTrainContext, kTrainVocab);
    torch::manual_seed(kSeed);
    std::shared_ptr<LanguageModel> model = makeLanguageModel(arch, true);
    const torch::Tensor tokens =
        torch::randint(0, arch.vocab_size, {kTrainBatch, kTrainContext + 1}, torch::kInt64);
    LmStep engine(model, tokens);
    engine.step();
    const int64_t steps = args.interleave.rounds;
    const double seconds = engine.run(steps);
    std::printf("%s: %lld steps in %.3f s (%.1f tokens/s), loss %.5f\n", describe(arch).c_str(),
                static_cast<long long>(steps), seconds,
                double(steps * kTrainBatch * kTrainContext) / seconds, engine.step());
    return 0;
}

// Not a row: row 13's cached generation alone, --rounds times, for a profiler.
int runProfileCache(const BenchArgs& args) {
    const LmArchitecture arch = llama(kGenLayers, kGenHeads, kGenEmbd, kGenContext, kGenVocab);
    torch::manual_seed(kSeed);
    std::shared_ptr<LanguageModel> model = makeLanguageModel(arch, true);
    const torch::Tensor first = torch::randint(0, arch.vocab_size, {kPrompt}, torch::kInt64);
    const std::vector<int64_t> prompt(first.data_ptr<int64_t>(),
                                      first.data_ptr<int64_t>() + kPrompt);
    GenerationOptions o;
    o.max_new_tokens = kNewTokens;
    model->generate(prompt, o);
    const double t0 = nowSeconds();
    for (int i = 0; i < args.interleave.rounds; ++i) model->generate(prompt, o);
    const double seconds = nowSeconds() - t0;
    std::printf("%s: %d cached generations of %d tokens in %.3f s (%.1f tokens/s)\n",
                describe(arch).c_str(), args.interleave.rounds, kNewTokens, seconds,
                args.interleave.rounds * kNewTokens / seconds);
    return 0;
}

std::string joined(const std::vector<int64_t>& tokens) {
    std::string s;
    for (size_t i = 0; i < tokens.size(); ++i) s += (i ? "," : "") + std::to_string(tokens[i]);
    return s;
}

int runCache(const BenchArgs& args, ResultRow& row) {
    const LmArchitecture arch = llama(kGenLayers, kGenHeads, kGenEmbd, kGenContext, kGenVocab);
    std::fprintf(stderr, "model: %s\n", describe(arch).c_str());
    torch::manual_seed(kSeed);
    std::shared_ptr<LanguageModel> model = makeLanguageModel(arch, true);
    const torch::Tensor first = torch::randint(0, arch.vocab_size, {kPrompt}, torch::kInt64);
    const std::vector<int64_t> prompt(first.data_ptr<int64_t>(),
                                      first.data_ptr<int64_t>() + kPrompt);
    GenerationOptions cached, uncached;
    cached.max_new_tokens = uncached.max_new_tokens = kNewTokens;
    cached.use_cache = true;
    uncached.use_cache = false;
    const std::string withCache = joined(model->generate(prompt, cached));
    const std::string without = joined(model->generate(prompt, uncached));
    std::fprintf(stderr, "generated tokens with and without the cache %s\n",
                 withCache == without ? "agree" : "DIFFER");
    if (withCache != without)
        std::fprintf(stderr, "cached   %s\nuncached %s\n", withCache.c_str(), without.c_str());

    auto timedGeneration = [&](const GenerationOptions& o) {
        return [&model, &prompt, o](int64_t n) {
            const double t0 = nowSeconds();
            for (int64_t i = 0; i < n; ++i) model->generate(prompt, o);
            return nowSeconds() - t0;
        };
    };
    const std::vector<Workload> workloads = {
        {"cached", timedGeneration(cached)},
        {"uncached", timedGeneration(uncached)},
    };
    InterleaveOptions options = args.interleave;
    // One uncached generation lasts 3-5 s here (a cached one under a second): one per block,
    // few rounds, so that the row stays within half a minute.
    options.blockSeconds = std::max(options.blockSeconds, 0.3);
    options.rounds = std::min(options.rounds, 7);
    options.maxSeconds = std::min(options.maxSeconds, 25.0);
    const InterleaveResult result = measureInterleaved(workloads, options);
    std::vector<double> cachedRate, uncachedRate;
    for (double r : result.rates[0]) cachedRate.push_back(r * kNewTokens);
    for (double r : result.rates[1]) uncachedRate.push_back(r * kNewTokens);
    row.busy = result.busy;
    row.measuredA = "cached " + formatRate(median(cachedRate), "tokens/s");
    row.measuredB = "uncached " + formatRate(median(uncachedRate), "tokens/s");
    row.ratio = median(perRoundRatios(cachedRate, uncachedRate));
    printRow(row, args.info);
    return 0;
}

// The checkpoint of rows 14 and 15, written by the engine: float32 (saveHfModel) and, for
// row 15, the same weights as bfloat16 with the same config.json.
LmArchitecture writeLoadCheckpoint(const std::string& dir, const std::string& bf16Dir) {
    const LmArchitecture arch = llama(kLoadLayers, kLoadHeads, kLoadEmbd, kLoadContext, kLoadVocab);
    std::fprintf(stderr, "model: %s\n", describe(arch).c_str());
    torch::manual_seed(kSeed);
    std::shared_ptr<LanguageModel> model = makeLanguageModel(arch, true);
    if (!dir.empty()) saveHfModel(*model, dir);
    if (!bf16Dir.empty()) {
        NamedTensors tensors = model->hfTensors();
        for (auto& [name, t] : tensors) t = t.to(torch::kBFloat16).contiguous();
        saveSafetensors(bf16Dir + "/model.safetensors", tensors, {{"format", "pt"}});
        std::string config = hfConfigJson(arch);
        const std::string f32 = "\"torch_dtype\": \"float32\"";
        const size_t at = config.find(f32);
        if (at != std::string::npos)
            config.replace(at, f32.size(), "\"torch_dtype\": \"bfloat16\"");
        std::ofstream(bf16Dir + "/config.json") << config << "\n";
    }
    return arch;
}

// Reads the whole file into a fresh buffer of its size (what any loader must at least do).
double readFile(const std::string& path, size_t size) {
    const double t0 = nowSeconds();
    std::unique_ptr<char[]> buffer(new char[size]);
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error(path + ": cannot open");
    size_t done = 0;
    while (done < size) {
        const ssize_t n = ::read(fd, buffer.get() + done, size - done);
        if (n <= 0) {
            ::close(fd);
            throw std::runtime_error(path + ": read failed");
        }
        done += size_t(n);
    }
    ::close(fd);
    const double seconds = nowSeconds() - t0;
    buffer.reset();
    malloc_trim(0);
    return seconds;
}

double loadModel(const LmArchitecture& arch, const std::string& dir) {
    const double t0 = nowSeconds();
    std::shared_ptr<LanguageModel> model = makeLanguageModel(arch, false);
    loadHfWeights(*model, dir);
    const double seconds = nowSeconds() - t0;
    model.reset();
    // Freed parameters would otherwise stay in the heap, already faulted in, for the next
    // load: each load starts from fresh memory, as the read does (and as a real load does).
    malloc_trim(0);
    return seconds;
}

int runLoad(const BenchArgs& args, ResultRow& row) {
    const TempDir dir("load");
    const LmArchitecture arch = writeLoadCheckpoint(dir.path(), "");
    const std::string file = dir.file("model.safetensors");
    const size_t size = size_t(fs::file_size(file));
    std::fprintf(stderr, "checkpoint: %s, %.1f MB\n", file.c_str(), double(size) / 1e6);
    readFile(file, size);  // page cache warm for both sides
    {
        // The loaded weights equal the saved ones (the saved model is gone; spot-check one).
        std::shared_ptr<LanguageModel> m = makeLanguageModel(arch, false);
        loadHfWeights(*m, dir.path());
        const NamedTensors saved = loadSafetensors(file);
        bool same = true;
        for (const auto& [name, t] : m->hfTensors())
            for (const auto& [savedName, s] : saved)
                if (savedName == name && !torch::equal(t, s)) same = false;
        std::fprintf(stderr, "loaded weights %s the file's\n", same ? "equal" : "DIFFER from");
    }
    malloc_trim(0);
    const std::vector<Workload> workloads = {
        {"load",
         [&](int64_t n) {
             double s = 0;
             for (int64_t i = 0; i < n; ++i) s += loadModel(arch, dir.path());
             return s;
         }},
        {"read",
         [&](int64_t n) {
             double s = 0;
             for (int64_t i = 0; i < n; ++i) s += readFile(file, size);
             return s;
         }},
    };
    InterleaveOptions options = args.interleave;
    options.blockSeconds = std::max(options.blockSeconds, 0.3);
    options.rounds = std::min(options.rounds, 11);
    options.maxSeconds = std::min(options.maxSeconds, 20.0);
    const InterleaveResult result = measureInterleaved(workloads, options);
    // Rates are loads (reads) per second: the time ratio is read rate over load rate.
    std::vector<double> loadMs, readMs;
    for (double r : result.rates[0]) loadMs.push_back(1000.0 / r);
    for (double r : result.rates[1]) readMs.push_back(1000.0 / r);
    row.busy = result.busy;
    char a[96], b[96];
    std::snprintf(a, sizeof a, "load %.1f ms (%.2f GB/s)", median(loadMs),
                  double(size) / 1e6 / median(loadMs));
    std::snprintf(b, sizeof b, "read() %.1f ms (%.2f GB/s)", median(readMs),
                  double(size) / 1e6 / median(readMs));
    row.measuredA = a;
    row.measuredB = b;
    row.ratio = median(perRoundRatios(loadMs, readMs));
    {
        // For the log: read() into a buffer already faulted in (reused), the bare copy from
        // the page cache, which neither side of the row gets.
        std::unique_ptr<char[]> buffer(new char[size]);
        std::memset(buffer.get(), 0, size);
        double best = 1e9;
        for (int i = 0; i < 5; ++i) {
            const double t0 = nowSeconds();
            const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
            size_t done = 0;
            while (fd >= 0 && done < size) {
                const ssize_t got = ::read(fd, buffer.get() + done, size - done);
                if (got <= 0) break;
                done += size_t(got);
            }
            if (fd >= 0) ::close(fd);
            best = std::min(best, nowSeconds() - t0);
        }
        std::fprintf(stderr, "read() into a reused, faulted-in buffer: %.1f ms (best of 5)\n",
                     best * 1000);
    }
    printRow(row, args.info);
    return 0;
}

// "VmRSS" or "VmHWM" of this process from /proc/self/status, in bytes (-1 if missing).
int64_t statusBytes(const char* key) {
    std::ifstream in("/proc/self/status");
    std::string line;
    const std::string prefix = std::string(key) + ":";
    while (std::getline(in, line))
        if (line.rfind(prefix, 0) == 0) return std::atoll(line.c_str() + prefix.size()) * 1024;
    return -1;
}

// The child of row 15: loads the folder and prints "RSS <before> <peak> <parameter bytes>".
int rssChild(const std::string& dir, int threads) {
    torch::set_num_threads(threads);
    {
        // Start the thread pool and torch's lazy state before the baseline.
        torch::Tensor warm = torch::ones({1 << 17}) * 2;
        (void)warm.sum().item<float>();
    }
    const LmArchitecture arch = readHfConfig(dir + "/config.json");
    const int64_t before = statusBytes("VmRSS");
    std::shared_ptr<LanguageModel> model = makeLanguageModel(arch, false);
    loadHfWeights(*model, dir);
    const int64_t peak = statusBytes("VmHWM");
    const int64_t after = statusBytes("VmRSS");
    int64_t bytes = 0;
    for (const auto& p : model->parameters()) bytes += p.numel() * int64_t(p.element_size());
    std::printf("RSS %lld %lld %lld %lld\n", static_cast<long long>(before),
                static_cast<long long>(peak), static_cast<long long>(after),
                static_cast<long long>(bytes));
    return before > 0 && peak > 0 ? 0 : 1;
}

struct RssSample {
    double before = 0, peak = 0, after = 0, paramBytes = 0;
};

// Runs this binary again (a fresh process, so its RSS starts clean) in --rss-child mode.
RssSample measureChild(const std::string& dir, int threads) {
    char self[4096];
    const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) throw std::runtime_error("cannot find this program (/proc/self/exe)");
    self[n] = '\0';
    const std::string command =
        "'" + std::string(self) + "' --rss-child '" + dir + "' " + std::to_string(threads);
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) throw std::runtime_error("cannot start " + command);
    char line[256] = {0};
    RssSample s;
    long long before = 0, peak = 0, after = 0, bytes = 0;
    bool found = false;
    while (std::fgets(line, sizeof line, pipe))
        if (std::sscanf(line, "RSS %lld %lld %lld %lld", &before, &peak, &after, &bytes) == 4)
            found = true;
    const int rc = ::pclose(pipe);
    if (!found || rc != 0) throw std::runtime_error("the loading child failed: " + command);
    s.before = double(before);
    s.peak = double(peak);
    s.after = double(after);
    s.paramBytes = double(bytes);
    return s;
}

int runRss(const BenchArgs& args, ResultRow& row) {
    const TempDir f32("rss32"), bf16("rss16");
    const LmArchitecture arch = writeLoadCheckpoint(f32.path(), bf16.path());
    const double f32Bytes = double(parameterCount(arch)) * 4;
    std::fprintf(stderr, "BF16 file %.1f MB, float32 parameters %.1f MB\n",
                 double(fs::file_size(bf16.file("model.safetensors"))) / 1e6, f32Bytes / 1e6);
    // Page cache warm, as in row 14: the file's pages are then mapped, not read from disk.
    for (const TempDir* d : {&f32, &bf16}) {
        const std::string file = d->file("model.safetensors");
        readFile(file, size_t(fs::file_size(file)));
    }
    auto report = [&](const char* what, const RssSample& s) {
        std::fprintf(stderr,
                     "%s: RSS before %.1f MB, peak %.1f MB, after %.1f MB; peak - before = "
                     "%.1f MB = %.3f x float32 parameters (%.1f MB)\n",
                     what, s.before / 1e6, s.peak / 1e6, s.after / 1e6, (s.peak - s.before) / 1e6,
                     (s.peak - s.before) / f32Bytes, s.paramBytes / 1e6);
    };
    // For comparison in the log: the float32 folder.
    report("float32 folder", measureChild(f32.path(), args.threads));
    std::vector<double> ratios, peaks;
    for (int i = 0; i < 3; ++i) {
        const RssSample s = measureChild(bf16.path(), args.threads);
        report("BF16 folder", s);
        ratios.push_back((s.peak - s.before) / f32Bytes);
        peaks.push_back(s.peak - s.before);
    }
    char a[96], b[96];
    std::snprintf(a, sizeof a, "peak RSS + %.1f MB", median(peaks) / 1e6);
    std::snprintf(b, sizeof b, "float32 parameters %.1f MB", f32Bytes / 1e6);
    row.measuredA = a;
    row.measuredB = b;
    row.ratio = median(ratios);
    printRow(row, args.info);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc >= 3 && std::string(argv[1]) == "--rss-child") {
        try {
            return rssChild(argv[2], argc >= 4 ? std::atoi(argv[3]) : 1);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "bench_lm --rss-child: %s\n", e.what());
            return 1;
        }
    }
    const BenchArgs args = parseBenchArgs(argc, argv);
    const std::string mode = args.model == "default" ? "train" : args.model;
    if (mode == "profile" || mode == "profile-cache") {
        torch::set_num_threads(args.threads);
        return mode == "profile" ? runProfile(args) : runProfileCache(args);
    }
    const std::vector<std::string> modes = {"train", "cache", "load", "rss"};
    const auto it = std::find(modes.begin(), modes.end(), mode);
    if (it == modes.end()) {
        std::fprintf(stderr, "bench_lm: --model must be train, cache, load or rss, not %s\n",
                     mode.c_str());
        return 2;
    }
    const size_t index = size_t(it - modes.begin());
    const char* ids[] = {"12", "13", "14", "15"};
    const Goal goals[] = {Goal::AtLeast, Goal::AtLeast, Goal::AtMost, Goal::AtMost};
    const double targets[] = {1.10, 5.0, 1.5, 1.2};
    ResultRow row =
        makeRow(ids[index], kRowWhat[index], args.threads, goals[index], targets[index]);
    try {
        torch::set_num_threads(args.threads);
        if (mode == "train") return runTraining(args, row);
        if (mode == "cache") return runCache(args, row);
        if (mode == "load") return runLoad(args, row);
        return runRss(args, row);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_lm: %s\n", e.what());
        printUnmeasured(row, "not measured (see bench log)", args.info);
        return 1;
    }
}
