// Multiple-choice benchmarks (issue 15, SCIENCE.md section 7): batched scoring against a
// direct per-choice computation of each log-likelihood (acc, acc_norm), the tokenizer
// boundary, left truncation, the MMLU CSV and JSONL layouts (quoted commas and newlines),
// k-shot prompts (exact text, never the item, seeded), every bad-input error, and the
// built-in fortune cloze.
#include <torch/torch.h>

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "engine/data/internal/text_tasks.h"
#include "engine/measure/benchmark.h"
#include "engine/measure/internal/benchmark_scoring.h"
#include "engine/models/internal/language_model.h"

using namespace forgetlab;
namespace fs = std::filesystem;

namespace {

std::string writeFile(const QTemporaryDir& dir, const std::string& name, const std::string& text) {
    const std::string path = dir.filePath(QString::fromStdString(name)).toStdString();
    std::ofstream(path, std::ios::binary) << text;
    return path;
}

TokenizerSetup byteTokenizer() {
    TokenizerSetup tok;
    tok.tokenizer = std::make_shared<ByteTokenizer>();
    tok.kind = "byte";
    return tok;
}

// A two-layer GPT-2 on bytes (a 48-token context unless asked), seeded.
std::shared_ptr<LanguageModel> tinyModel(int context = 48) {
    torch::manual_seed(3);
    auto model = makeLanguageModel(architectureFromSizes("gpt2", 2, 2, 16, context, 256));
    model->eval();
    return model;
}

// Σ log p(choice tokens | context) by running the model on context + choice alone (no batch,
// no padding): the definition of SCIENCE.md section 7. ids are the whole row's tokens,
// `contLen` of them the choice's; rows longer than the context + 1 lose tokens on the left.
double directLl(LanguageModel& model, std::vector<int64_t> ids, int64_t contLen) {
    const int64_t keep = model.contextLength() + 1;
    if (int64_t(ids.size()) > keep) ids.erase(ids.begin(), ids.end() - keep);
    torch::NoGradGuard noGrad;
    const int64_t len = int64_t(ids.size()) - 1;
    const torch::Tensor row = torch::tensor(ids, torch::kLong);
    const torch::Tensor logp = torch::log_softmax(
        model.forward(row.narrow(0, 0, len).unsqueeze(0), 0)[0].to(torch::kFloat64), -1);
    double sum = 0;
    for (int64_t t = len - contLen; t < len; ++t) sum += logp[t][ids[size_t(t) + 1]].item<double>();
    return sum;
}

std::vector<int64_t> bytesOf(const std::string& s) {
    std::vector<int64_t> ids;
    for (unsigned char c : s) ids.push_back(c);
    return ids;
}

BenchmarkItem item(const std::string& context, std::vector<std::string> choices, int answer) {
    BenchmarkItem b;
    b.context = context;
    b.choices = std::move(choices);
    b.answer = answer;
    b.where = "test";
    return b;
}

template <typename F>
std::string errorOf(F&& f) {
    try {
        f();
    } catch (const BenchmarkError& e) {
        return e.what();
    }
    return "(no BenchmarkError)";
}

bool has(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

}  // namespace

class TestBenchmark : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void batchedScoringMatchesDirectLogLikelihoods() {
        auto model = tinyModel();
        const TokenizerSetup tok = byteTokenizer();
        PreparedBenchmark bench;
        bench.name = "direct";
        const std::vector<std::vector<std::string>> choiceSets = {
            {" 4", " five", " twenty-two", " a fish"},
            {" yes", " no"},
            {" red", " green and blue", " x"},
            {" the cat sat", " on", " the mat", " and slept all day"},
            {" A", " B", " C", " D"}};
        for (size_t q = 0; q < 10; ++q)
            bench.items.push_back(item("Question: number " + std::to_string(q * 37) + "?\nAnswer:",
                                       choiceSets[q % choiceSets.size()], 0));
        // One prompt longer than the 48-token context: cut from the left.
        bench.items.push_back(item(std::string(70, 'z') + " end:", {" ok", " not ok"}, 0));
        int64_t right = 0, rightNorm = 0;
        std::vector<std::vector<double>> direct;
        for (BenchmarkItem& it : bench.items) {
            std::vector<double> ll;
            for (const std::string& c : it.choices) {
                std::vector<int64_t> ids = bytesOf(it.context);
                for (int64_t id : bytesOf(c)) ids.push_back(id);
                ll.push_back(directLl(*model, ids, int64_t(c.size())));
            }
            // Answers spread over the positions, so both right and wrong picks occur.
            it.answer = int(direct.size() % it.choices.size());
            const ChoicePick p = pickChoices(ll, it.choices);
            right += p.acc == it.answer;
            rightNorm += p.acc_norm == it.answer;
            direct.push_back(ll);
        }
        model->train();  // scoring switches to eval and back
        std::vector<QuestionScores> details;
        const BenchmarkResult r = scoreBenchmark(*model, tok, bench, nullptr, &details);
        QVERIFY(model->is_training());
        QCOMPARE(r.items, int64_t(bench.items.size()));
        QCOMPARE(r.truncated, int64_t(1));
        QVERIFY(details.back().truncated && !details.front().truncated);
        for (size_t q = 0; q < direct.size(); ++q)
            for (size_t c = 0; c < direct[q].size(); ++c) {
                QCOMPARE(details[q].tokens[c], int64_t(bench.items[q].choices[c].size()));
                QVERIFY2(std::abs(details[q].ll[c] - direct[q][c]) < 1e-4,
                         qPrintable(QString("item %1 choice %2: %3 vs %4")
                                        .arg(q)
                                        .arg(c)
                                        .arg(details[q].ll[c])
                                        .arg(direct[q][c])));
            }
        QCOMPARE(r.acc, double(right) / double(bench.items.size()));
        QCOMPARE(r.acc_norm, double(rightNorm) / double(bench.items.size()));
    }

