// Rows 16-17: what issue 15's own-data features cost (benchmarks of general ability,
// instruction data with response-only loss). Both rows compare two workloads timed
// alternately, block after block, in one run (bench/interleave.h); only their ratio counts.
//  16 (--model scoring): multiple-choice scoring (scoreBenchmark, engine/measure/internal/
//     benchmark_scoring.h) of synthetic 4-choice questions (context ~100 bytes, choices ~20
//     bytes) on the byte-level GPT the presets use (gpt2, 4 layers, 4 heads, 128 wide,
//     context 128), items/s, against a bare model.forward of the very [4, T] batch the
//     scorer builds for each question (no grad, eval mode), forward passes/s (target ≥ 0.90:
//     scoring a question costs one batched forward pass, and little else).
//  17 (--model instruct): the Runner's training step (closure {zeroGrad; taskLoss(forward);
//     backward; clip}, AdamW, loss.item()) on batches of 16 rows drawn by BatchSampler from
//     generated arithmetic instructions encoded with the tulu template (encodeInstructions:
//     targets only on response tokens) against the same step on the same rendered texts as
//     plain text (encodeTextsCounted: every target counts), context 128. The two splits have
//     identical inputs; only the loss mask differs. tokens/s = rows × context for both sides
//     (the work a step does), not the counted targets (target ≥ 0.90: masks and templates
//     cost nothing measurable).
// With no --model both rows run, one after the other (bench/run_bench.sh runs one process
// per row).

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "bench/bench_args.h"
#include "bench/interleave.h"
#include "bench/result_row.h"
#include "engine/data/internal/instruction_tasks.h"
#include "engine/data/internal/tasks.h"
#include "engine/data/internal/text_tasks.h"
#include "engine/data/text_sources.h"
#include "engine/data/tokenizer.h"
#include "engine/measure/benchmark.h"
#include "engine/measure/internal/benchmark_scoring.h"
#include "engine/models/internal/language_model.h"
#include "engine/models/model_folder.h"
#include "engine/optim/internal/optimizers.h"
#include "engine/train/internal/step_loop.h"

using namespace forgetlab;
using namespace forgetlab::bench;

