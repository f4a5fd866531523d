// Language models in the runner (issue 6): text tasks from the fortune corpora, padding
// that neither loss nor accuracy nor per-example log-perplexity counts, the config fields
// and their errors, live samples, log-perplexity in the summary, LoRA while fine-tuning,
// starting from a GPT-2-layout checkpoint, and bad input.
#include <torch/torch.h>

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <mutex>

#include <nlohmann/json.hpp>

#include "engine/measure/internal/evaluation.h"
#include "engine/measure/internal/example_forgetting.h"
#include "engine/data/internal/experiment_tasks.h"
#include "engine/models/internal/gpt_model.h"
#include "engine/train/runner.h"
#include "engine/models/internal/safetensors.h"
#include "engine/store/store.h"
#include "engine/data/internal/text_tasks.h"

#include "tests/engine/test_device.h"

using namespace forgetlab;
namespace fs = std::filesystem;

namespace {

// A language-model experiment small enough for a unit test (about a second per run).
ExperimentConfig tinyLanguageConfig() {
    ExperimentConfig c;
    c.name = "tiny-lm";
    c.seed = 3;
    c.device = test::testDevice();
    c.model.kind = "gpt";
    c.model.n_layer = 1;
    c.model.n_head = 2;
    c.model.n_embd = 32;
    c.model.context = 32;
    for (PhaseConfig* p : {&c.upstream, &c.downstream}) {
        p->task.kind = "text";
        p->task.train_size = 200;
        p->task.test_size = 40;
        p->batch_size = 8;
        p->optimizer.name = "adamw";
        p->optimizer.lr = 0.003;
    }
    c.upstream.task.language = "en";
    c.downstream.task.language = "de";
    c.upstream.steps = 20;
    c.downstream.steps = 12;
    c.eval.every = 6;
    c.eval.hessian_every = 0;
    c.eval.probe_size = 16;
    c.eval.example_losses = 25;
    c.eval.samples_every = 6;
    c.eval.samples_tokens = 8;
    c.eval.samples_prompts = {"The cat", "Der Hund"};
    return c;
}

class Collector : public MetricSink {
public:
    void onMetrics(const std::vector<MetricPoint>& p) override {
        points.insert(points.end(), p.begin(), p.end());
    }
    void onEvent(int64_t step, const std::string& kind, const std::string& json) override {
        events.push_back({step, kind, json});
    }
    void onCheckpoint(int64_t, const std::string& tag, const std::string& file) override {
        checkpoints[tag] = file;
    }
    double value(const std::string& key, int64_t step) const {
        for (const auto& p : points)
            if (p.key == key && p.step == step) return p.value;
        return std::nan("");
    }
    std::vector<MetricPoint> points;
    std::vector<EventRow> events;
    std::map<std::string, std::string> checkpoints;
};

RunSummary run(const ExperimentConfig& c, Collector& sink, const std::string& ckptDir = {}) {
    RunnerOptions o;
    o.checkpoint_dir = ckptDir;
    RunControl control;
    return Runner(c, o).run(sink, control);
}

void writeText(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

// vocab.json of the 256 byte symbols (ids in byte order) plus the merged tokens.
std::string byteVocabJson(const std::vector<std::string>& extra) {
    nlohmann::json v = nlohmann::json::object();
    for (int b = 0; b < 256; ++b) v[gpt2ByteSymbol(static_cast<unsigned char>(b))] = b;
    int id = 256;
    for (const auto& t : extra) v[t] = id++;
    return v.dump();
}

}  // namespace

class TestLanguage : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void textsBecomeShiftedPaddedSequences() {
        TokenizerSetup tok;
        tok.tokenizer = std::make_shared<ByteTokenizer>();
        // "a" has one token: no target, skipped. The long text is cut to context + 1 tokens.
        const DataSplit s = encodeTexts({"abc", "a", "0123456789"}, tok, 4);
        QCOMPARE(s.size(), int64_t(2));
        const std::vector<int64_t> in0 = {'a', 'b', 0, 0}, tg0 = {'b', 'c', -100, -100};
        const std::vector<int64_t> in1 = {'0', '1', '2', '3'}, tg1 = {'1', '2', '3', '4'};
        QVERIFY(torch::equal(s.input[0], torch::tensor(in0)));
        QVERIFY(torch::equal(s.target[0], torch::tensor(tg0)));
        QVERIFY(torch::equal(s.input[1], torch::tensor(in1)));
        QVERIFY(torch::equal(s.target[1], torch::tensor(tg1)));
    }