    void accAndAccNormDiffer() {
        // By hand: -4 beats -6 in total, but -6 over 6 bytes beats -4 over 2 bytes.
        const ChoicePick p = pickChoices({-4.0, -6.0}, {" a", " bbbbb"});
        QCOMPARE(p.acc, 0);
        QCOMPARE(p.acc_norm, 1);
        const ChoicePick tie = pickChoices({-3.0, -3.0, -5.0}, {" x", " y", " zzzz"});
        QCOMPARE(tie.acc, 0);  // the first of equal ones, as numpy's argmax
        QCOMPARE(tie.acc_norm, 2);
        // Through the scorer: a question whose two picks differ, answered by the normalised
        // one, scores acc 0 and acc_norm 1.
        auto model = tinyModel();
        const TokenizerSetup tok = byteTokenizer();
        bool found = false;
        for (int k = 1; k < 40 && !found; ++k) {
            BenchmarkItem it = item("Say:",
                                    {" " + std::string(size_t(k % 3 + 1), 'q'),
                                     " " + std::string(size_t(k + 4), char('a' + k % 26))},
                                    0);
            const QuestionScores s = scoreQuestion(*model, tok, it);
            if (s.pick.acc == s.pick.acc_norm) continue;
            it.answer = s.pick.acc_norm;
            PreparedBenchmark bench{"differ", "test", {it}, 0};
            const BenchmarkResult r = scoreBenchmark(*model, tok, bench);
            QCOMPARE(r.acc, 0.0);
            QCOMPARE(r.acc_norm, 1.0);
            found = true;
        }
        QVERIFY(found);
    }

