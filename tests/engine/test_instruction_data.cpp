// Text and instruction data for the language models (issue 15): the JSONL shapes, the
// templates against SCIENCE.md section 7's text written out by hand, the exact loss mask with
// the byte tokenizer (one token a byte, so positions can be counted by hand), truncation and
// dropping with their counts, text files by line / paragraph / document, a model folder's
// own chat template, the arithmetic generator, and every error with its file, line and byte
// offset.
#include <torch/torch.h>

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "engine/data/internal/instruction_tasks.h"
#include "engine/data/text_sources.h"

using namespace forgetlab;
namespace fs = std::filesystem;

namespace {

TokenizerSetup byteSetup(bool bos = false, bool eos = false) {
    TokenizerSetup tok;
    tok.tokenizer = std::make_shared<ByteTokenizer>();
    tok.kind = "byte";
    tok.add_bos = bos;
    tok.add_eos = eos;
    tok.bos_id = bos ? 1 : -1;
    tok.eos_id = eos ? 2 : -1;
    return tok;
}

void writeFile(const fs::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary);
    out << bytes;
}

// The message of the DataError that f throws ("" if none).
template <class F>
std::string errorOf(F f) {
    try {
        f();
    } catch (const DataError& e) {
        return e.what();
    }
    return {};
}

// The target positions of row `row` that are not kIgnoreTarget.
std::vector<int64_t> countedPositions(const DataSplit& split, int64_t row) {
    std::vector<int64_t> out;
    const torch::Tensor t = split.target[row];
    for (int64_t i = 0; i < t.size(0); ++i)
        if (t[i].item<int64_t>() != kIgnoreTarget) out.push_back(i);
    return out;
}

std::vector<int64_t> range(int64_t begin, int64_t end) {
    std::vector<int64_t> v;
    for (int64_t i = begin; i < end; ++i) v.push_back(i);
    return v;
}

// A conversation with a system message, an earlier exchange and a last user turn.
InstructionExample conversation() {
    InstructionExample ex;
    ex.context = {
        {"system", "Be brief."}, {"user", "Hi"}, {"assistant", "Hello"}, {"user", "2+2?"}};
    ex.response = "4";
    return ex;
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace

class TestInstructionData : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void singleTurnTemplatesAreScienceMdText();
    void multiTurnTemplates();
    void jsonlShapes();
    void lossMaskCountsResponseTokensOnly();
    void chatmlMaskIncludesImEnd();
    void truncationKeepsPromptStartAndDropsUnanswerable();
    void previewSpans();
    void plainTextCounts();
    void textFilesByLineParagraphDocument();
    void textFolderAndJsonlTextField();
    void modelFolderTemplate();
    void arithmeticGenerator();
    void instructionErrorsNameFileAndLine();
    void utf8ErrorsNameByteOffset();
    void namedErrors();
    void problemListIsCapped();

private:
    QTemporaryDir m_dir;
    fs::path path(const std::string& name) const {
        return fs::path(m_dir.path().toStdString()) / name;
    }
};

void TestInstructionData::singleTurnTemplatesAreScienceMdText() {
    const InstructionExample ex = singleTurnExample("Add 2 and 3.", "5");
    QCOMPARE(renderInstruction(ex, InstructionTemplate::Alpaca).prompt,
             std::string("Below is an instruction that describes a task. Write a response that "
                         "appropriately completes the request.\n\n### Instruction:\nAdd 2 and "
                         "3.\n\n### Response:\n"));
    const InstructionExample withInput = singleTurnExample("Add the numbers.", "5", "2 3");
    QCOMPARE(renderInstruction(withInput, InstructionTemplate::Alpaca).prompt,
             std::string("Below is an instruction that describes a task, paired with an input "
                         "that provides further context. Write a response that appropriately "
                         "completes the request.\n\n### Instruction:\nAdd the numbers.\n\n"
                         "### Input:\n2 3\n\n### Response:\n"));
    QCOMPARE(renderInstruction(ex, InstructionTemplate::Tulu).prompt,
             std::string("<|user|>\nAdd 2 and 3.\n<|assistant|>\n"));
    QCOMPARE(renderInstruction(ex, InstructionTemplate::ChatMl).prompt,
             std::string("<|im_start|>user\nAdd 2 and 3.<|im_end|>\n<|im_start|>assistant\n"));
    QCOMPARE(renderInstruction(ex, InstructionTemplate::Llama2).prompt,
             std::string("[INST] Add 2 and 3. [/INST] "));
    QCOMPARE(renderInstruction(ex, InstructionTemplate::Plain).prompt,
             std::string("Add 2 and 3.\n"));
    // The response is verbatim; chatml's ends with <|im_end|>.
    for (InstructionTemplate t : {InstructionTemplate::Alpaca, InstructionTemplate::Tulu,
                                  InstructionTemplate::Llama2, InstructionTemplate::Plain})
        QCOMPARE(renderInstruction(ex, t).response, std::string("5"));
    QCOMPARE(renderInstruction(ex, InstructionTemplate::ChatMl).response,
             std::string("5<|im_end|>"));
    QCOMPARE(renderInstruction(ex, InstructionTemplate::Tulu).text(),
             std::string("<|user|>\nAdd 2 and 3.\n<|assistant|>\n5"));
    // Outside alpaca an input follows the instruction after a blank line.
    QCOMPARE(renderInstruction(withInput, InstructionTemplate::Plain).prompt,
             std::string("Add the numbers.\n\n2 3\n"));
    // Names round-trip.
    for (const std::string& name : instructionTemplateNames())
        QCOMPARE(instructionTemplateName(parseInstructionTemplate(name)), name);
}