    void paddingCountsForNothing() {
        // Loss, accuracy and per-example log-perplexity over the real tokens only, against
        // a direct computation.
        torch::manual_seed(1);
        GptConfig g;
        g.n_layer = 1, g.n_head = 2, g.n_embd = 16, g.n_positions = 8;
        GptModel model(g);
        TokenizerSetup tok;
        tok.tokenizer = std::make_shared<ByteTokenizer>();
        const DataSplit s = encodeTexts({"hello", "hi there, you", "ok!"}, tok, 8);
        const EvalResult r = evaluateSplit(model, s, 0);
        const std::vector<float> per = exampleLosses(model, s, {0, 1, 2}, 0);
        torch::NoGradGuard ng;
        model.eval();
        const torch::Tensor logp = torch::log_softmax(model.forward(s.input, 0), -1);
        double sum = 0, correct = 0, count = 0;
        for (int64_t i = 0; i < 3; ++i) {
            double rowSum = 0, rowCount = 0;
            for (int64_t t = 0; t < 8; ++t) {
                const int64_t y = s.target[i][t].item<int64_t>();
                if (y < 0) continue;
                rowSum -= logp[i][t][y].item<double>();
                rowCount += 1;
                correct += logp[i][t].argmax().item<int64_t>() == y;
            }
            QVERIFY(std::abs(per[size_t(i)] - rowSum / rowCount) < 1e-5);
            sum += rowSum;
            count += rowCount;
        }
        QCOMPARE(count, 4.0 + 8.0 + 2.0);  // "hello" 4 targets, the next cut to 9 tokens, "ok!" 2
        QVERIFY(std::abs(r.loss - sum / count) < 1e-5);
        QVERIFY(std::abs(r.acc - correct / count) < 1e-12);
    }

    void sanitizeUtf8KeepsTextAndReplacesBrokenBytes() {
        QCOMPARE(sanitizeUtf8("Grüße\n\tok"), std::string("Grüße\n\tok"));
        QCOMPARE(sanitizeUtf8("a\xC3"), std::string("a\xEF\xBF\xBD"));  // cut character
        QCOMPARE(sanitizeUtf8("\x01x"), std::string("\xEF\xBF\xBDx"));  // control byte
        QCOMPARE(sanitizeUtf8("\xC0\xAF"), std::string("\xEF\xBF\xBD\xEF\xBF\xBD"));  // overlong
        QCOMPARE(sanitizeUtf8("\xED\xA0\x80").size(), size_t(9));                     // a surrogate
        // JSON accepts every result.
        QVERIFY(!nlohmann::json(sanitizeUtf8("\xFF\xFE"
                                             "abc\xE2\x82"))
                     .dump()
                     .empty());
    }

    void configRoundTripAndErrors() {
        const ExperimentConfig c = tinyLanguageConfig();
        ConfigParseResult back = parseConfig(configToJson(c));
        QVERIFY2(back.ok(), formatErrors(back.errors).c_str());
        QCOMPARE(configToJson(back.config), configToJson(c));
        QCOMPARE(back.config.eval.samples_prompts, c.eval.samples_prompts);
        QCOMPARE(back.config.downstream.task.language, std::string("de"));

        // LoRA is a fine-tuning choice: it leaves the upstream cache key alone; sizes do not.
        ExperimentConfig lora = c;
        lora.model.lora_rank = 4;
        QCOMPARE(upstreamHash(lora), upstreamHash(c));
        ExperimentConfig wider = c;
        wider.model.n_embd = 64;
        QVERIFY(upstreamHash(wider) != upstreamHash(c));

        auto fields = [](const ExperimentConfig& x) {
            std::set<std::string> f;
            for (const auto& e : validateConfig(x)) f.insert(e.field);
            return f;
        };
        ExperimentConfig bad = c;
        bad.model.n_embd = 30;  // not divisible by 4 heads
        bad.model.n_head = 4;
        bad.model.lora_targets = {"attn.c_attn", "wte"};
        bad.downstream.task.language = "fr";
        bad.eval.samples_prompts = {std::string(40, 'x')};  // longer than the 32-token context
        const auto f = fields(bad);
        for (const char* want : {"model.gpt.n_embd", "model.lora.targets",
                                 "downstream.task.language", "eval.samples.prompts[0]"})
            QVERIFY2(f.count(want), want);

        ExperimentConfig mixed = c;
        mixed.upstream.task.kind = "classes";
        QVERIFY(fields(mixed).count("upstream.task.kind"));
        ExperimentConfig mlpOnText = c;
        mlpOnText.model.kind = "mlp";
        QVERIFY(fields(mlpOnText).count("model.kind"));
        ExperimentConfig seq = c;
        seq.sequence.tasks = 3;
        QVERIFY(fields(seq).count("sequence.tasks"));

        const ConfigParseResult typo =
            parseConfig(R"({"model": {"kind": "gpt", "gpt": {"layers": 2}}})");
        QVERIFY(!typo.ok());
        QCOMPARE(typo.errors.front().field, std::string("model.gpt.layers"));
    }

