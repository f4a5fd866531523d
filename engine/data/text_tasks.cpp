#include "engine/data/internal/text_tasks.h"

#include <filesystem>
#include <stdexcept>

#include "engine/data/fortunes.h"
#include "engine/data/internal/instruction_tasks.h"
#include "engine/models/model_folder.h"

namespace forgetlab {
namespace fs = std::filesystem;

LanguageModelSetup resolveLanguageModel(const ModelConfig& m) {
    LanguageModelSetup out;
    const bool fromFolder = !m.checkpoint.empty();
    if (fromFolder) {
        const std::string cfgFile = (fs::path(m.checkpoint) / "config.json").string();
        if (!fs::exists(cfgFile))
            throw ModelFolderError("model.gpt.checkpoint: " + cfgFile +
                                   " does not exist; a model folder needs the Hugging Face "
                                   "config.json beside its weights");
        out.arch = readHfConfig(cfgFile);
    } else {
        out.arch = architectureFromSizes(m.family, m.n_layer, m.n_head, m.n_embd, m.context, 256);
    }
    if (m.context > out.arch.max_positions)
        throw std::runtime_error(
            "model.gpt.context is " + std::to_string(m.context) +
            " tokens but the checkpoint's context (n_positions / max_position_embeddings) is " +
            std::to_string(out.arch.max_positions) + ": lower the context");
    const std::string dir = m.tokenizer_dir.empty() ? m.checkpoint : m.tokenizer_dir;
    const int rows = fromFolder ? out.arch.vocab_size : 0;
    std::string kind = m.tokenizer;
    if (kind == "auto") kind = !dir.empty() && tokenizerKindOf(dir) != "none" ? "hf" : "byte";
    if (kind == "bpe") {
        const std::string vocab = (fs::path(dir) / "vocab.json").string();
        const std::string merges = (fs::path(dir) / "merges.txt").string();
        auto tok = Gpt2BpeTokenizer::load(vocab, merges, 0);
        if (rows > 0 && tok->vocabSize() > rows)
            throw TokenizerError(vocab + " has " + std::to_string(tok->vocabSize()) +
                                 " tokens but the model embeds only " + std::to_string(rows) +
                                 ": use the tokenizer that came with the model");
        out.tok.tokenizer = std::move(tok);
        out.tok.kind = "vocab.json+merges.txt";
        out.tok.source = vocab;
        out.tokenizer_dir = dir;
    } else if (kind == "hf") {
        if (dir.empty())
            throw TokenizerError(
                "model.gpt.tokenizer hf needs a folder: set "
                "model.gpt.tokenizer_dir or model.gpt.checkpoint");
        out.tok = loadTokenizerFolder(dir, rows);
        out.tokenizer_dir = dir;
    } else {
        out.tok.tokenizer = std::make_shared<ByteTokenizer>();
        out.tok.kind = "byte";
        if (fromFolder && out.arch.vocab_size < 256)
            throw std::runtime_error(
                "model.gpt.tokenizer: the checkpoint's vocab_size is " +
                std::to_string(out.arch.vocab_size) +
                ", too small for the byte tokenizer (256 ids) and the folder has no tokenizer "
                "files; put the model's tokenizer.json beside it");
    }
    out.tokenizer = out.tok.tokenizer;
    if (!fromFolder) out.arch.vocab_size = out.tokenizer->vocabSize();
    return out;
}

std::vector<int64_t> promptIds(const TokenizerSetup& tok, const std::string& text) {
    std::vector<int64_t> ids;
    if (tok.add_bos && tok.bos_id >= 0) ids.push_back(tok.bos_id);
    for (int id : tok.tokenizer->encode(text)) ids.push_back(id);
    return ids;
}

DataSplit encodeTexts(const std::vector<std::string>& texts, const TokenizerSetup& tok,
                      int context) {
    std::vector<int64_t> in, tg;
    int64_t rows = 0;
    for (const std::string& text : texts) {
        std::vector<int> ids = tok.tokenizer ? tok.encodeWithSpecials(text) : std::vector<int>{};
        if (ids.size() < 2) continue;
        if (ids.size() > size_t(context) + 1) ids.resize(size_t(context) + 1);
        const size_t n = ids.size() - 1;
        for (size_t t = 0; t < size_t(context); ++t) {
            in.push_back(t < n ? ids[t] : 0);
            tg.push_back(t < n ? ids[t + 1] : kIgnoreTarget);
        }
        ++rows;
    }
    DataSplit split;
    split.input = torch::tensor(in, torch::kInt64).reshape({rows, context});
    split.target = torch::tensor(tg, torch::kInt64).reshape({rows, context});
    return split;
}

Task buildTextTask(const TaskConfig& task, const LanguageModelSetup& lm, int context, int taskIndex,
                   unsigned seed, const std::string& fortuneRoot) {
    const size_t total = size_t(task.train_size) + size_t(task.test_size);
    const double testFraction = double(task.test_size) / double(total);
    const CorpusSplit corpus = loadFortuneCorpus(
        task.language, task.domains, uint64_t(seed) * 7919ULL + uint64_t(taskIndex) * 104729ULL,
        testFraction, total, fortuneRoot);
    Task t;
    t.name = "fortunes-" + task.language;
    if (!task.domains.empty()) {
        t.name += ":";
        for (size_t i = 0; i < task.domains.size(); ++i) t.name += (i ? "," : "") + task.domains[i];
    }
    t.head = 0;
    t.num_outputs = lm.arch.vocab_size;
    EncodedExamples train = encodeTextsCounted(corpus.train, lm.tok, context);
    EncodedExamples test = encodeTextsCounted(corpus.test, lm.tok, context);
    t.train = std::move(train.split);
    t.test = std::move(test.split);
    t.truncated = train.truncated + test.truncated;
    t.dropped = train.dropped + test.dropped;
    t.test_texts = corpus.test;
    if (t.train.size() == 0 || t.test.size() == 0)
        throw std::runtime_error(std::string(taskIndex == 0 ? "upstream" : "downstream") +
                                 ".task: the fortunes of '" + task.language +
                                 "' give no training or no test examples; add domains or raise "
                                 "train_size/test_size");
    return t;
}

std::string sanitizeUtf8(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    const char* kReplacement = "\xEF\xBF\xBD";
    size_t i = 0;
    while (i < s.size()) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        int len = c < 0x80           ? 1
                  : (c >> 5) == 0x6  ? 2
                  : (c >> 4) == 0xE  ? 3
                  : (c >> 3) == 0x1E ? 4
                                     : 0;
        bool ok = len > 0 && i + size_t(len) <= s.size();
        for (int k = 1; ok && k < len; ++k)
            ok = (static_cast<unsigned char>(s[i + size_t(k)]) & 0xC0) == 0x80;
        if (ok && len > 1) {  // overlong forms, surrogates, beyond U+10FFFF
            const unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
            if ((len == 2 && c < 0xC2) || (c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0) ||
                (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90) || c > 0xF4)
                ok = false;
        }
        if (ok && c < 0x20 && c != '\n' && c != '\t') {  // control bytes show as U+FFFD too
            out += kReplacement;
            ++i;
            continue;
        }
        if (!ok) {
            out += kReplacement;
            ++i;
            continue;
        }
        out.append(s, i, size_t(len));
        i += size_t(len);
    }
    return out;
}

}  // namespace forgetlab