    void tokenizerBoundary() {
        const TokenizerSetup bytes = byteTokenizer();
        // Trailing white space of the context moves to the continuation (as the harness does).
        const EncodedChoice e = encodeChoice(bytes, "Answer: ", "B");
        QCOMPARE(e.context, bytesOf("Answer:"));
        QCOMPARE(e.continuation, bytesOf(" B"));
        // A BPE that merges across the boundary ("x" "a" + "b" -> "x" "ab"): the model reads
        // the joint encoding, the continuation is what follows the common prefix.
        std::map<std::string, int> vocab;
        for (int b = 0; b < 256; ++b) vocab[gpt2ByteSymbol(static_cast<unsigned char>(b))] = b;
        vocab["ab"] = 256;
        TokenizerSetup bpe;
        bpe.tokenizer =
            std::make_shared<Gpt2BpeTokenizer>(vocab, Gpt2BpeTokenizer::MergeList{{"a", "b"}});
        const EncodedChoice m = encodeChoice(bpe, "xa", "b");
        QCOMPARE(m.context, (std::vector<int64_t>{'x'}));
        QCOMPARE(m.continuation, (std::vector<int64_t>{256}));
        // With a BOS the tokens start with it, and only the context carries it.
        TokenizerSetup withBos = byteTokenizer();
        withBos.add_bos = true;
        withBos.bos_id = 1;
        const EncodedChoice b = encodeChoice(withBos, "Q:", " C");
        QCOMPARE(b.context, (std::vector<int64_t>{1, 'Q', ':'}));
        QCOMPARE(b.continuation, bytesOf(" C"));
    }

    void hfFolderScoringMatchesDirect() {
        // A llama-family folder with tokenizer.json and BOS (tests/fixtures/hf).
        const char* env = std::getenv("FORGETLAB_HF_FIXTURES");
        const std::string dir = std::string(env && *env ? env : "") + "/llama-gqa";
        if (!fs::exists(dir + "/config.json")) QSKIP("no HF fixtures (run through ctest)");
        auto model = makeLanguageModel(readHfConfig(dir + "/config.json"), false);
        loadHfWeights(*model, dir);
        model->eval();
        const TokenizerSetup tok = loadTokenizerFolder(dir, model->vocabSize());
        QVERIFY(tok.add_bos);
        const BenchmarkItem it =
            item("Question: Which one barks?\nAnswer:", {" a dog", " the cat", " fish"}, 0);
        const QuestionScores s = scoreQuestion(*model, tok, it);
        for (size_t c = 0; c < it.choices.size(); ++c) {
            const std::vector<int64_t> ctx = promptIds(tok, it.context);
            const std::vector<int64_t> whole = promptIds(tok, it.context + it.choices[c]);
            QVERIFY(std::equal(ctx.begin(), ctx.end(), whole.begin()));
            const int64_t contLen = int64_t(whole.size() - ctx.size());
            QCOMPARE(s.tokens[c], contLen);
            QVERIFY(std::abs(s.ll[c] - directLl(*model, whole, contLen)) < 1e-4);
        }
    }

    void mmluCsvWithQuotes() {
        QTemporaryDir dir;
        const std::string csv = writeFile(
            dir, "mmlu.csv",
            "\xEF\xBB\xBF\"What, if anything, is \"\"x\"\"?\nSecond line\",\"one, two\",b,c,d,B\r\n"
            "Plain question,1,2,3,4,d\n"
            "\n"
            "\"Last\",\"multi\nline\nchoice\",x,y,z,A\n");
        const std::vector<BenchmarkItem> items = readBenchmarkFile(csv);
        QCOMPARE(items.size(), size_t(3));
        QCOMPARE(items[0].context, std::string("What, if anything, is \"x\"?\nSecond line\n"
                                               "A. one, two\nB. b\nC. c\nD. d\nAnswer:"));
        QCOMPARE(items[0].choices, (std::vector<std::string>{" A", " B", " C", " D"}));
        QCOMPARE(items[0].answer, 1);
        QCOMPARE(items[1].context, std::string("Plain question\nA. 1\nB. 2\nC. 3\nD. 4\nAnswer:"));
        QCOMPARE(items[1].answer, 3);  // lower-case letters too
        QCOMPARE(items[2].answer, 0);
        QCOMPARE(items[1].where, csv + ":3");  // the first record spans lines 1 and 2
        QCOMPARE(items[2].where, csv + ":5");
        QVERIFY(has(items[2].context, "A. multi\nline\nchoice\n"));
    }