void TestInstructionData::multiTurnTemplates() {
    const InstructionExample ex = conversation();
    QCOMPARE(renderInstruction(ex, InstructionTemplate::Alpaca).prompt,
             std::string("Be brief.\n\n### Instruction:\nHi\n\n### Response:\nHello\n\n"
                         "### Instruction:\n2+2?\n\n### Response:\n"));
    QCOMPARE(renderInstruction(ex, InstructionTemplate::Tulu).prompt,
             std::string("<|system|>\nBe brief.\n<|user|>\nHi\n<|assistant|>\nHello\n"
                         "<|user|>\n2+2?\n<|assistant|>\n"));
    QCOMPARE(
        renderInstruction(ex, InstructionTemplate::ChatMl).prompt,
        std::string("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
                    "<|im_start|>assistant\nHello<|im_end|>\n<|im_start|>user\n2+2?<|im_end|>\n"
                    "<|im_start|>assistant\n"));
    QCOMPARE(renderInstruction(ex, InstructionTemplate::Llama2).prompt,
             std::string(
                 "[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST] Hello [INST] 2+2? [/INST] "));
    QCOMPARE(renderInstruction(ex, InstructionTemplate::Plain).prompt,
             std::string("Be brief.\nHi\nHello\n2+2?\n"));
    QCOMPARE(renderInstruction(ex, InstructionTemplate::Plain).response, std::string("4"));
}

void TestInstructionData::jsonlShapes() {
    const fs::path file = path("shapes.jsonl");
    writeFile(file,
              "{\"instruction\": \"Name a colour.\", \"input\": \"\", \"output\": \"Red\"}\n"
              "{\"instruction\": \"Sum\", \"input\": \"1 2\", \"output\": \"3\"}\r\n"
              "\n"
              "{\"prompt\": \"Say hi\", \"response\": \"hi\"}\n"
              "{\"messages\": [{\"role\": \"system\", \"content\": \"S\"}, "
              "{\"role\": \"user\", \"content\": \"U1\"}, {\"role\": \"assistant\", \"content\": "
              "\"A1\"}, {\"role\": \"user\", \"content\": \"U2\"}, {\"role\": \"assistant\", "
              "\"content\": \"A2\"}, {\"role\": \"user\", \"content\": \"ignored\"}]}\n");
    const TextSourceSummary summary = inspectInstructionFile(file.string());
    QVERIFY2(summary.ok(), summary.problems.empty() ? "" : summary.problems[0].c_str());
    QCOMPARE(summary.examples, int64_t(4));
    const std::vector<InstructionExample> ex = readInstructionFile(file.string());
    QCOMPARE(ex.size(), size_t(4));
    QCOMPARE(ex[0].context.size(), size_t(1));
    QCOMPARE(ex[0].context[0].role, std::string("user"));
    QCOMPARE(ex[0].context[0].content, std::string("Name a colour."));
    QCOMPARE(ex[0].input, std::string());
    QCOMPARE(ex[0].response, std::string("Red"));
    QCOMPARE(ex[1].input, std::string("1 2"));
    QCOMPARE(ex[1].response, std::string("3"));
    QCOMPARE(ex[2].context[0].content, std::string("Say hi"));
    QCOMPARE(ex[2].response, std::string("hi"));
    // Up to the last assistant message is the prompt; the trailing user message is ignored.
    QCOMPARE(ex[3].context.size(), size_t(4));
    QCOMPARE(ex[3].context[0].role, std::string("system"));
    QCOMPARE(ex[3].context[2].role, std::string("assistant"));
    QCOMPARE(ex[3].context[3].content, std::string("U2"));
    QCOMPARE(ex[3].response, std::string("A2"));
    QCOMPARE(renderInstruction(ex[3], InstructionTemplate::Tulu).text(),
             std::string("<|system|>\nS\n<|user|>\nU1\n<|assistant|>\nA1\n<|user|>\nU2\n"
                         "<|assistant|>\nA2"));
}