namespace {

constexpr uint64_t kSeed = 0;
// The presets' GPT (resources/presets/lm-instruct-*.json): byte vocabulary.
constexpr int kLayers = 4, kHeads = 4, kEmbd = 128, kContext = 128, kVocab = 256;
// Row 16: the synthetic benchmark.
constexpr int kItems = 64, kChoices = 4;
constexpr size_t kContextBytes = 100, kChoiceBytes = 20;
// Row 17: the fine-tuning phase of lm-instruct-adamw.
constexpr int kExamples = 512, kBatch = 16;
constexpr double kLr = 5e-4, kWeightDecay = 0.01, kClip = 1.0;

const char* kScoringWhat =
    "benchmark items/s ÷ forward passes/s of the same [4, T] batch, 4-choice questions (~100 + "
    "~20 bytes), byte GPT 4 layers × 128, context 128";
const char* kInstructWhat =
    "instruction (tulu, response-only loss) ÷ plain text fine-tuning tokens/s, same rendered "
    "arithmetic texts, byte GPT 4 × 128, batch 16 × 128 (tokens = rows × context), AdamW";

LmArchitecture gptArchitecture() {
    return architectureFromSizes("gpt2", kLayers, kHeads, kEmbd, kContext, kVocab);
}

TokenizerSetup byteTokenizer() {
    TokenizerSetup tok;
    tok.tokenizer = std::make_shared<ByteTokenizer>();
    tok.kind = "byte";
    return tok;
}

// ---- Row 16 -------------------------------------------------------------------------------

// Words joined by spaces until the next would pass `bytes`.
std::string words(std::mt19937_64& rng, size_t bytes) {
    static const char* kWords[] = {
        "the",   "river", "stone", "quietly", "under", "bright", "a",     "garden", "of",
        "old",   "moon",  "which", "never",   "sings", "small",  "house", "near",   "green",
        "paper", "cold",  "water", "runs",    "over",  "their",  "long",  "winter", "road",
        "and",   "light", "falls", "through", "many",  "open",   "doors", "slowly", "every"};
    const size_t count = sizeof kWords / sizeof kWords[0];
    std::string s;
    for (;;) {
        const std::string w = kWords[rng() % count];
        const size_t next = s.size() + (s.empty() ? 0 : 1) + w.size();
        if (next > bytes && !s.empty()) return s;
        s += (s.empty() ? "" : " ") + w;
    }
}

// JSONL-like items as readBenchmarkFile makes them: "Question: {q}\nAnswer:", " {choice}".
PreparedBenchmark syntheticBenchmark() {
    std::mt19937_64 rng(kSeed + 16);
    PreparedBenchmark bench;
    bench.name = "synthetic";
    bench.source = "bench_data";
    const std::string head = "Question: ", tail = "?\nAnswer:";
    for (int i = 0; i < kItems; ++i) {
        BenchmarkItem item;
        item.context = head + words(rng, kContextBytes - head.size() - tail.size()) + tail;
        for (int c = 0; c < kChoices; ++c)
            item.choices.push_back(" " + words(rng, kChoiceBytes - 1));
        item.answer = int(rng() % kChoices);
        item.where = "synthetic item " + std::to_string(i + 1);
        bench.items.push_back(std::move(item));
    }
    return bench;
}

// The batch scoreQuestion builds for an item (context + continuation per choice, the last
// token dropped, right-padded with 0), and where each choice's scored tokens are.
struct QuestionBatch {
    torch::Tensor input;                     // [choices, T]
    std::vector<std::vector<int64_t>> rows;  // full rows, last token included
    std::vector<int64_t> continuation;       // scored tokens per choice
};

QuestionBatch questionBatch(const TokenizerSetup& tok, const BenchmarkItem& item) {
    QuestionBatch q;
    int64_t longest = 0;
    for (const std::string& choice : item.choices) {
        EncodedChoice e = encodeChoice(tok, item.context, choice);
        std::vector<int64_t> row = e.context;
        row.insert(row.end(), e.continuation.begin(), e.continuation.end());
        if (int64_t(row.size()) > kContext + 1)
            throw std::runtime_error(item.where + " does not fit the context; shorten it");
        q.continuation.push_back(int64_t(e.continuation.size()));
        longest = std::max(longest, int64_t(row.size()) - 1);
        q.rows.push_back(std::move(row));
    }
    const int64_t n = int64_t(q.rows.size());
    std::vector<int64_t> flat(size_t(n * longest), 0);
    for (int64_t i = 0; i < n; ++i)
        std::copy(q.rows[size_t(i)].begin(), q.rows[size_t(i)].end() - 1,
                  flat.begin() + i * longest);
    q.input = torch::tensor(flat, torch::kLong).reshape({n, longest});
    return q;
}

// Each choice's summed log-likelihood from a forward pass of the batch, computed directly
// (the check that both sides of row 16 read the same batch).
std::vector<double> directLogLikelihoods(LanguageModel& model, const QuestionBatch& q) {
    torch::NoGradGuard noGrad;
    const torch::Tensor logp =
        torch::log_softmax(model.forward(q.input, 0).to(torch::kFloat64), -1);
    std::vector<double> ll;
    for (size_t i = 0; i < q.rows.size(); ++i) {
        const int64_t inLen = int64_t(q.rows[i].size()) - 1;
        double sum = 0;
        for (int64_t t = inLen - q.continuation[i]; t < inLen; ++t)
            sum += logp[long(i)][t][q.rows[i][size_t(t + 1)]].item<double>();
        ll.push_back(sum);
    }
    return ll;
}

int runScoring(const BenchArgs& args, ResultRow& row) {
    torch::manual_seed(kSeed);
    std::shared_ptr<LanguageModel> model = makeLanguageModel(gptArchitecture(), true);
    model->eval();
    const TokenizerSetup tok = byteTokenizer();
    const PreparedBenchmark bench = syntheticBenchmark();
    std::vector<QuestionBatch> batches;
    double contextBytes = 0, choiceBytes = 0, width = 0;
    for (const BenchmarkItem& item : bench.items) {
        batches.push_back(questionBatch(tok, item));
        contextBytes += double(item.context.size());
        for (const std::string& c : item.choices) choiceBytes += double(c.size());
        width += double(batches.back().input.size(1));
    }
    std::fprintf(stderr,
                 "%d items: context %.1f bytes, choice %.1f bytes on average, batch [%d, %.1f] "
                 "on average; model gpt2 %d layers × %d, %lld parameters\n",
                 kItems, contextBytes / kItems, choiceBytes / (kItems * kChoices), kChoices,
                 width / kItems, kLayers, kEmbd,
                 static_cast<long long>(parameterCount(gptArchitecture())));
    {
        // Both sides read the same batch: the scorer's log-likelihoods equal a direct
        // computation from the bare forward pass (a few items: on a busy machine each costs).
        PreparedBenchmark few;
        few.name = bench.name;
        few.items.assign(bench.items.begin(), bench.items.begin() + 4);
        std::vector<QuestionScores> details;
        scoreBenchmark(*model, tok, few, nullptr, &details);
        double worst = 0;
        for (size_t i = 0; i < few.items.size(); ++i) {
            const std::vector<double> direct = directLogLikelihoods(*model, batches[i]);
            for (size_t c = 0; c < direct.size(); ++c)
                worst = std::max(worst, std::fabs(direct[c] - details[i].ll[c]));
        }
        std::fprintf(stderr,
                     "scorer vs direct log-likelihood (4 items): max difference %.2e nats%s\n",
                     worst, worst > 1e-3 ? " (the two sides DIFFER)" : "");
    }
    size_t nextScored = 0, nextForward = 0;
    const std::vector<Workload> workloads = {
        {"score",
         [&](int64_t n) {
             // n questions, cycling through the set; copying them is not timed.
             PreparedBenchmark part;
             part.name = bench.name;
             for (int64_t i = 0; i < n; ++i)
                 part.items.push_back(bench.items[nextScored++ % bench.items.size()]);
             const double t0 = nowSeconds();
             scoreBenchmark(*model, tok, part);
             return nowSeconds() - t0;
         }},
        {"forward",
         [&](int64_t n) {
             const double t0 = nowSeconds();
             torch::NoGradGuard noGrad;
             for (int64_t i = 0; i < n; ++i) {
                 const torch::Tensor logits =
                     model->forward(batches[nextForward++ % batches.size()].input, 0);
                 (void)logits;
             }
             return nowSeconds() - t0;
         }},
    };
    const InterleaveResult result = measureInterleaved(workloads, args.interleave);
    row.busy = result.busy;
    row.measuredA = formatRate(median(result.rates[0]), "items/s");
    row.measuredB = formatRate(median(result.rates[1]), "forwards/s");
    row.ratio = median(perRoundRatios(result.rates[0], result.rates[1]));
    std::fprintf(stderr, "rounds used %zu, dropped as busy %d%s\n", result.rates[0].size(),
                 result.dropped, result.busy ? " (too few quiet ones: all used)" : "");
    printRow(row, args.info);
    return 0;
}

// ---- Row 17 -------------------------------------------------------------------------------

// The Runner's fine-tuning step on batches drawn from a split (engine/train/step_loop.cpp):
// rows by BatchSampler, closure {zeroGrad; taskLoss(forward); backward; clip},
// optimizer->step(closure), loss.item().
class SplitStep {
public:
    SplitStep(const DataSplit& split, uint64_t seed)
        : m_split(split), m_sampler(split.size(), kBatch, seed) {
        torch::manual_seed(kSeed);
        m_model = makeLanguageModel(gptArchitecture(), true);
        m_model->train();
        OptimizerConfig oc;
        oc.name = "adamw";
        oc.lr = kLr;
        oc.weight_decay = kWeightDecay;
        m_optimizer = makeOptimizer(m_model->parameters(), oc);
    }

