#include "ui/setup/model_folder_panel.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QFile>
#include <QFormLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLocale>
#include <algorithm>
#include <map>

namespace forgetlab::ui {

namespace {

QString tr(const char* text) {
    return QCoreApplication::translate("ModelFolderSummary", text);
}

// "modified size" of a file, or "-" when it is not there.
QString fileStamp(const QString& path) {
    const QFileInfo f(path);
    if (!f.exists()) return QStringLiteral("-");
    return QString::number(f.lastModified().toMSecsSinceEpoch()) + QLatin1Char(' ') +
           QString::number(f.size());
}

QString weightsText(const ModelFolderInfo& info) {
    const QString size = QString::fromStdString(formatBytes(info.weight_bytes));
    const QString dtype = QString::fromStdString(info.dtype.empty() ? "no tensors" : info.dtype);
    const QString file = QString::fromStdString(info.weights_file);
    if (info.shards == 1) return tr("%1, %2 in %3").arg(dtype, size, file);
    return tr("%1, %2 in %3 shards (%4)").arg(dtype, size).arg(info.shards).arg(file);
}

QString tokenizerText(const ModelFolderInfo& info, const std::string& choice) {
    const QString kind = QString::fromStdString(info.tokenizer_kind);
    const bool none = info.tokenizer_kind == "none";
    if (choice == "auto")
        return none ? tr("none in the folder: auto uses bytes") : tr("%1 (auto uses it)").arg(kind);
    if (choice == "hf")
        return none ? tr("none in the folder: set the tokenizer folder")
                    : tr("%1 (used unless the tokenizer folder names another)").arg(kind);
    if (choice == "byte")
        return none ? tr("none (the run uses bytes)")
                    : tr("%1 (unused: the run uses bytes)").arg(kind);
    return none ? tr("none") : kind;
}

// The vocabulary of a tokenizer.json: its model's vocabulary, or the highest added token
// id + 1 when that is larger.
std::optional<int> tokenizerJsonEntries(const QJsonObject& o) {
    const QJsonValue vocab =
        o.value(QLatin1String("model")).toObject().value(QLatin1String("vocab"));
    int entries = vocab.isObject()  ? int(vocab.toObject().size())
                  : vocab.isArray() ? int(vocab.toArray().size())
                                    : -1;
    if (entries < 0) return std::nullopt;
    for (const QJsonValue& t : o.value(QLatin1String("added_tokens")).toArray())
        entries = std::max(entries, t.toObject().value(QLatin1String("id")).toInt(-1) + 1);
    return entries;
}

}  // namespace

QString groupedCount(int64_t n) {
    return QLocale(QLocale::English, QLocale::UnitedStates).toString(qlonglong(n));
}

QString shortCount(int64_t n) {
    return n >= 1'000'000'000 ? QStringLiteral("%1 B").arg(double(n) / 1e9, 0, 'f', 2)
           : n >= 1'000'000   ? QStringLiteral("%1 M").arg(double(n) / 1e6, 0, 'f', 2)
                              : QStringLiteral("%1 k").arg(double(n) / 1e3, 0, 'f', 1);
}

QString familyTitle(const std::string& family) {
    static const std::map<std::string, const char*> titles = {{"gpt2", "GPT-2"},
                                                              {"llama", "Llama"},
                                                              {"mistral", "Mistral"},
                                                              {"qwen2", "Qwen2"},
                                                              {"gpt_neox", "GPT-NeoX (Pythia)"},
                                                              {"olmo", "OLMo"},
                                                              {"olmo2", "OLMo-2"}};
    const auto it = titles.find(family);
    return it == titles.end() ? QString::fromStdString(family) : QString::fromUtf8(it->second);
}

QString loraTargetToolTip(const std::string& family, const std::string& name) {
    static const std::map<std::string, const char*> gpt2 = {
        {"attn.c_attn", "Attention's fused query/key/value projection (E → 3E)"},
        {"attn.c_proj", "Attention's output projection (E → E)"},
        {"mlp.c_fc", "The MLP's expansion (E → 4E)"},
        {"mlp.c_proj", "The MLP's contraction (4E → E)"}};
    static const std::map<std::string, const char*> neox = {
        {"query_key_value", "Attention's fused query/key/value projection (E → 3E)"},
        {"dense", "Attention's output projection (E → E)"},
        {"dense_h_to_4h", "The MLP's expansion (E → 4E)"},
        {"dense_4h_to_h", "The MLP's contraction (4E → E)"}};
    static const std::map<std::string, const char*> llama = {
        {"q_proj", "Attention's query projection (E → heads × head size)"},
        {"k_proj", "Attention's key projection (E → key/value heads × head size)"},
        {"v_proj", "Attention's value projection (E → key/value heads × head size)"},
        {"o_proj", "Attention's output projection (heads × head size → E)"},
        {"gate_proj", "The MLP's gate (E → MLP width; SwiGLU)"},
        {"up_proj", "The MLP's up projection (E → MLP width)"},
        {"down_proj", "The MLP's down projection (MLP width → E)"}};
    const auto& table = family == "gpt2" ? gpt2 : family == "gpt_neox" ? neox : llama;
    const auto it = table.find(name);
    if (it == table.end() || !isSupportedFamily(family))
        return tr("Not a module of %1 models: uncheck it").arg(familyTitle(family));
    return tr(it->second);
}

QString ModelFolderReader::stamp(const QString& dir) const {
    const QDir d(dir);
    QString s = fileStamp(dir);  // the folder itself: a shard added or removed
    for (const char* name : {"config.json", "model.safetensors", "model.safetensors.index.json",
                             "tokenizer.json", "tokenizer.model", "vocab.json"})
        s += QLatin1Char('|') + fileStamp(d.filePath(QString::fromLatin1(name)));
    return s;
}

const FolderReading& ModelFolderReader::read(const QString& dir) {
    const QString now = stamp(dir);
    if (m_valid && m_last.dir == dir && m_lastStamp == now) return m_last;
    FolderReading r;
    r.dir = dir;
    const std::string path = QDir::cleanPath(dir).toStdString();
    try {
        r.info = inspectModelFolder(path);
        r.arch = r.info->arch;
    } catch (const std::exception& e) {
        r.error = QString::fromStdString(e.what());
        // The sizes may still be known when only the weights are the problem.
        const QString config = QDir(dir).filePath(QStringLiteral("config.json"));
        if (QFileInfo(config).isFile()) {
            try {
                r.arch = readHfConfig(config.toStdString());
            } catch (const std::exception&) {
                // The same problem: r.error names it already.
            }
        }
    }
    m_last = std::move(r);
    m_lastStamp = now;
    m_valid = true;
    return m_last;
}

std::optional<int> TokenizerVocabulary::entries(const QString& dir, bool hf) {
    QString file = QDir(dir).filePath(QStringLiteral("vocab.json"));
    if (hf && QFileInfo(QDir(dir).filePath(QStringLiteral("tokenizer.json"))).isFile())
        file = QDir(dir).filePath(QStringLiteral("tokenizer.json"));
    const QFileInfo info(file);
    if (!info.isFile()) return std::nullopt;
    const qint64 modified = info.lastModified().toMSecsSinceEpoch();
    const auto cached = m_cache.constFind(file);
    if (cached != m_cache.cend() && cached->first == modified) return cached->second;
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) return std::nullopt;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll());
    if (!doc.isObject()) return std::nullopt;
    const std::optional<int> entries = info.fileName() == QLatin1String("tokenizer.json")
                                           ? tokenizerJsonEntries(doc.object())
                                           : std::optional<int>(int(doc.object().size()));
    if (!entries) return std::nullopt;
    m_cache.insert(file, {modified, *entries});
    return entries;
}