void TestInstructionData::lossMaskCountsResponseTokensOnly() {
    // plain: "Hi\n" + "ok" = H i \n o k. Targets: position t predicts ids[t + 1], so o and k are
    // the targets of positions 2 and 3, and nothing else counts.
    const InstructionExample ex = singleTurnExample("Hi", "ok");
    EncodedExamples enc = encodeInstructions({ex}, InstructionTemplate::Plain, byteSetup(), 8);
    QCOMPARE(enc.split.size(), int64_t(1));
    QCOMPARE(enc.truncated, int64_t(0));
    QCOMPARE(enc.dropped, int64_t(0));
    QCOMPARE(countedPositions(enc.split, 0), (std::vector<int64_t>{2, 3}));
    std::vector<int64_t> input(enc.split.input[0].data_ptr<int64_t>(),
                               enc.split.input[0].data_ptr<int64_t>() + 8);
    QCOMPARE(input, (std::vector<int64_t>{'H', 'i', '\n', 'o', 0, 0, 0, 0}));
    QCOMPARE(enc.split.target[0][2].item<int64_t>(), int64_t('o'));
    QCOMPARE(enc.split.target[0][3].item<int64_t>(), int64_t('k'));

    // With BOS (id 1) and EOS (id 2): 1 H i \n o k 2; the response tokens o, k and EOS are the
    // targets of positions 3, 4 and 5.
    enc = encodeInstructions({ex}, InstructionTemplate::Plain, byteSetup(true, true), 8);
    QCOMPARE(enc.split.input[0][0].item<int64_t>(), int64_t(1));
    QCOMPARE(countedPositions(enc.split, 0), (std::vector<int64_t>{3, 4, 5}));
    QCOMPARE(enc.split.target[0][5].item<int64_t>(), int64_t(2));
    const TokenizedInstruction ids =
        tokenizeInstruction(ex, InstructionTemplate::Plain, byteSetup(true, true), 8);
    QCOMPARE(ids.ids, (std::vector<int>{1, 'H', 'i', '\n', 'o', 'k', 2}));
    QCOMPARE(ids.response_begin, size_t(4));
    QCOMPARE(ids.firstCountedTarget(), size_t(3));
    QCOMPARE(ids.countedTargets(), size_t(3));

    // llama2: "[INST] Hi [/INST] " is 18 bytes, after BOS the response starts at id 19.
    enc = encodeInstructions({ex}, InstructionTemplate::Llama2, byteSetup(true), 32);
    QCOMPARE(countedPositions(enc.split, 0), (std::vector<int64_t>{18, 19}));
    // tulu: "<|user|>\nHi\n<|assistant|>\n" is 9 + 3 + 14 = 26 bytes.
    enc = encodeInstructions({ex}, InstructionTemplate::Tulu, byteSetup(), 32);
    QCOMPARE(countedPositions(enc.split, 0), (std::vector<int64_t>{25, 26}));
    // alpaca: the preamble (107 bytes with its "\n\n"), "### Instruction:\nHi\n\n" (21) and
    // "### Response:\n" (14): 142 bytes of prompt.
    enc = encodeInstructions({ex}, InstructionTemplate::Alpaca, byteSetup(), 160);
    QCOMPARE(countedPositions(enc.split, 0), (std::vector<int64_t>{141, 142}));

    // Several examples: one row each, each with its own mask.
    enc = encodeInstructions({ex, singleTurnExample("abc", "wxyz")}, InstructionTemplate::Plain,
                             byteSetup(), 8);
    QCOMPARE(enc.split.size(), int64_t(2));
    QCOMPARE(countedPositions(enc.split, 1), (std::vector<int64_t>{3, 4, 5, 6}));
}