    void jsonlLayout() {
        QTemporaryDir dir;
        const std::string f = writeFile(
            dir, "b.jsonl",
            "{\"question\": \"Sky colour?\", \"choices\": [\"blue\", \"green\"], \"answer\": 0}\n"
            "\n"
            "{\"question\": \"2+2?\", \"choices\": [\"3\", \"4\", \"5\"], \"answer\": \"B\"}\r\n");
        const std::vector<BenchmarkItem> items = readBenchmarkFile(f);
        QCOMPARE(items.size(), size_t(2));
        QCOMPARE(items[0].context, std::string("Question: Sky colour?\nAnswer:"));
        QCOMPARE(items[0].choices, (std::vector<std::string>{" blue", " green"}));
        QCOMPARE(items[1].answer, 1);
        QCOMPARE(items[1].where, f + ":3");
        QCOMPARE(solvedExample(items[1]), std::string("Question: 2+2?\nAnswer: 4"));
    }

    void kShotPromptsExact() {
        QTemporaryDir dir;
        const std::string csv = writeFile(dir, "two.csv", "Q1,a,b,c,d,A\nQ2,e,f,g,h,C\n");
        BenchmarkSpec spec;
        spec.file = csv;
        spec.shots = 1;
        const PreparedBenchmark p = prepareBenchmark(spec);
        QCOMPARE(p.name, std::string("two"));
        QCOMPARE(p.items[0].context, std::string("Q2\nA. e\nB. f\nC. g\nD. h\nAnswer: C\n\n"
                                                 "Q1\nA. a\nB. b\nC. c\nD. d\nAnswer:"));
        QCOMPARE(p.items[1].context, std::string("Q1\nA. a\nB. b\nC. c\nD. d\nAnswer: A\n\n"
                                                 "Q2\nA. e\nB. f\nC. g\nD. h\nAnswer:"));
        // Two shots out of three questions: the other two, in a seeded order.
        const std::string jl =
            writeFile(dir, "three.jsonl",
                      "{\"question\":\"a?\",\"choices\":[\"x\",\"y\"],\"answer\":0}\n"
                      "{\"question\":\"b?\",\"choices\":[\"x\",\"y\"],\"answer\":1}\n"
                      "{\"question\":\"c?\",\"choices\":[\"x\",\"y\"],\"answer\":0}\n");
        spec.file = jl;
        spec.shots = 2;
        const std::string first = prepareBenchmark(spec).items[0].context;
        const std::string sa = "Question: b?\nAnswer: y", sb = "Question: c?\nAnswer: x";
        const std::string tail = "\n\nQuestion: a?\nAnswer:";
        QVERIFY2(first == sa + "\n\n" + sb + tail || first == sb + "\n\n" + sa + tail,
                 first.c_str());
    }

    void shotsNeverTheItemAndSeeded() {
        QTemporaryDir dir;
        std::string lines;
        for (int i = 0; i < 8; ++i)
            lines += "{\"question\":\"q" + std::to_string(i) +
                     "?\",\"choices\":[\"x\",\"y\",\"z\"],\"answer\":" + std::to_string(i % 3) +
                     "}\n";
        BenchmarkSpec spec;
        spec.file = writeFile(dir, "eight.jsonl", lines);
        spec.shots = 7;  // every other question, so only the order is drawn
        const PreparedBenchmark all = prepareBenchmark(spec);
        for (size_t i = 0; i < all.items.size(); ++i) {
            const std::string& c = all.items[i].context;
            const std::string own = "Question: q" + std::to_string(i) + "?\nAnswer:";
            QCOMPARE(c.find(own), c.size() - own.size());  // only at the end
            for (int j = 0; j < 8; ++j)
                if (size_t(j) != i) QVERIFY(has(c, "q" + std::to_string(j) + "?"));
        }
        spec.shots = 3;
        const PreparedBenchmark a = prepareBenchmark(spec), b = prepareBenchmark(spec);
        spec.seed = 99;
        const PreparedBenchmark other = prepareBenchmark(spec);
        bool differs = false;
        for (size_t i = 0; i < a.items.size(); ++i) {
            QCOMPARE(a.items[i].context, b.items[i].context);
            differs = differs || a.items[i].context != other.items[i].context;
            const std::string own = "q" + std::to_string(i) + "?";
            QCOMPARE(a.items[i].context.find(own), a.items[i].context.rfind(own));
        }
        QVERIFY(differs);
        // Shots from another file (MMLU's dev split): only its questions come before.
        spec.shots_file =
            writeFile(dir, "dev.jsonl",
                      "{\"question\":\"d0?\",\"choices\":[\"x\",\"y\"],\"answer\":1}\n"
                      "{\"question\":\"d1?\",\"choices\":[\"x\",\"y\"],\"answer\":0}\n");
        spec.shots = 2;
        const PreparedBenchmark dev = prepareBenchmark(spec);
        for (size_t i = 0; i < dev.items.size(); ++i) {
            const std::string& c = dev.items[i].context;
            QVERIFY(has(c, "Question: d0?\nAnswer: y") && has(c, "Question: d1?\nAnswer: x"));
            QCOMPARE(c.find("Question: q"), c.rfind("Question: q"));
        }
    }