ModelFolderSummary::ModelFolderSummary(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("modelFolderSummary"));
    m_form = new QFormLayout(this);
    m_form->setContentsMargins(8, 6, 8, 6);
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_form->setLabelAlignment(Qt::AlignRight | Qt::AlignTop);
    m_form->setHorizontalSpacing(10);
    m_form->setVerticalSpacing(2);
    setAutoFillBackground(false);
    setAttribute(Qt::WA_StyledBackground, true);
    setStyleSheet(
        QStringLiteral("#modelFolderSummary { background: #f5f7f8; border: 1px solid #dde3e6; "
                       "border-radius: 4px; } #modelFolderSummary QLabel { color: #263238; }"));
    addValue(QStringLiteral("family"), tr("Family"),
             tr("config.json's model_type: which architecture ForgetLab builds"));
    addValue(QStringLiteral("layers"), tr("Layers"), tr("Transformer blocks"));
    addValue(QStringLiteral("hidden"), tr("Hidden size"),
             tr("Width of the embeddings and of every block, and the MLP's width"));
    addValue(QStringLiteral("heads"), tr("Heads"),
             tr("Attention heads; fewer key/value heads than query heads is grouped-query "
                "attention"));
    addValue(QStringLiteral("context"), tr("Context"),
             tr("The most positions the model was built for (max_position_embeddings)"));
    addValue(QStringLiteral("vocabulary"), tr("Vocabulary"), tr("Rows of the token embedding"));
    addValue(QStringLiteral("parameters"), tr("Parameters"),
             tr("Every weight of the model, tied embeddings counted once"));
    addValue(QStringLiteral("weights"), tr("Weights"),
             tr("The safetensors files: their data type, size and number of files"));
    addValue(QStringLiteral("tokenizer"), tr("Tokenizer"),
             tr("The tokenizer files in the folder, and whether the run uses them"));
    addValue(QStringLiteral("trainable"), tr("Trainable"),
             tr("What fine-tuning trains: LoRA's adapters (rank and targets from the LoRA box) "
                "or every weight"));
}