void TestInstructionData::chatmlMaskIncludesImEnd() {
    // "<|im_start|>user\n" 17 + "Hi" 2 + "<|im_end|>\n" 11 + "<|im_start|>assistant\n" 22 = 52
    // bytes of prompt; the response "ok<|im_end|>" is 12 bytes, targets of positions 51..62.
    const InstructionExample ex = singleTurnExample("Hi", "ok");
    const EncodedExamples enc =
        encodeInstructions({ex}, InstructionTemplate::ChatMl, byteSetup(), 64);
    QCOMPARE(countedPositions(enc.split, 0), range(51, 63));
    QCOMPARE(enc.split.target[0][62].item<int64_t>(), int64_t('>'));
}

void TestInstructionData::truncationKeepsPromptStartAndDropsUnanswerable() {
    // plain "abcdef\n" (7) + "xyz" (3) = 10 tokens.
    const InstructionExample ex = singleTurnExample("abcdef", "xyz");
    TokenizedInstruction t = tokenizeInstruction(ex, InstructionTemplate::Plain, byteSetup(), 9);
    QVERIFY(!t.truncated);  // 10 = context + 1 fits
    QCOMPARE(t.countedTargets(), size_t(3));
    t = tokenizeInstruction(ex, InstructionTemplate::Plain, byteSetup(), 8);
    QVERIFY(t.truncated);
    QVERIFY(!t.dropped);
    QCOMPARE(t.full_length, size_t(10));
    QCOMPARE(t.ids, (std::vector<int>{'a', 'b', 'c', 'd', 'e', 'f', '\n', 'x', 'y'}));
    QCOMPARE(t.countedTargets(), size_t(2));
    t = tokenizeInstruction(ex, InstructionTemplate::Plain, byteSetup(), 7);
    QVERIFY(t.truncated);
    QCOMPARE(t.countedTargets(), size_t(1));  // only x is left to predict
    t = tokenizeInstruction(ex, InstructionTemplate::Plain, byteSetup(), 6);
    QVERIFY(t.truncated);
    QVERIFY(t.dropped);  // the prompt fills all 7 tokens: nothing of the response is left
    QCOMPARE(t.countedTargets(), size_t(0));

    // Counted over a set: one fits, one truncated, one dropped for length, one with an empty
    // response (nothing to count) dropped.
    const std::vector<InstructionExample> set = {singleTurnExample("a", "b"), ex,
                                                 singleTurnExample("abcdefghij", "z"),
                                                 singleTurnExample("q", "")};
    const EncodedExamples enc = encodeInstructions(set, InstructionTemplate::Plain, byteSetup(), 8);
    QCOMPARE(enc.split.size(), int64_t(2));
    QCOMPARE(enc.truncated, int64_t(1));
    QCOMPARE(enc.dropped, int64_t(2));
    QCOMPARE(countedPositions(enc.split, 0), (std::vector<int64_t>{1}));
    QCOMPARE(countedPositions(enc.split, 1), (std::vector<int64_t>{6, 7}));
    // A truncated row fills the context: no padding.
    QCOMPARE(enc.split.input[1][7].item<int64_t>(), int64_t('x'));
}

void TestInstructionData::previewSpans() {
    const InstructionExample ex = singleTurnExample("abcdef", "xyz");
    InstructionPreview p = previewInstruction(ex, InstructionTemplate::Plain, byteSetup(), 16);
    QCOMPARE(p.text, std::string("abcdef\nxyz"));
    QCOMPARE(p.loss_begin, size_t(7));
    QCOMPARE(p.loss_end, size_t(10));
    QCOMPARE(p.tokens, size_t(10));
    QCOMPARE(p.counted_tokens, size_t(3));
    p = previewInstruction(ex, InstructionTemplate::Plain, byteSetup(true, true), 16);
    QCOMPARE(p.loss_end, size_t(10));  // EOS is a token, not text
    QCOMPARE(p.tokens, size_t(12));
    QCOMPARE(p.counted_tokens, size_t(4));
    p = previewInstruction(ex, InstructionTemplate::Plain, byteSetup(), 8);
    QVERIFY(p.truncated);
    QCOMPARE(p.loss_begin, size_t(7));
    QCOMPARE(p.loss_end, size_t(9));  // "xy" counts, "z" is beyond the context
    p = previewInstruction(ex, InstructionTemplate::Plain, byteSetup(), 5);
    QVERIFY(p.dropped);
    QCOMPARE(p.loss_end, p.loss_begin);
    QCOMPARE(p.counted_tokens, size_t(0));
}

