#include "ui/setup/model_editor.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>

#include "ui/common/form_helpers.h"
#include "ui/common/number_field.h"

namespace forgetlab::ui {

namespace {

// Input and output width of a LoRA target, in multiples of the embedding width.
std::optional<std::pair<int, int>> targetShape(const std::string& name) {
    if (name == "attn.c_attn") return std::make_pair(1, 3);
    if (name == "attn.c_proj") return std::make_pair(1, 1);
    if (name == "mlp.c_fc") return std::make_pair(1, 4);
    if (name == "mlp.c_proj") return std::make_pair(4, 1);
    return std::nullopt;
}

QString count(int64_t n) {
    // Grouped the same way everywhere ("842,496"), whatever the system locale.
    return QLocale(QLocale::English, QLocale::UnitedStates).toString(qlonglong(n));
}

QString millions(int64_t n) {
    return n >= 1'000'000'000 ? QStringLiteral("%1 B").arg(double(n) / 1e9, 0, 'f', 2)
           : n >= 1'000'000   ? QStringLiteral("%1 M").arg(double(n) / 1e6, 0, 'f', 2)
                              : QStringLiteral("%1 k").arg(double(n) / 1e3, 0, 'f', 1);
}

QLabel* noteLabel(const char* name) {
    auto* label = new QLabel;
    label->setObjectName(QString::fromLatin1(name));
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setStyleSheet(QStringLiteral("QLabel { color: #37474f; }"));
    return label;
}

}  // namespace

int64_t gptParameterCount(int64_t layers, int64_t embd, int64_t context, int64_t vocab) {
    return vocab * embd + context * embd + layers * (12 * embd * embd + 13 * embd) + 2 * embd;
}

int64_t loraParameterCount(int64_t layers, int64_t embd, int64_t rank,
                           const std::vector<std::string>& targets) {
    int64_t perLayer = 0;
    std::vector<std::string> seen;
    for (const std::string& t : targets) {
        if (std::find(seen.begin(), seen.end(), t) != seen.end()) continue;
        seen.push_back(t);
        if (const auto shape = targetShape(t))
            perLayer += rank * (shape->first + shape->second) * embd;
    }
    return layers * perLayer;
}

const std::vector<std::string>& loraTargetNames() {
    static const std::vector<std::string> names = {"attn.c_attn", "attn.c_proj", "mlp.c_fc",
                                                   "mlp.c_proj"};
    return names;
}

ModelEditor::ModelEditor(FieldErrors& errors, QWidget* parent)
    : ConfigEditor(QStringLiteral("model"), errors, parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setSpacing(8);
    auto* top = new QWidget;
    QFormLayout* form = newForm(top);
    form->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(top);

    m_kind = makeChoice({{"mlp", tr("MLP (fully connected)")},
                         {"cnn", tr("CNN (convolutional)")},
                         {"gpt", tr("GPT (decoder-only transformer, text)")}});
    m_head = makeChoice({{"shared", tr("shared (class-incremental)")},
                         {"multi", tr("one per task (task-incremental)")}});
    addRow(form, tr("Architecture"), QStringLiteral("kind"), m_kind,
           tr("MLP and CNN classify Fashion-MNIST images; GPT is a language model trained on "
              "text tasks (fortunes)"));
    addRow(form, tr("Output head"), QStringLiteral("head"), m_head,
           tr("A shared head must tell all classes apart; separate heads only those of a task. "
              "A language model has one output (the next token): shared"));

    // Classifiers.
    QFormLayout* classifier =
        addSection(layout, tr("Classifier (MLP, CNN)"), QString(), &m_classifierBox);
    m_hidden = new QLineEdit;
    m_hidden->setPlaceholderText(QStringLiteral("256, 256"));
    m_activation = makeChoice({{"relu", QStringLiteral("ReLU")},
                               {"tanh", QStringLiteral("tanh")},
                               {"gelu", QStringLiteral("GELU")}});
    m_channels = new QLineEdit;
    m_channels->setPlaceholderText(QStringLiteral("16, 32"));
    addRow(classifier, tr("Hidden widths"), QStringLiteral("hidden"), m_hidden,
           tr("Units of each hidden layer, separated by commas"));
    addRow(classifier, tr("Activation"), QStringLiteral("activation"), m_activation);
    addRow(classifier, tr("Conv channels"), QStringLiteral("channels"), m_channels,
           tr("Channels of each convolution block (CNN only)"));

    // Language model.
    QFormLayout* gpt = addSection(
        layout, tr("Language model (GPT)"),
        tr("A GPT-2 style transformer that predicts the next token. It is pre-trained on the "
           "upstream text (or loaded from a checkpoint) and fine-tuned on the downstream text."),
        &m_gptBox);
    m_layers = makeIntSpin(0, 1000);
    m_heads = makeIntSpin(0, 1000);
    m_embd = makeIntSpin(0, 100'000);
    m_embd->setSingleStep(32);
    m_context = makeIntSpin(0, 100'000);
    m_context->setSingleStep(32);
    m_tokenizer = makeChoice({{"byte", tr("bytes (256 symbols, no files)")},
                              {"bpe", tr("GPT-2 BPE (vocab.json + merges.txt)")}});
    m_tokenizerDir = new QLineEdit;
    m_tokenizerDir->setPlaceholderText(tr("the checkpoint folder"));
    m_checkpoint = new QLineEdit;
    m_checkpoint->setPlaceholderText(tr("none: pre-train from scratch"));
    addRow(gpt, tr("Layers"), QStringLiteral("gpt.n_layer"), m_layers,
           tr("Transformer blocks (1-48)"));
    addRow(gpt, tr("Attention heads"), QStringLiteral("gpt.n_head"), m_heads,
           tr("Attention heads per block; the embedding width must be divisible by it"));
    addRow(gpt, tr("Embedding width"), QStringLiteral("gpt.n_embd"), m_embd,
           tr("Width of the token embeddings and of every block"));
    addRow(gpt, tr("Context (tokens)"), QStringLiteral("gpt.context"), m_context,
           tr("Tokens per training window: the most the model attends to at once"));
    addRow(gpt, tr("Tokenizer"), QStringLiteral("gpt.tokenizer"), m_tokenizer,
           tr("Bytes need no files and fit any text; BPE is GPT-2's tokenizer (needed for "
              "GPT-2 checkpoints)"));
    m_tokenizerDirRow = addFolderRow(
        gpt, tr("Tokenizer folder"), QStringLiteral("gpt.tokenizer_dir"), m_tokenizerDir,
        tr("Folder with vocab.json and merges.txt (BPE only); empty = the checkpoint "
           "folder"));
    addFolderRow(gpt, tr("Checkpoint folder"), QStringLiteral("gpt.checkpoint"), m_checkpoint,
                 tr("Folder with a Hugging Face GPT-2 config.json and model.safetensors to start "
                    "from (its config.json sets the sizes); empty = pre-train from scratch on the "
                    "upstream task"));
    m_parameters = noteLabel("gptParameters");
    gpt->addRow(tr("Size"), m_parameters);

    // LoRA.
    QFormLayout* lora = addSection(
        layout, tr("LoRA (fine-tuning adapters)"),
        tr("Fine-tune small low-rank adapters instead of all weights: the base model stays "
           "frozen, which often forgets less."),
        &m_loraBox);
    m_loraRank = makeIntSpin(0, 100'000);
    m_loraRank->setSpecialValueText(tr("off"));
    m_loraAlpha = new NumberField;
    m_targetsBox = new QWidget;
    auto* targetsLayout = new QGridLayout(m_targetsBox);
    targetsLayout->setContentsMargins(0, 0, 0, 0);
    targetsLayout->setHorizontalSpacing(12);
    targetsLayout->setVerticalSpacing(2);
    for (const std::string& name : loraTargetNames()) addTargetBox(name);
    addRow(lora, tr("Rank"), QStringLiteral("lora.rank"), m_loraRank,
           tr("Rank r of the adapters trained while fine-tuning; off (0) trains every weight"));
    addRow(lora, tr("Alpha"), QStringLiteral("lora.alpha"), m_loraAlpha,
           tr("Adapter scale α: the update added to a weight is α/r · A·B"));
    addRow(lora, tr("Targets"), QStringLiteral("lora.targets"), m_targetsBox,
           tr("The projections of every block that get adapters"));
    m_loraParameters = noteLabel("loraParameters");
    lora->addRow(tr("Trainable"), m_loraParameters);
    layout->addStretch(1);

    connect(this, &ConfigEditor::changed, this, &ModelEditor::refresh);
    refresh();
}

void ModelEditor::addTargetBox(const std::string& name) {
    const QString text = QString::fromStdString(name);
    auto* box = new QCheckBox(text);
    box->setObjectName(QStringLiteral("loraTarget.") + text);
    const auto shape = targetShape(name);
    box->setToolTip(!shape ? tr("Not a projection this version knows: uncheck it")
                    : name == "attn.c_attn"
                        ? tr("Attention's fused query/key/value projection (E → 3E)")
                    : name == "attn.c_proj" ? tr("Attention's output projection (E → E)")
                    : name == "mlp.c_fc"    ? tr("The MLP's expansion (E → 4E)")
                                            : tr("The MLP's contraction (4E → E)"));
    auto* grid = static_cast<QGridLayout*>(m_targetsBox->layout());
    const int index = static_cast<int>(m_targets.size());
    grid->addWidget(box, index / 2, index % 2);
    m_targets.emplace_back(name, box);
    connect(box, &QCheckBox::toggled, this, [this] { Q_EMIT changed(); });
}

std::vector<std::string> ModelEditor::checkedTargets() const {
    auto checked = [this](const std::string& name) {
        for (const auto& [n, box] : m_targets)
            if (n == name) return box->isChecked();
        return false;
    };
    std::vector<std::string> out;
    auto add = [&out](const std::string& name) {
        if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
    };
    for (const std::string& name : m_targetOrder)
        if (checked(name)) add(name);
    for (const auto& [name, box] : m_targets)
        if (box->isChecked()) add(name);
    return out;
}

std::optional<int> ModelEditor::vocabularySize(const QString& dir) const {
    const QString file = QDir(dir).filePath(QStringLiteral("vocab.json"));
    const QFileInfo info(file);
    if (!info.isFile()) return std::nullopt;
    const qint64 modified = info.lastModified().toMSecsSinceEpoch();
    const auto cached = m_vocabCache.constFind(file);
    if (cached != m_vocabCache.cend() && cached->first == modified) return cached->second;
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) return std::nullopt;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll());
    if (!doc.isObject()) return std::nullopt;
    const int entries = static_cast<int>(doc.object().size());
    m_vocabCache.insert(file, {modified, entries});
    return entries;
}

std::optional<ModelEditor::GptShape> ModelEditor::gptShape(QString* problem) const {
    GptShape shape;
    const QString checkpoint = m_checkpoint->text().trimmed();
    const bool bpe = choice(m_tokenizer) == "bpe";
    if (!checkpoint.isEmpty()) {
        QFile f(QDir(checkpoint).filePath(QStringLiteral("config.json")));
        if (!f.open(QIODevice::ReadOnly)) {
            *problem = tr("the checkpoint folder has no readable config.json");
            return std::nullopt;
        }
        const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
        const auto field = [&o](const char* key, const char* alternative = nullptr) {
            QJsonValue v = o.value(QLatin1String(key));
            if (v.isUndefined() && alternative) v = o.value(QLatin1String(alternative));
            return v.toInteger(-1);
        };
        shape.layers = field("n_layer");
        shape.embd = field("n_embd");
        shape.context = field("n_positions", "n_ctx");
        shape.vocab = field("vocab_size");
        if (shape.layers < 0 || shape.embd < 0 || shape.context < 0 || shape.vocab < 0) {
            *problem =
                tr("the checkpoint's config.json lacks n_layer, n_embd, n_positions or "
                   "vocab_size");
            return std::nullopt;
        }
        shape.source = tr("from the checkpoint's config.json");
        return shape;
    }
    shape.layers = m_layers->value();
    shape.embd = m_embd->value();
    shape.context = m_context->value();
    if (bpe) {
        const QString dir = m_tokenizerDir->text().trimmed();
        const auto vocab = dir.isEmpty() ? std::nullopt : vocabularySize(dir);
        if (!vocab) {
            *problem = tr("set the tokenizer folder (vocab.json) to count the parameters");
            return std::nullopt;
        }
        shape.vocab = *vocab;
    } else {
        shape.vocab = 256;
    }
    return shape;
}

QString ModelEditor::parameterText() const {
    return m_parameters->text();
}

QString ModelEditor::loraText() const {
    return m_loraParameters->text();
}

void ModelEditor::refresh() {
    const std::string kind = choice(m_kind);
    const bool gpt = kind == "gpt";
    m_classifierBox->setVisible(!gpt);
    m_classifierBox->setEnabled(!gpt);
    m_channels->setEnabled(kind == "cnn");
    m_gptBox->setVisible(gpt);
    m_gptBox->setEnabled(gpt);
    m_loraBox->setVisible(gpt);
    m_loraBox->setEnabled(gpt);
    // A language model needs the shared head; the box stays usable to fix another value.
    m_head->setEnabled(!gpt || choice(m_head) != "shared");
    const bool fromCheckpoint = !m_checkpoint->text().trimmed().isEmpty();
    m_layers->setEnabled(!fromCheckpoint);
    m_heads->setEnabled(!fromCheckpoint);
    m_embd->setEnabled(!fromCheckpoint);
    m_tokenizerDirRow->setEnabled(choice(m_tokenizer) == "bpe");
    const int rank = m_loraRank->value();
    m_loraAlpha->setEnabled(rank > 0);
    m_targetsBox->setEnabled(rank > 0);
    if (!gpt) return;

    QString problem;
    const auto shape = gptShape(&problem);
    if (!shape) {
        m_parameters->setText(problem);
        m_loraParameters->setText(rank > 0 ? problem : tr("off: fine-tuning trains every weight"));
        return;
    }
    const int64_t total =
        gptParameterCount(shape->layers, shape->embd, shape->context, shape->vocab);
    QString text = tr("%1 parameters (%2): %3 layers, width %4, %5 positions, vocabulary %6")
                       .arg(count(total), millions(total))
                       .arg(shape->layers)
                       .arg(shape->embd)
                       .arg(shape->context)
                       .arg(count(shape->vocab));
    if (!shape->source.isEmpty()) text += QStringLiteral(" (") + shape->source + ')';
    m_parameters->setText(text);
    if (rank <= 0) {
        m_loraParameters->setText(
            tr("off: fine-tuning trains all %1 parameters").arg(count(total)));
        return;
    }
    const int64_t trainable =
        loraParameterCount(shape->layers, shape->embd, rank, checkedTargets());
    m_loraParameters->setText(
        tr("%1 adapter parameters (%2 % of %3); the base weights stay frozen")
            .arg(count(trainable))
            .arg(total > 0 ? 100.0 * double(trainable) / double(total) : 0.0, 0, 'f', 2)
            .arg(count(total)));
}

void ModelEditor::setModel(const ModelConfig& model) {
    setChoice(m_kind, model.kind);
    m_hidden->setText(formatIntList(model.hidden));
    setChoice(m_activation, model.activation);
    m_channels->setText(formatIntList(model.channels));
    setChoice(m_head, model.head);
    m_layers->setValue(model.n_layer);
    m_heads->setValue(model.n_head);
    m_embd->setValue(model.n_embd);
    m_context->setValue(model.context);
    setChoice(m_tokenizer, model.tokenizer);
    m_tokenizerDir->setText(QString::fromStdString(model.tokenizer_dir));
    m_checkpoint->setText(QString::fromStdString(model.checkpoint));
    m_loraRank->setValue(model.lora_rank);
    m_loraAlpha->setValue(model.lora_alpha);
    // Names this build does not know get their own box, so validation can name them and
    // the user can uncheck them.
    for (const std::string& name : model.lora_targets) {
        const bool known = std::any_of(m_targets.begin(), m_targets.end(),
                                       [&name](const auto& t) { return t.first == name; });
        if (!known) addTargetBox(name);
    }
    m_targetOrder = model.lora_targets;
    for (const auto& [name, box] : m_targets) {
        const QSignalBlocker block(box);
        box->setChecked(std::find(model.lora_targets.begin(), model.lora_targets.end(), name) !=
                        model.lora_targets.end());
    }
    refresh();
}

void ModelEditor::readModel(ModelConfig& model, std::vector<ConfigError>& errors) const {
    model.kind = choice(m_kind);
    const bool gpt = model.kind == "gpt";
    // Fields of the other kind are hidden: text they cannot read keeps the old value.
    if (const auto hidden = parseIntList(m_hidden->text())) {
        model.hidden = *hidden;
    } else if (!gpt) {
        errors.push_back({"model.hidden", "list of layer widths expected, e.g. 256, 256"});
    }
    model.activation = choice(m_activation);
    if (const auto channels = parseIntList(m_channels->text())) {
        model.channels = *channels;
    } else if (!gpt) {
        errors.push_back({"model.channels", "list of channel counts expected, e.g. 16, 32"});
    }
    model.head = choice(m_head);
    model.n_layer = m_layers->value();
    model.n_head = m_heads->value();
    model.n_embd = m_embd->value();
    model.context = m_context->value();
    model.tokenizer = choice(m_tokenizer);
    model.tokenizer_dir = m_tokenizerDir->text().trimmed().toStdString();
    model.checkpoint = m_checkpoint->text().trimmed().toStdString();
    model.lora_rank = m_loraRank->value();
    if (const auto alpha = m_loraAlpha->value()) {
        model.lora_alpha = *alpha;
    } else if (gpt) {
        errors.push_back({path(QStringLiteral("lora.alpha")).toStdString(), "not a number"});
    }
    model.lora_targets = checkedTargets();
}

}  // namespace forgetlab::ui