    void textTasksAreSeededSplits() {
        const ExperimentConfig c = tinyLanguageConfig();
        const ExperimentTasks a = buildExperimentTasks(c), b = buildExperimentTasks(c);
        QCOMPARE(a.heads, std::vector<int>{256});
        QCOMPARE(a.up.train.size(), int64_t(200));
        QCOMPARE(a.up.test.size(), int64_t(40));
        QVERIFY(torch::equal(a.down.train.input, b.down.train.input));
        ExperimentConfig other = c;
        other.seed = 4;
        QVERIFY(!torch::equal(buildExperimentTasks(other).down.train.input, a.down.train.input));
        // German text has umlauts somewhere: bytes >= 0x80 occur in the downstream inputs.
        QVERIFY(a.down.train.input.ge(128).any().item<bool>());
    }

    void languageRunReportsLogPerplexityAndSamples() {
        QTemporaryDir dir;
        Collector sink;
        const ExperimentConfig c = tinyLanguageConfig();
        const RunSummary s = run(c, sink, dir.path().toStdString());
        QCOMPARE(s.status, std::string(status::kDone));
        QVERIFY(s.language);
        // The summary's log-perplexities are the upstream/downstream test losses.
        QCOMPARE(s.upstream_logppl_before, sink.value(keys::kUpTestLoss, 0));
        QCOMPARE(s.upstream_logppl_after, sink.value(keys::kUpTestLoss, 12));
        QCOMPARE(s.downstream_logppl_after, sink.value(keys::kDownTestLoss, 12));
        QCOMPARE(s.forgetting_logppl, s.upstream_logppl_after - s.upstream_logppl_before);
        QVERIFY(s.upstream_logppl_before > 0 && s.upstream_logppl_before < std::log(256.0) + 1);
        const nlohmann::json j = nlohmann::json::parse(summaryToJson(s));
        for (const char* k : {"upstream_logppl_before", "upstream_logppl_after",
                              "downstream_logppl_after", "forgetting_logppl"})
            QVERIFY2(j.contains(k), k);
        QCOMPARE(s.trainable_parameters, gptParameterCount({256, 1, 2, 32, 32}));

        // Samples at 0, 6, 12: each prompt with a greedy and a sampled continuation.
        std::vector<int64_t> steps;
        for (const EventRow& e : sink.events) {
            if (e.kind != "samples") continue;
            steps.push_back(e.step);
            const auto ev = nlohmann::json::parse(e.json);
            QCOMPARE(ev.at("samples").size(), size_t(2));
            QCOMPARE(ev.at("samples")[1].at("prompt").get<std::string>(), std::string("Der Hund"));
            QVERIFY(!ev.at("samples")[0].at("greedy").get<std::string>().empty());
            QVERIFY(ev.at("samples")[0].contains("sampled"));
        }
        QCOMPARE(steps, (std::vector<int64_t>{0, 6, 12}));

        // Same seed, same everything: identical metric series and samples.
        Collector again;
        run(c, again);
        QCOMPARE(again.points.size(), sink.points.size());
        for (size_t i = 0; i < sink.points.size(); ++i)
            QCOMPARE(again.points[i].value, sink.points[i].value);
        std::vector<std::string> a, b;
        for (const auto& e : sink.events)
            if (e.kind == "samples") a.push_back(e.json);
        for (const auto& e : again.events)
            if (e.kind == "samples") b.push_back(e.json);
        QCOMPARE(a, b);
    }

    void loraTrainsOnlyAdaptersAndCheckpointsMerged() {
        QTemporaryDir dir;
        Collector sink;
        ExperimentConfig c = tinyLanguageConfig();
        c.model.lora_rank = 4;
        c.model.lora_targets = {"attn.c_attn", "mlp.c_fc"};
        c.downstream.optimizer.sam = "sam";  // LoRA combines with SAM
        c.strategies.l2sp_lambda = 0.1;      // and with a strategy
        const RunSummary s = run(c, sink, dir.path().toStdString());
        QCOMPARE(s.status, std::string(status::kDone));
        // rank (in + out) per adapted projection: c_attn 32 -> 96, c_fc 32 -> 128.
        QCOMPARE(s.trainable_parameters, int64_t(4 * (32 + 96) + 4 * (32 + 128)));
        const NamedTensors pre = loadSafetensors(sink.checkpoints.at("pretrained"));
        const NamedTensors fin = loadSafetensors(sink.checkpoints.at("final"));
        std::map<std::string, torch::Tensor> before(pre.begin(), pre.end());
        QCOMPARE(fin.size(), pre.size());  // merged: no adapter tensors
        for (const auto& [name, t] : fin) {
            QVERIFY2(before.count(name), name.c_str());
            const bool adapted = name.find("attn.c_attn.weight") != std::string::npos ||
                                 name.find("mlp.c_fc.weight") != std::string::npos;
            QVERIFY2(torch::equal(t, before[name]) != adapted, name.c_str());
        }
        bool sawLora = false;
        for (const auto& e : sink.events) sawLora |= e.kind == "lora";
        QVERIFY(sawLora);
    }