void TestInstructionData::plainTextCounts() {
    const EncodedExamples enc =
        encodeTextsCounted({"a", "hello", "0123456789abcdef"}, byteSetup(), 8);
    QCOMPARE(enc.split.size(), int64_t(2));
    QCOMPARE(enc.dropped, int64_t(1));    // one token: nothing to predict
    QCOMPARE(enc.truncated, int64_t(1));  // 16 > 9 tokens
    QCOMPARE(countedPositions(enc.split, 0), range(0, 4));
    QCOMPARE(countedPositions(enc.split, 1), range(0, 8));
    QCOMPARE(enc.split.target[1][7].item<int64_t>(), int64_t('8'));
    // The same rows as encodeTexts.
    const DataSplit plain = encodeTexts({"a", "hello", "0123456789abcdef"}, byteSetup(), 8);
    QVERIFY(torch::equal(plain.input, enc.split.input));
    QVERIFY(torch::equal(plain.target, enc.split.target));
}

void TestInstructionData::textFilesByLineParagraphDocument() {
    const fs::path file = path("poem.txt");
    writeFile(file, "\xEF\xBB\xBF  First line\r\nsecond line  \n\n \n\tthird\nfourth\n\n");
    QCOMPARE(readTextFiles(file.string(), TextSplit::Line),
             (std::vector<std::string>{"  First line", "second line", "\tthird", "fourth"}));
    QCOMPARE(readTextFiles(file.string(), TextSplit::Paragraph),
             (std::vector<std::string>{"  First line\nsecond line", "\tthird\nfourth"}));
    QCOMPARE(readTextFiles(file.string(), TextSplit::Document),
             (std::vector<std::string>{"  First line\nsecond line  \n\n \n\tthird\nfourth"}));
    const TextSourceSummary s = inspectTextFiles(file.string(), TextSplit::Paragraph);
    QVERIFY(s.ok());
    QCOMPARE(s.examples, int64_t(2));
    QCOMPARE(s.files, int64_t(1));
    for (const char* name : {"line", "paragraph", "document"})
        QCOMPARE(textSplitName(parseTextSplit(name)), std::string(name));
}

void TestInstructionData::textFolderAndJsonlTextField() {
    const fs::path dir = path("corpus");
    fs::create_directories(dir / "sub");
    writeFile(dir / "b.TXT", "bee\n\nbuzz\n");
    writeFile(dir / "a.txt", "ant\n");
    writeFile(dir / ".hidden.txt", "never\n");
    writeFile(dir / "notes.md", "not text\n");
    writeFile(dir / "sub" / "c.txt", "not read\n");
    QCOMPARE(readTextFiles(dir.string(), TextSplit::Paragraph),
             (std::vector<std::string>{"ant", "bee", "buzz"}));
    QCOMPARE(readTextFiles(dir.string(), TextSplit::Document),
             (std::vector<std::string>{"ant", "bee\n\nbuzz"}));
    const TextSourceSummary s = inspectTextFiles(dir.string(), TextSplit::Line);
    QCOMPARE(s.files, int64_t(2));
    QCOMPARE(s.examples, int64_t(3));
    QCOMPARE(s.notes.size(), size_t(1));
    QVERIFY(contains(s.notes[0], "skipped 2"));

    const fs::path jsonl = path("texts.jsonl");
    writeFile(jsonl, "{\"text\": \"one\\ntwo\\n\\nthree\"}\n\n{\"text\": \"four\", \"id\": 2}\n");
    QCOMPARE(readTextFiles(jsonl.string(), TextSplit::Document),
             (std::vector<std::string>{"one\ntwo\n\nthree", "four"}));
    QCOMPARE(readTextFiles(jsonl.string(), TextSplit::Paragraph),
             (std::vector<std::string>{"one\ntwo", "three", "four"}));
    QCOMPARE(readTextFiles(jsonl.string(), TextSplit::Line),
             (std::vector<std::string>{"one", "two", "three", "four"}));
    writeFile(path("body.jsonl"), "{\"body\": \"x y\"}\n");
    QCOMPARE(readTextFiles(path("body.jsonl").string(), TextSplit::Document, "body"),
             (std::vector<std::string>{"x y"}));
}