    double step() {
        const Batch batch = m_split.rows(m_sampler.next(), 0);
        auto closure = [&]() {
            zeroGrad(*m_optimizer);
            torch::Tensor loss = taskLoss(m_model->forward(batch.input, 0), batch.target);
            loss.backward();
            clipTrainableGradients(*m_model, kClip);
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
    const DataSplit& m_split;
    BatchSampler m_sampler;
    std::shared_ptr<LanguageModel> m_model;
    std::unique_ptr<torch::optim::Optimizer> m_optimizer;
};

// A text on one log line: newlines as "\\n".
std::string escaped(const std::string& text) {
    std::string s = "\"";
    for (char c : text) s += c == '\n' ? std::string("\\n") : std::string(1, c);
    return s + "\"";
}

int64_t countedTargets(const DataSplit& split) {
    return split.target.ne(kIgnoreTarget).sum().item<int64_t>();
}

int runInstruct(const BenchArgs& args, ResultRow& row) {
    const TokenizerSetup tok = byteTokenizer();
    const std::vector<InstructionExample> examples =
        generateInstructions("arithmetic", kExamples, kSeed + 17);
    const EncodedExamples instruct =
        encodeInstructions(examples, InstructionTemplate::Tulu, tok, kContext);
    std::vector<std::string> texts;
    double bytes = 0;
    for (const InstructionExample& ex : examples) {
        texts.push_back(renderInstruction(ex, InstructionTemplate::Tulu).text());
        bytes += double(texts.back().size());
    }
    const EncodedExamples plain = encodeTextsCounted(texts, tok, kContext);
    const DataSplit& a = instruct.split;
    const DataSplit& b = plain.split;
    if (a.size() != b.size() || !torch::equal(a.input, b.input))
        std::fprintf(stderr, "warning: the two splits' inputs DIFFER (%lld vs %lld rows)\n",
                     static_cast<long long>(a.size()), static_cast<long long>(b.size()));
    std::fprintf(
        stderr,
        "%lld rows × %d: rendered text %.1f bytes on average (e.g. %s); targets "
        "counted per row: instruction %.1f, plain %.1f; truncated %lld/%lld, dropped "
        "%lld/%lld\n",
        static_cast<long long>(a.size()), kContext, bytes / kExamples, escaped(texts[0]).c_str(),
        double(countedTargets(a)) / double(a.size()), double(countedTargets(b)) / double(b.size()),
        static_cast<long long>(instruct.truncated), static_cast<long long>(plain.truncated),
        static_cast<long long>(instruct.dropped), static_cast<long long>(plain.dropped));
    SplitStep instructStep(a, kSeed + 1), plainStep(b, kSeed + 1);
    const double l0 = instructStep.step(), p0 = plainStep.step();
    std::fprintf(stderr, "first-step loss: instruction %.5f, plain %.5f, ln(vocab) %.5f\n", l0, p0,
                 std::log(double(kVocab)));
    const std::vector<Workload> workloads = {
        {"instruction", [&](int64_t n) { return instructStep.run(n); }},
        {"plain", [&](int64_t n) { return plainStep.run(n); }},
    };
    InterleaveOptions options = args.interleave;
    // A step takes tens of milliseconds: a few steps per block.
    options.blockSeconds = std::max(options.blockSeconds, 0.3);
    const InterleaveResult result = measureInterleaved(workloads, options);
    const double perStep = double(kBatch) * kContext;
    std::vector<double> instructRate, plainRate;
    for (double r : result.rates[0]) instructRate.push_back(r * perStep);
    for (double r : result.rates[1]) plainRate.push_back(r * perStep);
    row.busy = result.busy;
    row.measuredA = "instruction " + formatRate(median(instructRate), "tokens/s");
    row.measuredB = "plain " + formatRate(median(plainRate), "tokens/s");
    row.ratio = median(perRoundRatios(instructRate, plainRate));
    std::fprintf(stderr,
                 "rounds used %zu, dropped as busy %d%s; loss after: instruction %.5f, plain "
                 "%.5f\n",
                 result.rates[0].size(), result.dropped,
                 result.busy ? " (too few quiet ones: all used)" : "", instructStep.step(),
                 plainStep.step());
    printRow(row, args.info);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const BenchArgs args = parseBenchArgs(argc, argv);
    const std::string mode = args.model;
    if (mode != "default" && mode != "scoring" && mode != "instruct") {
        std::fprintf(stderr, "bench_data: --model must be scoring or instruct, not %s\n",
                     mode.c_str());
        return 2;
    }
    torch::set_num_threads(args.threads);
    int rc = 0;
    if (mode != "instruct") {
        ResultRow row = makeRow("16", kScoringWhat, args.threads, Goal::AtLeast, 0.90);
        try {
            rc |= runScoring(args, row);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "bench_data: %s\n", e.what());
            printUnmeasured(row, "not measured (see bench log)", args.info);
            rc = 1;
        }
    }
    if (mode != "scoring") {
        ResultRow row = makeRow("17", kInstructWhat, args.threads, Goal::AtLeast, 0.90);
        try {
            rc |= runInstruct(args, row);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "bench_data: %s\n", e.what());
            printUnmeasured(row, "not measured (see bench log)", args.info);
            rc = 1;
        }
    }
    return rc;
}