    void strategiesWorkOnText() {
        ExperimentConfig c = tinyLanguageConfig();
        c.eval.samples_every = 0;
        c.strategies.replay_ratio = 0.25;
        c.strategies.replay_buffer = 50;
        c.strategies.ewc_lambda = 10;
        c.strategies.ewc_samples = 10;
        c.strategies.lwf_lambda = 0.5;
        Collector sink;
        const RunSummary s = run(c, sink);
        QVERIFY2(s.status == status::kDone, s.error.c_str());
        bool penalty = false;
        for (const auto& p : sink.points) penalty |= p.key == keys::kPenalty && p.value > 0;
        QVERIFY(penalty);
        for (const auto& e : sink.events) QVERIFY(e.kind != "samples");
    }

    void startsFromGpt2Checkpoint() {
        // A GPT-2-layout checkpoint with known weights: with upstream.steps 0 the run's
        // step-0 upstream log-perplexity is that model's, computed here independently.
        QTemporaryDir dir;
        const std::string ckpt = (fs::path(dir.path().toStdString()) / "gpt2-tiny").string();
        torch::manual_seed(77);
        GptConfig g;
        g.n_layer = 1, g.n_head = 2, g.n_embd = 32, g.n_positions = 48;
        GptModel saved(g);
        saveGpt2(saved, ckpt);
        ExperimentConfig c = tinyLanguageConfig();
        c.model.checkpoint = ckpt;
        c.model.n_layer = 9;  // ignored: the sizes come from config.json
        c.upstream.steps = 0;
        c.eval.samples_every = 0;
        Collector sink;
        const RunSummary s = run(c, sink);
        QVERIFY2(s.status == status::kDone, s.error.c_str());
        const ExperimentTasks tasks = buildExperimentTasks(c);
        const double expected = evaluateSplit(saved, tasks.up.test, 0).loss;
        QVERIFY(std::abs(s.upstream_logppl_before - expected) < 1e-6);
    }

    void badInputIsNamed() {
        // Corpus package missing.
        ExperimentConfig c = tinyLanguageConfig();
        c.text_dir = "/nonexistent/fortunes";
        Collector sink;
        RunSummary s = run(c, sink);
        QCOMPARE(s.status, std::string(status::kFailed));
        QVERIFY2(s.error.find("apt") != std::string::npos &&
                     s.error.find("fortunes") != std::string::npos,
                 s.error.c_str());

        // A tokenizer with more tokens than the checkpoint embeds (fewer is fine: padding rows).
        QTemporaryDir dir;
        const std::string ckpt = (fs::path(dir.path().toStdString()) / "ckpt").string();
        GptConfig g;
        g.vocab_size = 200, g.n_layer = 1, g.n_head = 2, g.n_embd = 16, g.n_positions = 32;
        GptModel m(g);
        saveGpt2(m, ckpt);
        writeText(ckpt + "/vocab.json", byteVocabJson({"th"}));  // 257 entries, above 200
        writeText(ckpt + "/merges.txt", "#version: 0.2\nt h\n");
        c = tinyLanguageConfig();
        c.model.checkpoint = ckpt;
        c.model.tokenizer = "bpe";
        s = run(c, sink);
        QCOMPARE(s.status, std::string(status::kFailed));
        QVERIFY2(s.error.find("vocab.json") != std::string::npos &&
                     s.error.find("200") != std::string::npos,
                 s.error.c_str());

        // A BPE prompt longer than the context (only known once tokenized).
        const std::string tokDir = (fs::path(dir.path().toStdString()) / "tok").string();
        fs::create_directories(tokDir);
        writeText(tokDir + "/vocab.json", byteVocabJson({"th"}));
        writeText(tokDir + "/merges.txt", "t h\n");
        c = tinyLanguageConfig();
        c.model.tokenizer = "bpe";
        c.model.tokenizer_dir = tokDir;
        c.eval.samples_prompts = {"ok", std::string(40, 'z')};
        s = run(c, sink);
        QCOMPARE(s.status, std::string(status::kFailed));
        QVERIFY2(s.error.find("eval.samples.prompts[1]") != std::string::npos, s.error.c_str());

        // Context beyond the checkpoint's n_positions.
        c = tinyLanguageConfig();
        c.model.checkpoint = ckpt;
        c.model.context = 64;
        s = run(c, sink);
        QCOMPARE(s.status, std::string(status::kFailed));
        QVERIFY2(s.error.find("n_positions") != std::string::npos, s.error.c_str());
    }
};

QTEST_APPLESS_MAIN(TestLanguage)
#include "test_language.moc"