void TestInstructionData::modelFolderTemplate() {
    QCOMPARE(recogniseChatTemplate("{% for m in messages %}<|im_start|>{{ m.role }}"),
             std::optional<InstructionTemplate>(InstructionTemplate::ChatMl));
    QCOMPARE(recogniseChatTemplate("{{ bos_token + '[INST] ' + m.content + ' [/INST]' }}"),
             std::optional<InstructionTemplate>(InstructionTemplate::Llama2));
    QCOMPARE(recogniseChatTemplate("{{ '<|user|>\\n' }}...{{ '<|assistant|>\\n' }}"),
             std::optional<InstructionTemplate>(InstructionTemplate::Tulu));
    QCOMPARE(recogniseChatTemplate("### Instruction:\n{{ m }}"),
             std::optional<InstructionTemplate>(InstructionTemplate::Alpaca));
    QVERIFY(!recogniseChatTemplate("<start_of_turn>user").has_value());

    const fs::path dir = path("model");
    fs::create_directories(dir);
    nlohmann::json cfg = {{"add_bos_token", true},
                          {"chat_template", "{% for m in messages %}<|im_start|>..."}};
    writeFile(dir / "tokenizer_config.json", cfg.dump());
    QCOMPARE(forgetlab::modelFolderTemplate(dir.string()), InstructionTemplate::ChatMl);
    QCOMPARE(resolveInstructionTemplate("model", dir.string()), InstructionTemplate::ChatMl);
    QCOMPARE(resolveInstructionTemplate("tulu", dir.string()), InstructionTemplate::Tulu);
    // The list form: "default" wins.
    cfg["chat_template"] =
        nlohmann::json::array({{{"name", "tool_use"}, {"template", "<|im_start|>"}},
                               {{"name", "default"}, {"template", "[INST] {{ x }} [/INST]"}}});
    writeFile(dir / "tokenizer_config.json", cfg.dump());
    QCOMPARE(forgetlab::modelFolderTemplate(dir.string()), InstructionTemplate::Llama2);
    // None of ours: named, with the list.
    cfg["chat_template"] = "<start_of_turn>user\n{{ m }}<end_of_turn>";
    writeFile(dir / "tokenizer_config.json", cfg.dump());
    std::string err = errorOf([&] { forgetlab::modelFolderTemplate(dir.string()); });
    QVERIFY2(contains(err,
                      "tokenizer_config.json: the chat_template is none of alpaca, tulu, "
                      "chatml, llama2, plain"),
             err.c_str());
    // No chat_template in the config, but a chat_template.jinja beside it.
    cfg.erase("chat_template");
    writeFile(dir / "tokenizer_config.json", cfg.dump());
    err = errorOf([&] { forgetlab::modelFolderTemplate(dir.string()); });
    QVERIFY2(contains(err, "has no chat template") && contains(err, "alpaca, tulu"), err.c_str());
    writeFile(dir / "chat_template.jinja", "<|user|>\n{{ m }}\n<|assistant|>\n");
    QCOMPARE(forgetlab::modelFolderTemplate(dir.string()), InstructionTemplate::Tulu);
    err = errorOf([&] { resolveInstructionTemplate("model", ""); });
    QVERIFY2(contains(err, "needs a model folder"), err.c_str());
}

void TestInstructionData::arithmeticGenerator() {
    const std::vector<InstructionExample> a = generateInstructions("arithmetic", 400, 7);
    const std::vector<InstructionExample> b = generateInstructions("arithmetic", 400, 7);
    const std::vector<InstructionExample> c = generateInstructions("arithmetic", 400, 8);
    QCOMPARE(a.size(), size_t(400));
    bool differs = false;
    std::set<std::string> questions;
    std::set<char> ops;
    for (size_t i = 0; i < a.size(); ++i) {
        QCOMPARE(a[i].context[0].content, b[i].context[0].content);
        QCOMPARE(a[i].response, b[i].response);
        differs = differs || a[i].context[0].content != c[i].context[0].content;
        QCOMPARE(a[i].context.size(), size_t(1));
        QCOMPARE(a[i].context[0].role, std::string("user"));
        questions.insert(a[i].context[0].content);
        // "What is A op B?" -> the exact result.
        long x = 0, y = 0;
        char op = 0;
        QCOMPARE(std::sscanf(a[i].context[0].content.c_str(), "What is %ld %c %ld?", &x, &op, &y),
                 3);
        ops.insert(op);
        long expected = op == '+' ? x + y : op == '-' ? x - y : op == '*' ? x * y : x / y;
        if (op == '/') {
            QVERIFY(y >= 1 && x % y == 0);
        }
        QVERIFY(x >= 0 && y >= 0 && expected >= 0);
        QCOMPARE(a[i].response, std::to_string(expected));
    }
    QVERIFY(differs);
    QCOMPARE(questions.size(), size_t(400));  // distinct
    QCOMPARE(ops, (std::set<char>{'+', '-', '*', '/'}));
    QCOMPARE(instructionGeneratorNames(), (std::vector<std::string>{"arithmetic"}));
    // The first example for seed 7 stays what it is on every platform.
    QCOMPARE(generateInstructions("arithmetic", 1, 7)[0].context[0].content,
             a[0].context[0].content);
}