    void badInputNamesFileAndLine() {
        QTemporaryDir dir;
        auto err = [&](const std::string& name, const std::string& text) {
            const std::string path = writeFile(dir, name, text);
            return std::make_pair(path, errorOf([&] { readBenchmarkFile(path); }));
        };
        const std::string good = "{\"question\":\"q\",\"choices\":[\"a\",\"b\"],\"answer\":0}\n";
        struct Case {
            std::string name, text, line, expect;
        };
        const std::vector<Case> cases = {
            {"notjson.jsonl", good + "{not json\n", ":2", "not JSON"},
            {"array.jsonl", good + "[1,2]\n", ":2", "not a JSON object"},
            {"missing.jsonl", good + good + "{\"question\":\"q\",\"answer\":1}\n", ":3",
             "missing choices"},
            {"qtype.jsonl", "{\"question\":3,\"choices\":[\"a\",\"b\"],\"answer\":0}\n", ":1",
             "\"question\" must be a string"},
            {"ctype.jsonl", "{\"question\":\"q\",\"choices\":\"ab\",\"answer\":0}\n", ":1",
             "array of strings"},
            {"atype.jsonl", "{\"question\":\"q\",\"choices\":[\"a\",\"b\"],\"answer\":true}\n",
             ":1", "\"answer\" must be"},
            {"range.jsonl", good + "{\"question\":\"q\",\"choices\":[\"a\",\"b\"],\"answer\":2}\n",
             ":2", "out of range"},
            {"letter.jsonl", "{\"question\":\"q\",\"choices\":[\"a\",\"b\"],\"answer\":\"C\"}\n",
             ":1", "out of range"},
            {"one.jsonl", "{\"question\":\"q\",\"choices\":[\"a\"],\"answer\":0}\n", ":1",
             "fewer than 2 choices"},
            {"utf8.jsonl",
             good + "{\"question\":\"caf\xE9\",\"choices\":[\"a\",\"b\"],\"answer\":0}\n", ":2",
             "UTF-8"},
            {"range.csv", "q,a,b,c,d,A\nq,a,b,c,d,E\n", ":2", "out of range"},
            {"one.csv", "q,a,A\n", ":1", "fewer than 2 choices"},
            {"ragged.csv", "q,a,b,c,d,A\nq,a,b,c,A\n", ":2", "fields"},
            {"quote.csv", "q,a,b,c,d,A\n\"never closed,a,b\n", ":2", "never closed"},
        };
        for (const Case& c : cases) {
            const auto [path, msg] = err(c.name, c.text);
            QVERIFY2(has(msg, path + c.line) && has(msg, c.expect),
                     qPrintable(QString::fromStdString(c.name + ": " + msg)));
        }
        // Several problems are reported together.
        const auto [many, manyMsg] = err("many.jsonl", "x\n" + good + "y\n");
        QVERIFY2(
            has(manyMsg, many + ":1") && has(manyMsg, many + ":3") && has(manyMsg, "2 problems"),
            manyMsg.c_str());
        QVERIFY(has(err("empty.jsonl", "\n\n").second, "empty"));
        QVERIFY(has(err("empty.csv", "").second, "empty"));
        QVERIFY(has(err("b.txt", good).second, "unknown benchmark format"));
        QVERIFY(has(errorOf([&] { readBenchmarkFile(dir.filePath("absent.csv").toStdString()); }),
                    "no such benchmark file"));
        fs::create_directory(dir.filePath("folder.csv").toStdString());
        QVERIFY(has(errorOf([&] { readBenchmarkFile(dir.filePath("folder.csv").toStdString()); }),
                    "is a folder"));
        // More shots than the file holds besides the item; than a shots file holds.
        BenchmarkSpec spec;
        spec.file =
            writeFile(dir, "three.jsonl",
                      good + "{\"question\":\"r\",\"choices\":[\"a\",\"b\"],\"answer\":1}\n" +
                          "{\"question\":\"s\",\"choices\":[\"a\",\"b\"],\"answer\":1}\n");
        spec.shots = 3;
        QVERIFY(has(errorOf([&] { prepareBenchmark(spec); }), "3 shots but"));
        spec.shots = 2;
        QCOMPARE(prepareBenchmark(spec).items.size(), size_t(3));
        spec.shots_file = writeFile(dir, "dev.jsonl", good);
        QVERIFY(has(errorOf([&] { prepareBenchmark(spec); }), "dev.jsonl has only 1"));
        spec.shots = -1;
        QVERIFY(has(errorOf([&] { prepareBenchmark(spec); }), ">= 0"));
    }

