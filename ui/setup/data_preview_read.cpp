// computeDataPreview (data_preview_loader.h): reads a task's examples for the preview, the
// way the engine reads them for a run, on whichever thread calls it. Images, tables and IDX
// pairs become thumbnails; text becomes the first examples with the loss span worked out by
// the engine's own tokenization (previewInstruction), so what is highlighted is what trains.

#include <QLocale>
#include <algorithm>
#include <cmath>
#include <exception>
#include <filesystem>
#include <map>
#include <memory>

#include "engine/data/data_files.h"
#include "engine/data/fashion_mnist.h"
#include "engine/data/fortunes.h"
#include "engine/data/text_sources.h"
#include "engine/data/tokenizer.h"
#include "ui/setup/data_preview_loader.h"

namespace forgetlab::ui {

namespace {

// Examples tokenized to count truncation; a bigger file says "of the first N".
constexpr size_t kCountedExamples = 20'000;
// Characters of one example shown (a "document" can be a whole book).
constexpr int kShownCharacters = 4'000;

const char* const kFashionNames[] = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                     "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

QString number(int64_t n) {
    return QLocale(QLocale::English, QLocale::UnitedStates).toString(qlonglong(n));
}

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

void addAll(QStringList& to, const std::vector<std::string>& from) {
    for (const std::string& s : from) to << qs(s);
}

// ---- Images and tables ---------------------------------------------------------------------

// Up to `max` example indices, the first of each wanted class, then the second of each, ...
std::vector<size_t> roundRobin(const std::vector<int64_t>& labels, const std::vector<int>& wanted,
                               int max) {
    std::map<int64_t, std::vector<size_t>> byClass;
    for (size_t i = 0; i < labels.size(); ++i) {
        const bool keep = wanted.empty() ||
                          std::find(wanted.begin(), wanted.end(), int(labels[i])) != wanted.end();
        if (keep && byClass[labels[i]].size() < size_t(max)) byClass[labels[i]].push_back(i);
    }
    std::vector<size_t> out;
    for (size_t round = 0; out.size() < size_t(max); ++round) {
        bool any = false;
        for (const auto& [label, indices] : byClass) {
            if (round >= indices.size() || out.size() >= size_t(max)) continue;
            out.push_back(indices[round]);
            any = true;
        }
        if (!any) break;
    }
    return out;
}

// A [C, H, W] example with values in [lo, hi] as an image (grey or RGB).
QImage imageOf(const float* v, int channels, int height, int width, float lo, float hi) {
    const float scale = hi > lo ? 255.0f / (hi - lo) : 0.0f;
    auto byte = [&](float x) {
        return uchar(std::clamp(std::lround((x - lo) * scale), long(0), long(255)));
    };
    QImage image(width, height, channels == 3 ? QImage::Format_RGB888 : QImage::Format_Grayscale8);
    for (int y = 0; y < height; ++y) {
        uchar* row = image.scanLine(y);
        for (int x = 0; x < width; ++x) {
            if (channels == 3) {
                for (int c = 0; c < 3; ++c) row[3 * x + c] = byte(v[(c * height + y) * width + x]);
            } else {
                row[x] = byte(v[y * width + x]);
            }
        }
    }
    return image;
}

// A table row as a picture: a square when the feature count is one (784 pixel columns),
// else a strip of cells.
QImage tableImage(const float* v, int features, float lo, float hi) {
    const int side = int(std::lround(std::sqrt(double(features))));
    if (side * side == features) return imageOf(v, 1, side, side, lo, hi);
    const int width = std::min(features, 64);
    const int height = (features + width - 1) / width;
    std::vector<float> padded(size_t(width) * size_t(height), lo);
    std::copy(v, v + features, padded.begin());
    return imageOf(padded.data(), 1, height, width, lo, hi);
}

QString caption(int label, const QStringList& names) {
    const QString name = label >= 0 && label < names.size() ? names.at(label) : QString();
    return name.isEmpty() || name == QString::number(label)
               ? QString::number(label)
               : QStringLiteral("%1 %2").arg(label).arg(name);
}

QString imageCounts(int64_t count, int64_t testCount, int classes, int64_t inTask,
                    const TaskConfig& task) {
    QString s = QStringLiteral("%1 examples in %2 classes").arg(number(count)).arg(classes);
    if (testCount > 0) s += QStringLiteral(" (%1 of them the test split)").arg(number(testCount));
    if (task.kind == "classes" && inTask >= 0)
        s += QStringLiteral("; the task's classes: %1").arg(number(inTask));
    return s;
}

// The task's wanted classes (kind classes) among `classes` ids; empty = all.
std::vector<int> wantedClasses(const TaskConfig& task) {
    return task.kind == "classes" ? task.classes : std::vector<int>{};
}

int64_t countIn(const std::vector<int64_t>& classCounts, const std::vector<int>& wanted) {
    int64_t n = 0;
    for (int k : wanted)
        if (k >= 0 && size_t(k) < classCounts.size()) n += classCounts[size_t(k)];
    return n;
}

void fashionPreview(const DataPreviewRequest& r, DataPreviewResult& out) {
    const auto data = loadFashionMnist(r.data_dir);
    for (const char* n : kFashionNames) out.class_names << QString::fromLatin1(n);
    std::vector<int64_t> labels(data->train_labels.begin(), data->train_labels.end());
    std::vector<int64_t> perClass(10, 0);
    for (int64_t l : labels) ++perClass[size_t(l)];
    for (uint8_t l : data->test_labels) ++perClass[l];
    const auto wanted = wantedClasses(r.task);
    out.counts = imageCounts(data->trainCount() + data->testCount(), data->testCount(), 10,
                             countIn(perClass, wanted), r.task);
    for (size_t i : roundRobin(labels, wanted, kPreviewThumbnails)) {
        const uint8_t* px = data->train_images.data() + i * FashionMnist::kPixels;
        QImage image(px, FashionMnist::kSide, FashionMnist::kSide, FashionMnist::kSide,
                     QImage::Format_Grayscale8);
        out.thumbnails.push_back(
            {image.copy(), int(labels[i]), caption(int(labels[i]), out.class_names)});
    }
}

// An IDX source: its bytes are thumbnails as they are, without converting 70,000 images to
// floats first.
void idxPreview(const DataPreviewRequest& r, DataPreviewResult& out) {
    const IdxPairPaths pair = idxPairFor(r.task.path);
    const IdxArray images = readIdx(pair.images);
    const IdxArray labelBytes = readIdx(pair.labels);
    std::vector<int64_t> labels(labelBytes.data.begin(), labelBytes.data.end());
    const int64_t height = images.dims.size() > 1 ? images.dims[1] : 1;
    const int64_t width = images.dims.size() > 2 ? images.dims[2] : 1;
    const int64_t pixels = height * width;
    for (size_t i : roundRobin(labels, wantedClasses(r.task), kPreviewThumbnails)) {
        if (int64_t(i + 1) * pixels > int64_t(images.data.size())) break;
        QImage image(images.data.data() + i * size_t(pixels), int(width), int(height), int(width),
                     QImage::Format_Grayscale8);
        out.thumbnails.push_back(
            {image.copy(), int(labels[i]), caption(int(labels[i]), out.class_names)});
    }
}

void imagePreview(const DataPreviewRequest& r, const std::string& src, DataPreviewResult& out) {
    out.kind = DataPreviewResult::Kind::Images;
    const TaskConfig& t = r.task;
    if (t.rotation != 0 || t.noise != 0 || t.label_permutation_seed != 0 || t.kind == "permuted")
        out.notes << QStringLiteral(
            "Shown as stored: the task's pixel permutation, rotation, noise and label shuffle "
            "are applied when the run builds it.");
    if (src == "fashion-mnist") return fashionPreview(r, out);
    if (t.path.empty()) {
        out.problems << QStringLiteral("Choose the %1 with Browse…")
                            .arg(src == "images"
                                     ? QStringLiteral("folder (one subfolder per class)")
                                 : src == "csv" ? QStringLiteral("CSV file")
                                                : QStringLiteral("IDX images file or folder"));
        return;
    }
    const DataSource ds = dataSourceOf(t);
    const DataSummary s = inspectDataSource(ds);
    addAll(out.class_names, s.class_names);
    addAll(out.notes, s.notes);
    addAll(out.problems, s.problems);
    out.counts = imageCounts(s.count, s.test_count, s.classes(),
                             countIn(s.class_counts, wantedClasses(t)), t);
    if (!s.ok()) return;
    if (src == "idx") return idxPreview(r, out);
    // Round-robin over every class, then the task's classes kept.
    const LabeledData d = previewDataSource(ds, 10 * kPreviewThumbnails);
    std::vector<size_t> chosen = roundRobin(d.labels, wantedClasses(t), kPreviewThumbnails);
    float lo = 0, hi = 1;
    if (src == "csv" && !d.values.empty()) {
        const auto [mn, mx] = std::minmax_element(d.values.begin(), d.values.end());
        lo = *mn;
        hi = *mx;
        out.notes << QStringLiteral(
                         "Each row is drawn as %1 grey cells (its %2 features, "
                         "darkest %3, lightest %4).")
                         .arg(d.summary.features)
                         .arg(d.summary.features)
                         .arg(double(lo))
                         .arg(double(hi));
    }
    for (size_t i : chosen) {
        const float* v = d.example(int64_t(i));
        const QImage image = src == "csv" ? tableImage(v, d.summary.features, lo, hi)
                                          : imageOf(v, d.summary.channels, d.summary.height,
                                                    d.summary.width, lo, hi);
        const int label = int(d.labels[i]);
        out.thumbnails.push_back({image, label, caption(label, out.class_names)});
    }
}

// ---- Text -----------------------------------------------------------------------------------

// The tokenizer a run would use (engine/data/internal/text_tasks.cpp resolves it the same
// way); bytes, with a note, when it cannot be read (the Model tab names the problem).
TokenizerSetup previewTokenizer(const ModelConfig& m, QStringList& notes) {
    const std::string dir = m.tokenizer_dir.empty() ? m.checkpoint : m.tokenizer_dir;
    std::string kind = m.tokenizer;
    try {
        if (kind == "auto") kind = !dir.empty() && tokenizerKindOf(dir) != "none" ? "hf" : "byte";
        if (kind == "bpe") {
            namespace fs = std::filesystem;
            TokenizerSetup s;
            s.tokenizer = Gpt2BpeTokenizer::load((fs::path(dir) / "vocab.json").string(),
                                                 (fs::path(dir) / "merges.txt").string());
            s.kind = "vocab.json+merges.txt";
            return s;
        }
        if (kind == "hf") return loadTokenizerFolder(dir);
    } catch (const std::exception& e) {
        notes << QStringLiteral(
                     "The model's tokenizer cannot be read (%1); the preview counts "
                     "bytes instead.")
                     .arg(qs(e.what()));
    }
    TokenizerSetup s;
    s.tokenizer = std::make_shared<ByteTokenizer>();
    s.kind = "byte";
    return s;
}

// QString position of a UTF-8 byte offset.
int position(const std::string& s, size_t byteOffset) {
    return int(QString::fromUtf8(s.data(), qsizetype(std::min(byteOffset, s.size()))).size());
}

PreviewExample shown(const std::string& text, size_t lossBegin, size_t lossEnd) {
    PreviewExample e;
    e.text = QString::fromStdString(text);
    e.loss_begin = position(text, lossBegin);
    e.loss_end = position(text, lossEnd);
    if (e.text.size() > kShownCharacters) {
        e.text = e.text.left(kShownCharacters) + QStringLiteral(" […]");
        e.loss_begin = std::min(e.loss_begin, kShownCharacters);
        e.loss_end = std::min(e.loss_end, kShownCharacters);
    }
    return e;
}

// Plain text trains on every token (the first is only an input): the loss span is the text
// the context keeps.
PreviewExample plainExample(const std::string& text, const TokenizerSetup& tok, int context) {
    const std::vector<int> ids = tok.encodeWithSpecials(text);
    const size_t keep = size_t(std::max(context, 1)) + 1;
    size_t end = text.size();
    const bool truncated = ids.size() > keep;
    if (truncated) {
        const std::vector<int> body = tok.tokenizer->encode(text);
        const size_t specials = tok.add_bos && tok.bos_id >= 0 ? 1 : 0;
        const size_t n = std::min(body.size(), keep > specials ? keep - specials : 0);
        end = std::min(
            text.size(),
            tok.tokenizer->decode(std::vector<int>(body.begin(), body.begin() + n)).size());
    }
    PreviewExample e = shown(text, 0, ids.size() < 2 ? 0 : end);
    e.truncated = truncated;
    e.dropped = ids.size() < 2;
    e.tokens = int(ids.size());
    e.counted = e.dropped ? 0 : int(std::min(ids.size(), keep) - 1);
    return e;
}

void textCounts(const std::vector<std::string>& texts, const TokenizerSetup& tok, int context,
                DataPreviewResult& out) {
    int64_t truncated = 0, dropped = 0;
    const size_t n = std::min(texts.size(), kCountedExamples);
    for (size_t i = 0; i < n; ++i) {
        const size_t ids = tok.encodeWithSpecials(texts[i]).size();
        truncated += ids > size_t(context) + 1;
        dropped += ids < 2;
    }
    out.counts += QStringLiteral("; %1 longer than the context (%2 tokens), cut")
                      .arg(number(truncated))
                      .arg(context);
    if (dropped) out.counts += QStringLiteral("; %1 too short to train on").arg(number(dropped));
    if (n < texts.size()) out.counts += QStringLiteral(" (of the first %1)").arg(number(n));
}

void plainPreview(const std::vector<std::string>& texts, const TokenizerSetup& tok, int context,
                  DataPreviewResult& out) {
    for (size_t i = 0; i < texts.size() && out.examples.size() < kPreviewExamples; ++i)
        out.examples.push_back(plainExample(texts[i], tok, context));
    textCounts(texts, tok, context, out);
}

void instructionPreview(const std::vector<InstructionExample>& examples, InstructionTemplate t,
                        const TokenizerSetup& tok, int context, DataPreviewResult& out) {
    for (size_t i = 0; i < examples.size() && out.examples.size() < kPreviewExamples; ++i) {
        const InstructionPreview p = previewInstruction(examples[i], t, tok, context);
        PreviewExample e = shown(p.text, p.loss_begin, p.loss_end);
        e.truncated = p.truncated;
        e.dropped = p.dropped;
        e.tokens = int(p.tokens);
        e.counted = int(p.counted_tokens);
        out.examples.push_back(e);
    }
    int64_t truncated = 0, dropped = 0;
    const size_t n = std::min(examples.size(), kCountedExamples);
    for (size_t i = 0; i < n; ++i) {
        const TokenizedInstruction ids = tokenizeInstruction(examples[i], t, tok, context);
        truncated += ids.truncated && !ids.dropped;
        dropped += ids.dropped;
    }
    out.counts += QStringLiteral("; %1 truncated to the context (%2 tokens)")
                      .arg(number(truncated))
                      .arg(context);
    if (dropped)
        out.counts += QStringLiteral("; %1 dropped (no response token fits)").arg(number(dropped));
    if (n < examples.size()) out.counts += QStringLiteral(" (of the first %1)").arg(number(n));
}

void fortunePreview(const DataPreviewRequest& r, const TokenizerSetup& tok, int context,
                    DataPreviewResult& out) {
    const auto domains = loadFortuneDomains(r.task.language, r.task.domains, r.text_dir);
    // The first fortune of each file, then the second of each, ...: every file shows.
    std::vector<std::string> all, firsts;
    for (size_t round = 0; firsts.size() < kPreviewExamples; ++round) {
        bool any = false;
        for (const FortuneDomain& d : domains)
            if (round < d.texts.size() && firsts.size() < kPreviewExamples) {
                firsts.push_back(d.texts[round]);
                any = true;
            }
        if (!any) break;
    }
    for (const FortuneDomain& d : domains) all.insert(all.end(), d.texts.begin(), d.texts.end());
    out.counts = QStringLiteral("%1 fortunes in %2 files")
                     .arg(number(int64_t(all.size())))
                     .arg(domains.size());
    for (const std::string& text : firsts) out.examples.push_back(plainExample(text, tok, context));
    textCounts(all, tok, context, out);
}

void textPreview(const DataPreviewRequest& r, const std::string& src, DataPreviewResult& out) {
    out.kind = DataPreviewResult::Kind::Text;
    const TaskConfig& t = r.task;
    const int context = std::max(r.model.context, 1);
    const TokenizerSetup tok = previewTokenizer(r.model, out.notes);
    if (src == "fortunes") return fortunePreview(r, tok, context, out);
    if (src != "generated" && t.path.empty()) {
        out.problems << (src == "files"
                             ? QStringLiteral("Choose a .txt file, a folder of them or a .jsonl "
                                              "file with Browse…")
                             : QStringLiteral("Choose a .jsonl file of instructions with Browse…"));
        return;
    }
    if (src == "files") {
        const TextSplit split = parseTextSplit(t.split);
        const TextSourceSummary s = inspectTextFiles(t.path, split, t.text_field);
        addAll(out.notes, s.notes);
        addAll(out.problems, s.problems);
        out.counts = QStringLiteral("%1 examples (by %2) in %3 files")
                         .arg(number(s.examples), qs(t.split))
                         .arg(number(s.files));
        if (!s.ok()) return;
        return plainPreview(readTextFiles(t.path, split, t.text_field), tok, context, out);
    }
    const InstructionTemplate tmpl =
        resolveInstructionTemplate(t.chat_template, r.model.checkpoint);
    if (t.chat_template == "model")
        out.notes << QStringLiteral("The model folder's template is %1.")
                         .arg(qs(instructionTemplateName(tmpl)));
    if (src == "instruction") {
        const TextSourceSummary s = inspectInstructionFile(t.path);
        addAll(out.notes, s.notes);
        addAll(out.problems, s.problems);
        out.counts = QStringLiteral("%1 examples").arg(number(s.examples));
        if (!s.ok()) return;
        return instructionPreview(readInstructionFile(t.path), tmpl, tok, context, out);
    }
    const size_t count =
        std::max<size_t>(1, size_t(std::max(0, t.train_size)) + size_t(std::max(0, t.test_size)));
    const auto examples = generateInstructions(t.generator, count, r.seed);
    out.counts = QStringLiteral("%1 generated examples (%2)")
                     .arg(number(int64_t(examples.size())), qs(t.generator));
    instructionPreview(examples, tmpl, tok, context, out);
}

}  // namespace

DataPreviewResult computeDataPreview(const DataPreviewRequest& r) {
    DataPreviewResult out;
    const std::string src = taskSource(r.task);
    out.source = qs(src);
    static const char* const known[] = {"fortunes",      "files",  "instruction", "generated",
                                        "fashion-mnist", "images", "csv",         "idx"};
    if (std::none_of(std::begin(known), std::end(known), [&](const char* k) { return src == k; })) {
        out.problems << QStringLiteral("unknown source '%1'").arg(out.source);
        return out;
    }
    try {
        if (isTextSource(src)) {
            textPreview(r, src, out);
        } else {
            imagePreview(r, src, out);
        }
    } catch (const std::exception& e) {
        out.problems << qs(e.what());
    } catch (...) {
        out.problems << QStringLiteral("the data could not be read");
    }
    return out;
}

}  // namespace forgetlab::ui