void TestInstructionData::instructionErrorsNameFileAndLine() {
    const fs::path file = path("bad.jsonl");
    const std::string f = file.string();
    writeFile(
        file,
        "{\"prompt\": \"ok\", \"response\": \"fine\"}\n"                // 1
        "not json\n"                                                    // 2
        "{\"instruction\": 5, \"output\": \"x\"}\n"                     // 3
        "{\"foo\": 1, \"bar\": 2}\n"                                    // 4
        "{\"messages\": [{\"role\": \"tool\", \"content\": \"x\"}]}\n"  // 5
        "{\"messages\": [{\"role\": \"user\", \"content\": \"u\"}, {\"role\": "
        "\"system\", \"content\": \"s\"}, {\"role\": \"assistant\", \"content\": \"a\"}]}\n"  // 6
        "{\"messages\": [{\"role\": \"user\", \"content\": \"u\"}]}\n"                        // 7
        "[1, 2]\n"                                                                            // 8
        "{\"prompt\": \"p\"}\n"                                                               // 9
        "{\"messages\": [{\"role\": \"assistant\", \"content\": \"a\"}]}\n"                   // 10
        "{\"messages\": [{\"role\": \"user\", \"content\": null}]}\n"                         // 11
        "{\"instruction\": \"i\", \"input\": [], \"output\": \"o\"}\n"                        // 12
        "{\"messages\": \"hi\"}\n");                                                          // 13
    const TextSourceSummary s = inspectInstructionFile(f);
    QCOMPARE(s.examples, int64_t(1));
    const std::vector<std::string> expected = {
        f + ":2: not JSON (",
        f + ":3: \"instruction\" is a number, expected a string",
        f + ":4: none of the known shapes (keys: bar, foo); expected \"instruction\" and "
            "\"output\" (\"input\" optional), \"prompt\" and \"response\", or \"messages\"",
        f + ":5: messages[0].role is \"tool\"; expected \"system\", \"user\" or \"assistant\"",
        f + ":6: messages[1] is a system message; a system message may only come first",
        f + ":7: \"messages\" has no assistant message (the response to train on)",
        f + ":8: an array, expected a JSON object",
        f + ":9: no \"response\" field",
        f + ":10: \"messages\" has no user message before its last assistant message",
        f + ":11: messages[0]: \"content\" is null, expected a string",
        f + ":12: \"input\" is an array, expected a string",
        f + ":13: \"messages\" is a string, expected an array"};
    QCOMPARE(s.problems.size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i)
        QVERIFY2(s.problems[i].rfind(expected[i], 0) == 0, s.problems[i].c_str());
    // read throws all of them together, one per line.
    const std::string err = errorOf([&] { readInstructionFile(f); });
    QCOMPARE(size_t(std::count(err.begin(), err.end(), '\n')), expected.size() - 1);
    QVERIFY(contains(err, f + ":13:"));
}

void TestInstructionData::utf8ErrorsNameByteOffset() {
    // Line 1 is 10 bytes + "\n"; on line 2 the bad byte 0xFF follows `{"text": "` (10 bytes):
    // offset 11 + 10.
    const fs::path jsonl = path("latin1.jsonl");
    writeFile(jsonl,
              "{\"a\": \"b\"}\n{\"text\": \"\xFF\"}\n{\"text\": \"caf\xC3\xA9\"}\n"
              "{\"text\": \"caf\xE9\"}\n");
    TextSourceSummary s = inspectTextFiles(jsonl.string(), TextSplit::Document);
    QCOMPARE(s.examples, int64_t(1));
    QCOMPARE(s.problems.size(), size_t(3));
    QVERIFY2(contains(s.problems[0], jsonl.string() + ":1: no \"text\" field"),
             s.problems[0].c_str());
    QVERIFY2(
        contains(s.problems[1], jsonl.string() + ":2: not UTF-8 at byte offset 21 (byte 0xFF)"),
        s.problems[1].c_str());
    // Line 4 starts at 11 + 14 + 18 = 43; the Latin-1 é follows `{"text": "caf` (13 bytes).
    QVERIFY2(
        contains(s.problems[2], jsonl.string() + ":4: not UTF-8 at byte offset 56 (byte 0xE9)"),
        s.problems[2].c_str());
    // The same in a .txt and in an instruction file.
    const fs::path txt = path("latin1.txt");
    writeFile(txt, "fine\nna\xEFve\n");
    s = inspectTextFiles(txt.string(), TextSplit::Line);
    QCOMPARE(s.problems.size(), size_t(1));
    QVERIFY2(contains(s.problems[0], txt.string() + ":2: not UTF-8 at byte offset 7"),
             s.problems[0].c_str());
    QVERIFY(contains(errorOf([&] { readTextFiles(txt.string(), TextSplit::Line); }),
                     "iconv -f latin1 -t utf-8"));
    const fs::path inst = path("latin1-inst.jsonl");
    writeFile(inst, "{\"prompt\": \"\xE9\", \"response\": \"r\"}\n");
    s = inspectInstructionFile(inst.string());
    QCOMPARE(s.problems.size(), size_t(1));
    QVERIFY2(contains(s.problems[0], inst.string() + ":1: not UTF-8 at byte offset 12"),
             s.problems[0].c_str());
}