    void fortuneClozeCut() {
        FortuneClozeOptions o;
        o.items = 4;
        o.min_bytes = 1;
        const std::vector<std::string> four = {"aaaa bbbb cccc dddd", "one two three four five",
                                               "über schön grün blau weiß", "x\ny\nz\nw\nv\nu"};
        const std::vector<BenchmarkItem> all = makeFortuneCloze(four, o);
        QCOMPARE(all.size(), size_t(4));
        std::map<std::string, std::string> contextOf;
        for (const BenchmarkItem& it : all) {
            QCOMPARE(it.choices.size(), size_t(4));
            contextOf[it.context + it.choices[size_t(it.answer)]] = it.context;
        }
        QCOMPARE(contextOf.size(), size_t(4));  // every item is one of the fortunes, cut in two
        // At the white space nearest the middle byte (which goes to the ending), so never
        // inside a word or a UTF-8 character.
        QCOMPARE(contextOf[four[0]], std::string("aaaa bbbb"));
        QCOMPARE(contextOf[four[1]], std::string("one two three"));
        QCOMPARE(contextOf[four[2]], std::string("über schön"));
        QCOMPARE(contextOf[four[3]], std::string("x\ny\nz"));
        o.items = 5;
        QVERIFY(has(errorOf([&] { makeFortuneCloze(four, o); }), "only 4 of 4"));
        o.items = 1;
        QVERIFY(has(errorOf([&] {
                        makeFortuneCloze({"a b", "c d", "nospace", "e f"}, o);
                    }),
                    "only 3 of 4"));
    }