QLabel* ModelFolderSummary::addValue(const QString& key, const QString& label,
                                     const QString& toolTip) {
    auto* value = new QLabel;
    value->setObjectName(QStringLiteral("modelFolder.") + key);
    value->setWordWrap(true);
    value->setTextFormat(Qt::PlainText);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    value->setToolTip(toolTip);
    auto* name = new QLabel(label + QLatin1Char(':'));
    name->setToolTip(toolTip);
    name->setStyleSheet(QStringLiteral("QLabel { color: #546e7a; }"));
    m_form->addRow(name, value);
    m_rows.emplace_back(key, value);
    return value;
}

void ModelFolderSummary::showFolder(const ModelFolderInfo& info, const std::string& tokenizer,
                                    const QString& trainable) {
    const LmArchitecture& a = info.arch;
    const auto set = [this](const char* key, const QString& text) {
        for (auto& [k, label] : m_rows)
            if (k == QLatin1String(key)) label->setText(text);
    };
    set("family", tr("%1 (%2)").arg(familyTitle(a.family), QString::fromStdString(a.family)));
    set("layers", QString::number(a.num_layers));
    set("hidden",
        tr("%1 (MLP %2)").arg(groupedCount(a.hidden_size), groupedCount(a.intermediate_size)));
    QString heads =
        a.num_kv_heads != a.num_heads
            ? tr("%1 query, %2 key/value (grouped-query)").arg(a.num_heads).arg(a.num_kv_heads)
            : QString::number(a.num_heads);
    heads += tr(", head size %1").arg(a.head_dim);
    set("heads", heads);
    QString context = tr("%1 tokens").arg(groupedCount(a.max_positions));
    if (a.rope_scaling != "none")
        context += tr(", rope scaling %1 × %2")
                       .arg(QString::fromStdString(a.rope_scaling))
                       .arg(a.rope_factor);
    if (a.sliding_window > 0)
        context += tr(", sliding window %1").arg(groupedCount(a.sliding_window));
    set("context", context);
    set("vocabulary", groupedCount(a.vocab_size));
    set("parameters",
        tr("%1 (%2)").arg(groupedCount(info.parameters), shortCount(info.parameters)));
    set("weights", weightsText(info));
    set("tokenizer", tokenizerText(info, tokenizer));
    set("trainable", trainable.isEmpty()
                         ? tr("every weight: %1 (LoRA off)").arg(groupedCount(info.parameters))
                         : trainable);
}

QString ModelFolderSummary::text() const {
    QStringList lines;
    for (const auto& [key, label] : m_rows) {
        auto* name = qobject_cast<QLabel*>(m_form->labelForField(label));
        lines << (name ? name->text() : key) + QLatin1Char(' ') + label->text();
    }
    return lines.join(QLatin1Char('\n'));
}

QString ModelFolderSummary::value(const QString& key) const {
    for (const auto& [k, label] : m_rows)
        if (k == key) return label->text();
    return {};
}

}  // namespace forgetlab::ui