void TestInstructionData::namedErrors() {
    // Empty data sets.
    writeFile(path("empty.jsonl"), "\n  \n");
    std::string err = errorOf([&] { readInstructionFile(path("empty.jsonl").string()); });
    QVERIFY2(contains(err, "empty.jsonl: no examples") && contains(err, "dataset is empty"),
             err.c_str());
    writeFile(path("blank.txt"), "\n \n\t\n");
    err = errorOf([&] { readTextFiles(path("blank.txt").string(), TextSplit::Paragraph); });
    QVERIFY2(contains(err, "blank.txt: no examples (every paragraph is blank)"), err.c_str());
    fs::create_directories(path("nothing"));
    writeFile(path("nothing") / "x.csv", "1,2\n");
    err = errorOf([&] { readTextFiles(path("nothing").string(), TextSplit::Line); });
    QVERIFY2(contains(err, "the folder has no .txt files"), err.c_str());
    err = errorOf([&] { readTextFiles(path("missing.txt").string(), TextSplit::Line); });
    QVERIFY2(contains(err, "missing.txt does not exist"), err.c_str());
    err = errorOf([&] { readInstructionFile(path("missing.jsonl").string()); });
    QVERIFY2(contains(err, "missing.jsonl does not exist"), err.c_str());
    err = errorOf([&] { readInstructionFile(path("nothing").string()); });
    QVERIFY2(contains(err, "nothing is not a file"), err.c_str());
    // Unknown names list the supported ones.
    err = errorOf([] { parseInstructionTemplate("vicuna"); });
    QVERIFY2(contains(err,
                      "unknown instruction template 'vicuna'; supported: alpaca, tulu, "
                      "chatml, llama2, plain, or model"),
             err.c_str());
    err = errorOf([] { parseTextSplit("sentence"); });
    QVERIFY2(contains(err, "use line, paragraph or document"), err.c_str());
    err = errorOf([] { generateInstructions("algebra", 10, 1); });
    QVERIFY2(contains(err, "unknown instruction generator 'algebra'; supported: arithmetic"),
             err.c_str());
    err = errorOf([] { generateInstructions("arithmetic", 0, 1); });
    QVERIFY2(contains(err, "asked for 0 examples"), err.c_str());
    err = errorOf([] { generateInstructions("arithmetic", 20000, 1); });
    QVERIFY2(contains(err, "only 15375 distinct questions"), err.c_str());
    // A JSONL text source whose field is missing or not a string.
    writeFile(path("field.jsonl"), "{\"text\": 3}\n\"just a string\"\n");
    const TextSourceSummary s = inspectTextFiles(path("field.jsonl").string(), TextSplit::Line);
    QCOMPARE(s.problems.size(), size_t(2));
    QVERIFY2(contains(s.problems[0], "field.jsonl:1: \"text\" is a number, expected a string"),
             s.problems[0].c_str());
    QVERIFY2(contains(s.problems[1], "field.jsonl:2: a string, expected an object"),
             s.problems[1].c_str());
}

void TestInstructionData::problemListIsCapped() {
    std::string bad;
    for (int i = 0; i < 30; ++i) bad += "nope\n";
    writeFile(path("many.jsonl"), bad);
    const TextSourceSummary s = inspectInstructionFile(path("many.jsonl").string());
    QCOMPARE(s.problems.size(), kMaxListedProblems + 1);
    QVERIFY2(contains(s.problems.back(), "... and 10 more problems in "),
             s.problems.back().c_str());
    QVERIFY(contains(s.problems[19], "many.jsonl:20: not JSON"));
}

QTEST_APPLESS_MAIN(TestInstructionData)
#include "test_instruction_data.moc"