    void fortuneClozeChoices() {
        // Sixty synthetic fortunes of many lengths.
        std::vector<std::string> fortunes;
        for (int i = 0; i < 60; ++i) {
            std::string f;
            for (int w = 0; w < 4 + (i * 7) % 23; ++w)
                f +=
                    (w ? " " : "") + std::string(size_t(1 + (i + w) % 6), char('a' + (i + w) % 26));
            fortunes.push_back(f + " #" + std::to_string(i));
        }
        FortuneClozeOptions o;
        o.min_bytes = 1;
        o.seed = 5;
        o.items = 60;  // every fortune: their true endings are every ending there is
        std::map<std::string, std::string> endingOf;
        for (const BenchmarkItem& it : makeFortuneCloze(fortunes, o))
            endingOf[it.context + it.choices[size_t(it.answer)]] = it.choices[size_t(it.answer)];
        QCOMPARE(endingOf.size(), fortunes.size());
        o.items = 20;
        const std::vector<BenchmarkItem> items = makeFortuneCloze(fortunes, o);
        QCOMPARE(items.size(), size_t(20));
        std::set<int> positions;
        std::set<std::string> seenContexts;
        for (const BenchmarkItem& it : items) {
            QCOMPARE(it.choices.size(), size_t(4));
            QCOMPARE(std::set<std::string>(it.choices.begin(), it.choices.end()).size(), size_t(4));
            const std::string& truth = it.choices[size_t(it.answer)];
            const std::string whole = it.context + truth;
            QVERIFY(endingOf.count(whole) && endingOf[whole] == truth);
            QVERIFY(seenContexts.insert(it.context).second);
            // Distractors: endings of other fortunes, among the six closest in byte length.
            std::vector<long> diffs;
            for (const auto& [f, e] : endingOf)
                if (f != whole && e != truth)
                    diffs.push_back(std::labs(long(e.size()) - long(truth.size())));
            std::sort(diffs.begin(), diffs.end());
            for (size_t c = 0; c < 4; ++c) {
                if (int(c) == it.answer) continue;
                const std::string& d = it.choices[c];
                bool isEnding = false;
                for (const auto& [f, e] : endingOf) isEnding = isEnding || (f != whole && e == d);
                QVERIFY(isEnding);
                QVERIFY(std::labs(long(d.size()) - long(truth.size())) <= diffs[5]);
            }
            positions.insert(it.answer);
        }
        QVERIFY(positions.size() >= 3);  // the answer's position is drawn
        const std::vector<BenchmarkItem> again = makeFortuneCloze(fortunes, o);
        o.seed = 6;
        const std::vector<BenchmarkItem> other = makeFortuneCloze(fortunes, o);
        bool differs = false;
        for (size_t i = 0; i < items.size(); ++i) {
            QCOMPARE(again[i].context, items[i].context);
            QCOMPARE(again[i].choices, items[i].choices);
            QCOMPARE(again[i].answer, items[i].answer);
            differs = differs || other[i].context != items[i].context;
        }
        QVERIFY(differs);
    }

    void fortuneClozeOfRealFortunes() {
        if (!fs::exists(kDefaultFortuneRoot)) QSKIP("the fortunes package is not installed");
        BenchmarkSpec spec;
        spec.builtin = "fortune-cloze";
        spec.language = "en";
        spec.items = 12;
        const PreparedBenchmark zero = prepareBenchmark(spec);
        QCOMPARE(zero.name, std::string("cloze-en"));
        QCOMPARE(zero.items.size(), size_t(12));
        for (const BenchmarkItem& it : zero.items)  // whole fortunes of at most 128 bytes
            QVERIFY(it.context.size() + it.choices[size_t(it.answer)].size() <= 128);
        spec.shots = 1;
        const PreparedBenchmark p = prepareBenchmark(spec);
        QVERIFY(p.items[0].context.size() > zero.items[0].context.size());
        auto model = tinyModel(128);
        const BenchmarkResult r = scoreBenchmark(*model, byteTokenizer(), p);
        QCOMPARE(r.items, int64_t(12));
        QVERIFY(r.acc >= 0 && r.acc <= 1 && r.acc_norm >= 0 && r.acc_norm <= 1);
        spec.builtin = "hellaswag";
        QVERIFY(has(errorOf([&] { prepareBenchmark(spec); }), "fortune-cloze"));
        spec.builtin = "fortune-cloze";
        spec.file = "x.csv";
        QVERIFY(has(errorOf([&] { prepareBenchmark(spec); }), "not both"));
    }

    void cancelStopsBetweenQuestions() {
        auto model = tinyModel();
        PreparedBenchmark bench{
            "c", "test", {item("Q:", {" a", " b"}, 0), item("R:", {" a", " b"}, 1)}, 0};
        std::atomic<bool> cancel{true};
        const BenchmarkResult r = scoreBenchmark(*model, byteTokenizer(), bench, &cancel);
        QVERIFY(r.cancelled);
        QCOMPARE(r.items, int64_t(0));
        // A choice longer than the whole context cannot be scored: named.
        BenchmarkItem tooLong = item("Q:", {" a", " " + std::string(60, 'b')}, 0);
        tooLong.where = "long.jsonl:4";
        try {
            scoreQuestion(*model, byteTokenizer(), tooLong);
            QFAIL("no error");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(has(e.what(), "long.jsonl:4") && has(e.what(), "context"), e.what());
        }
    }
};

QTEST_APPLESS_MAIN(TestBenchmark)
#include "test_benchmark.moc"
