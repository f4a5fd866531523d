// Multiple-choice scoring: one batched forward pass per question.
#include "engine/measure/internal/benchmark_scoring.h"

#include <algorithm>
#include <stdexcept>

#include "engine/data/internal/text_tasks.h"

namespace forgetlab {

namespace {

bool isSpace(char c) {
    return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

// Restores the model's training mode however scoring ends.
class EvalModeScope {
public:
    explicit EvalModeScope(torch::nn::Module& m) : m_model(m), m_wasTraining(m.is_training()) {
        m_model.eval();
    }
    ~EvalModeScope() {
        if (m_wasTraining) m_model.train();
    }
    EvalModeScope(const EvalModeScope&) = delete;
    EvalModeScope& operator=(const EvalModeScope&) = delete;

private:
    torch::nn::Module& m_model;
    bool m_wasTraining;
};

torch::Device deviceOf(torch::nn::Module& model) {
    for (const torch::Tensor& p : model.parameters()) return p.device();
    return torch::Device(torch::kCPU);
}

// The context with its trailing white space moved to every continuation, and its tokens,
// computed once per question.
struct EncodedContext {
    std::string text, movedSpace;
    std::vector<int64_t> ids;
};

EncodedContext encodeContext(const TokenizerSetup& tok, const std::string& context) {
    size_t keep = context.size();
    while (keep > 0 && isSpace(context[keep - 1])) --keep;
    EncodedContext c;
    c.text = context.substr(0, keep);
    c.movedSpace = context.substr(keep);
    c.ids = promptIds(tok, c.text);
    return c;
}

EncodedChoice encodeWith(const TokenizerSetup& tok, const EncodedContext& ctx,
                         const std::string& continuation) {
    const std::string cont = ctx.movedSpace + continuation;
    const std::vector<int64_t> whole = promptIds(tok, ctx.text + cont);
    size_t common = 0;
    while (common < ctx.ids.size() && common < whole.size() && ctx.ids[common] == whole[common])
        ++common;
    EncodedChoice e;
    if (common > 0 && common < whole.size()) {
        e.context.assign(whole.begin(), whole.begin() + long(common));
        e.continuation.assign(whole.begin() + long(common), whole.end());
    } else {
        e.context = ctx.ids;
        for (int id : tok.tokenizer->encode(cont)) e.continuation.push_back(id);
    }
    return e;
}

}  // namespace

EncodedChoice encodeChoice(const TokenizerSetup& tok, const std::string& context,
                           const std::string& continuation) {
    return encodeWith(tok, encodeContext(tok, context), continuation);
}

QuestionScores scoreQuestion(LanguageModel& model, const TokenizerSetup& tok,
                             const BenchmarkItem& item) {
    const size_t n = item.choices.size();
    if (n < 2) throw std::invalid_argument(item.where + ": a question with fewer than 2 choices");
    const int64_t maxLen = model.contextLength();
    const int64_t vocab = model.vocabSize();
    QuestionScores s;
    s.ll.assign(n, 0.0);
    s.tokens.assign(n, 0);
    std::vector<std::vector<int64_t>> rows(n);
    int64_t longest = 0;
    const EncodedContext ctx = encodeContext(tok, item.context);
    for (size_t i = 0; i < n; ++i) {
        EncodedChoice e = encodeWith(tok, ctx, item.choices[i]);
        const int64_t contLen = int64_t(e.continuation.size());
        if (contLen == 0)
            throw std::invalid_argument(item.where + ": choice " + std::to_string(i + 1) +
                                        " tokenizes to nothing; it cannot be scored");
        if (contLen > maxLen)
            throw std::invalid_argument(
                item.where + ": choice " + std::to_string(i + 1) + " is " +
                std::to_string(contLen) + " tokens but the model's context is " +
                std::to_string(maxLen) +
                "; shorten the choices (fortune cloze: lower max_bytes) or use a model with a "
                "longer context");
        std::vector<int64_t>& row = rows[i];
        row = std::move(e.context);
        row.insert(row.end(), e.continuation.begin(), e.continuation.end());
        // The last token is only predicted, never read: input rows are at most the context.
        if (int64_t(row.size()) > maxLen + 1) {
            row.erase(row.begin(), row.begin() + (long(row.size()) - long(maxLen + 1)));
            s.truncated = true;
        }
        for (int64_t id : row)
            if (id < 0 || id >= vocab)
                throw std::invalid_argument(item.where + ": token id " + std::to_string(id) +
                                            " is outside the model's vocabulary of " +
                                            std::to_string(vocab) + " (wrong tokenizer?)");
        s.tokens[i] = contLen;
        longest = std::max(longest, int64_t(row.size()) - 1);
    }
    // Right padding with id 0: causal attention never lets a later (padding) position
    // change the logits of an earlier one.
    std::vector<int64_t> flat(n * size_t(longest), 0);
    for (size_t i = 0; i < n; ++i)
        std::copy(rows[i].begin(), rows[i].end() - 1, flat.begin() + long(i * size_t(longest)));

    EvalModeScope evalMode(model);
    torch::NoGradGuard noGrad;
    const torch::Device device = deviceOf(model);
    const torch::Tensor input =
        torch::tensor(flat, torch::kLong).reshape({int64_t(n), longest}).to(device);
    const torch::Tensor logits = model.forward(input, 0);  // [n, longest, V]
    // Only the continuation positions, in float64: a few rows of V, not the whole batch.
    std::vector<torch::Tensor> picked;
    std::vector<int64_t> targets;
    for (size_t i = 0; i < n; ++i) {
        const int64_t inLen = int64_t(rows[i].size()) - 1;
        picked.push_back(logits[long(i)].narrow(0, inLen - s.tokens[i], s.tokens[i]));
        targets.insert(targets.end(), rows[i].end() - s.tokens[i], rows[i].end());
    }
    const torch::Tensor logp =
        torch::log_softmax(torch::cat(picked).to(torch::kCPU, torch::kFloat64), -1);
    const torch::Tensor target = torch::tensor(targets, torch::kLong).unsqueeze(1);
    const torch::Tensor tokenLl = logp.gather(1, target).squeeze(1);
    const auto acc = tokenLl.accessor<double, 1>();
    int64_t at = 0;
    for (size_t i = 0; i < n; ++i)
        for (int64_t t = 0; t < s.tokens[i]; ++t) s.ll[i] += acc[at++];
    s.pick = pickChoices(s.ll, item.choices);
    return s;
}

BenchmarkResult scoreBenchmark(LanguageModel& model, const TokenizerSetup& tok,
                               const PreparedBenchmark& bench, const std::atomic<bool>* cancel,
                               std::vector<QuestionScores>* details) {
    BenchmarkResult r;
    r.name = bench.name;
    r.shots = bench.shots;
    if (bench.items.empty())
        throw std::invalid_argument("benchmark " + bench.name + " has no questions");
    int64_t right = 0, rightNorm = 0;
    for (const BenchmarkItem& item : bench.items) {
        if (cancel && cancel->load()) {
            r.cancelled = true;
            break;
        }
        QuestionScores s = scoreQuestion(model, tok, item);
        right += s.pick.acc == item.answer;
        rightNorm += s.pick.acc_norm == item.answer;
        r.truncated += s.truncated;
        ++r.items;
        if (details) details->push_back(std::move(s));
    }
    if (r.items > 0) {
        r.acc = double(right) / double(r.items);
        r.acc_norm = double(rightNorm) / double(r.items);
    }
    return r;
}

}  // namespace forgetlab
