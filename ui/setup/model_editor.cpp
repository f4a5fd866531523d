#include "ui/setup/model_editor.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStyle>
#include <QVBoxLayout>
#include <algorithm>

#include "engine/core/devices.h"
#include "ui/common/form_helpers.h"
#include "ui/common/number_field.h"

namespace forgetlab::ui {

namespace {

const char* const kNoteStyle = "QLabel { color: #37474f; }";
const char* const kWarningStyle = "QLabel { color: #b45309; }";  // amber, not error red

QLabel* noteLabel(const char* name) {
    auto* label = new QLabel;
    label->setObjectName(QString::fromLatin1(name));
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setStyleSheet(QString::fromLatin1(kNoteStyle));
    return label;
}

bool contains(const std::vector<std::string>& list, const std::string& name) {
    return std::find(list.begin(), list.end(), name) != list.end();
}

}  // namespace

int64_t gptParameterCount(int64_t layers, int64_t embd, int64_t context, int64_t vocab) {
    return parameterCount(
        architectureFromSizes("gpt2", int(layers), 1, int(embd), int(context), int(vocab)));
}

int64_t loraParameterCount(int64_t layers, int64_t embd, int64_t rank,
                           const std::vector<std::string>& targets) {
    return forgetlab::loraParameterCount(
        architectureFromSizes("gpt2", int(layers), 1, int(embd), 1, 1), int(rank), targets);
}

const std::vector<std::string>& loraTargetNames() {
    return loraTargetsOf("gpt2");
}

ModelEditor::ModelEditor(FieldErrors& errors, QWidget* parent)
    : ConfigEditor(QStringLiteral("model"), errors, parent) {
    const ExperimentConfig defaults;
    m_optimizer = defaults.downstream.optimizer.name;
    m_device = defaults.device;

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
        layout, tr("Language model (decoder-only transformer)"),
        tr("A transformer that predicts the next token: GPT-2, Llama, Mistral, Qwen2, "
           "GPT-NeoX (Pythia), OLMo or OLMo-2. It starts from a Hugging Face model folder or "
           "is pre-trained from scratch on the upstream text, then fine-tuned on the "
           "downstream text."),
        &m_gptBox);
    m_gptForm = gpt;

    // Where the model starts: a folder, or from scratch.
    m_chooseFolder = new QPushButton(tr("Start from a H&ugging Face folder…"));
    m_chooseFolder->setObjectName(QStringLiteral("model.gpt.checkpoint.choose"));
    m_chooseFolder->setToolTip(
        tr("Choose a folder downloaded from the Hugging Face Hub (config.json, "
           "model.safetensors or its shards, tokenizer files): Llama, Mistral, Qwen2, "
           "GPT-NeoX/Pythia, OLMo, OLMo-2 or GPT-2. Its config.json sets the family and "
           "sizes"));
    m_chooseFolder->setIcon(style()->standardIcon(QStyle::SP_DirOpenIcon));
    m_fromScratch = new QPushButton(tr("From &scratch"));
    m_fromScratch->setObjectName(QStringLiteral("model.gpt.checkpoint.clear"));
    m_fromScratch->setToolTip(
        tr("Forget the folder: build the model from the family and size fields below and "
           "pre-train it on the upstream task"));
    auto* startRow = new QWidget;
    auto* startLayout = new QHBoxLayout(startRow);
    startLayout->setContentsMargins(0, 0, 0, 0);
    startLayout->setSpacing(6);
    startLayout->addWidget(m_chooseFolder);
    startLayout->addWidget(m_fromScratch);
    startLayout->addStretch(1);
    auto* startLabel = new QLabel(tr("Start from"));
    startLabel->setBuddy(m_chooseFolder);
    gpt->addRow(startLabel, startRow);
    connect(m_chooseFolder, &QPushButton::clicked, this, &ModelEditor::chooseFolderWithDialog);
    connect(m_fromScratch, &QPushButton::clicked, this, &ModelEditor::startFromScratch);

    m_checkpoint = new QLineEdit;
    m_checkpoint->setPlaceholderText(tr("none: pre-train from scratch"));
    m_checkpoint->setClearButtonEnabled(true);
    addRow(gpt, tr("Model folder"), QStringLiteral("gpt.checkpoint"), m_checkpoint,
           tr("A Hugging Face model folder to start from (its config.json sets the family and "
              "sizes); empty = pre-train from scratch on the upstream task"));
    m_summary = new ModelFolderSummary;
    gpt->addRow(m_summary);

    m_family = makeChoice({{"gpt2", tr("GPT-2 (learned positions, GELU MLP)")},
                           {"llama", tr("Llama (rotary, SwiGLU, RMSNorm)")},
                           {"mistral", tr("Mistral (Llama layout)")},
                           {"qwen2", tr("Qwen2 (Llama layout, q/k/v biases)")},
                           {"gpt_neox", tr("GPT-NeoX / Pythia (parallel residual)")},
                           {"olmo", tr("OLMo (non-parametric LayerNorm)")},
                           {"olmo2", tr("OLMo-2 (RMSNorm after each block, QK norm)")}});
    m_layers = makeIntSpin(0, 1000);
    m_heads = makeIntSpin(0, 1000);
    m_embd = makeIntSpin(0, 100'000);
    m_embd->setSingleStep(32);
    m_context = makeIntSpin(0, 100'000);
    m_context->setSingleStep(32);
    m_tokenizer =
        makeChoice({{"auto", tr("automatic (the folder's own tokenizer; bytes without a folder)")},
                    {"byte", tr("bytes (256 symbols, no files)")},
                    {"bpe", tr("GPT-2 BPE (vocab.json + merges.txt)")},
                    {"hf", tr("Hugging Face (tokenizer.json, tokenizer.model or BPE files)")}});
    // Long item texts must not widen the whole setup panel.
    for (QComboBox* combo : {m_family, m_tokenizer}) {
        combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        combo->setMinimumContentsLength(16);
    }
    m_tokenizerDir = new QLineEdit;
    m_tokenizerDir->setPlaceholderText(tr("the model folder"));
    m_scratchNote = noteLabel("gptScratchNote");
    m_scratchNote->setText(
        tr("The family and sizes below are for a model built from scratch: the folder's "
           "config.json sets them now (From scratch uses them again)."));
    m_scratchNote->setStyleSheet(QStringLiteral("QLabel { color: #616161; font-size: 11px; }"));
    gpt->addRow(m_scratchNote);
    addRow(gpt, tr("Family"), QStringLiteral("gpt.family"), m_family,
           tr("The architecture built from scratch (a model folder's config.json names its "
              "own); the sizes below fill in its layers, heads and width"));
    addRow(gpt, tr("Layers"), QStringLiteral("gpt.n_layer"), m_layers,
           tr("Transformer blocks (1-48)"));
    addRow(gpt, tr("Attention heads"), QStringLiteral("gpt.n_head"), m_heads,
           tr("Attention heads per block; the embedding width must be divisible by it"));
    addRow(gpt, tr("Embedding width"), QStringLiteral("gpt.n_embd"), m_embd,
           tr("Width of the token embeddings and of every block"));
    addRow(gpt, tr("Context (tokens)"), QStringLiteral("gpt.context"), m_context,
           tr("Tokens per training window: the most the model attends to at once (at most "
              "the model folder's context)"));
    addRow(gpt, tr("Tokenizer"), QStringLiteral("gpt.tokenizer"), m_tokenizer,
           tr("Automatic uses the model folder's tokenizer files, or bytes without a folder; "
              "bytes need no files and fit any text; GPT-2 BPE reads vocab.json and "
              "merges.txt; Hugging Face reads a folder's tokenizer files (required)"));
    m_tokenizerDirRow = addFolderRow(
        gpt, tr("Tokenizer folder"), QStringLiteral("gpt.tokenizer_dir"), m_tokenizerDir,
        tr("Folder with the tokenizer's files (GPT-2 BPE: vocab.json and "
           "merges.txt; Hugging Face: tokenizer.json or tokenizer.model); empty = "
           "the model folder"));
    m_gradientCheckpointing = new QCheckBox(tr("&Gradient checkpointing"));
    addRow(gpt, tr("Memory saving"), QStringLiteral("gpt.gradient_checkpointing"),
           m_gradientCheckpointing,
           tr("Recompute activations in the backward pass: less memory for longer contexts, "
              "about a third slower"));
    m_parameters = noteLabel("gptParameters");
    gpt->addRow(tr("Size"), m_parameters);

    auto* memoryBox = new QWidget;
    auto* memoryLayout = new QVBoxLayout(memoryBox);
    memoryLayout->setContentsMargins(0, 0, 0, 0);
    memoryLayout->setSpacing(2);
    m_memory = noteLabel("gptMemory");
    m_memory->setProperty("fits", true);
    m_memory->setToolTip(
        tr("Memory fine-tuning needs: the weights, and the gradients and optimizer state of "
           "what trains (every weight, or only LoRA's adapters), for the downstream optimizer "
           "on the run's device; activations come on top"));
    memoryLayout->addWidget(m_memory);
    m_memoryAdviceRow = new QWidget;
    auto* adviceLayout = new QHBoxLayout(m_memoryAdviceRow);
    adviceLayout->setContentsMargins(0, 0, 0, 0);
    adviceLayout->setSpacing(6);
    auto* icon = new QLabel;
    const int iconSize = style()->pixelMetric(QStyle::PM_SmallIconSize);
    icon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxWarning).pixmap(iconSize));
    icon->setAlignment(Qt::AlignTop);
    m_memoryAdvice = noteLabel("gptMemoryAdvice");
    m_memoryAdvice->setStyleSheet(QString::fromLatin1(kWarningStyle));
    adviceLayout->addWidget(icon, 0, Qt::AlignTop);
    adviceLayout->addWidget(m_memoryAdvice, 1);
    memoryLayout->addWidget(m_memoryAdviceRow);
    m_memoryAdviceRow->hide();
    gpt->addRow(tr("Memory"), memoryBox);

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
    addRow(lora, tr("Rank"), QStringLiteral("lora.rank"), m_loraRank,
           tr("Rank r of the adapters trained while fine-tuning; off (0) trains every weight"));
    addRow(lora, tr("Alpha"), QStringLiteral("lora.alpha"), m_loraAlpha,
           tr("Adapter scale α: the update added to a weight is α/r · A·B"));
    addRow(lora, tr("Targets"), QStringLiteral("lora.targets"), m_targetsBox,
           tr("The modules of every block that get adapters (the family's own names; its "
              "defaults are checked for a new configuration)"));
    m_loraParameters = noteLabel("loraParameters");
    lora->addRow(tr("Trainable"), m_loraParameters);
    layout->addStretch(1);

    m_targetsAreDefaults = true;
    rebuildTargets("gpt2", defaultLoraTargets("gpt2"));
    connect(this, &ConfigEditor::changed, this, &ModelEditor::refresh);
    refresh();
}

void ModelEditor::rebuildTargets(const std::string& family,
                                 const std::vector<std::string>& checked) {
    for (auto& [name, box] : m_targets) delete box;
    m_targets.clear();
    m_targetFamily = family;
    for (const std::string& name : loraTargetsOf(family)) addTargetBox(name);
    // Names the family does not have get their own box, so validation can name them and
    // the user can uncheck them.
    for (const std::string& name : checked)
        if (!contains(loraTargetsOf(family), name)) addTargetBox(name);
    for (const auto& [name, box] : m_targets) {
        const QSignalBlocker block(box);
        box->setChecked(contains(checked, name));
    }
}

void ModelEditor::addTargetBox(const std::string& name) {
    const QString text = QString::fromStdString(name);
    auto* box = new QCheckBox(text);
    box->setObjectName(QStringLiteral("loraTarget.") + text);
    box->setToolTip(loraTargetToolTip(m_targetFamily, name));
    auto* grid = static_cast<QGridLayout*>(m_targetsBox->layout());
    // Attention's modules on the first row, the MLP's on the second.
    const int columns = loraTargetsOf(m_targetFamily).size() > 4 ? 4 : 2;
    const int index = static_cast<int>(m_targets.size());
    grid->addWidget(box, index / columns, index % columns);
    m_targets.emplace_back(name, box);
    connect(box, &QCheckBox::toggled, this, [this] {
        m_targetsAreDefaults = false;
        Q_EMIT changed();
    });
}

std::vector<std::string> ModelEditor::checkedTargets() const {
    auto checked = [this](const std::string& name) {
        for (const auto& [n, box] : m_targets)
            if (n == name) return box->isChecked();
        return false;
    };
    std::vector<std::string> out;
    auto add = [&out](const std::string& name) {
        if (!contains(out, name)) out.push_back(name);
    };
    for (const std::string& name : m_targetOrder)
        if (checked(name)) add(name);
    for (const auto& [name, box] : m_targets)
        if (box->isChecked()) add(name);
    return out;
}

const FolderReading* ModelEditor::folder() const {
    const QString dir = m_checkpoint->text().trimmed();
    if (dir.isEmpty()) return nullptr;
    return &m_reader.read(dir);
}

std::string ModelEditor::wantedTargetFamily() const {
    if (const FolderReading* f = folder()) {
        // While a folder cannot be read (a path being typed) the boxes stay as they are.
        return f->arch ? f->arch->family : m_targetFamily;
    }
    return choice(m_family);
}

std::optional<LmArchitecture> ModelEditor::architecture(QString* problem, QString* source) const {
    if (const FolderReading* f = folder()) {
        if (!f->arch) {
            *problem = tr("the model folder cannot be read: the message is under the folder");
            return std::nullopt;
        }
        *source = tr("from the folder's config.json");
        return f->arch;
    }
    const std::string tokenizer = choice(m_tokenizer);
    int vocab = 256;
    if (tokenizer == "bpe" || tokenizer == "hf") {
        const QString dir = m_tokenizerDir->text().trimmed();
        const auto entries =
            dir.isEmpty() ? std::nullopt : m_vocabulary.entries(dir, tokenizer == "hf");
        if (!entries) {
            *problem = tokenizer == "bpe"
                           ? tr("set the tokenizer folder (vocab.json) to count the parameters")
                           : tr("set the tokenizer folder (tokenizer.json or vocab.json) to "
                                "count the parameters");
            return std::nullopt;
        }
        vocab = *entries;
    }
    try {
        return architectureFromSizes(choice(m_family), m_layers->value(), m_heads->value(),
                                     m_embd->value(), m_context->value(), vocab);
    } catch (const std::exception& e) {
        *problem = QString::fromStdString(e.what());
        return std::nullopt;
    }
}

QString ModelEditor::parameterText() const {
    return m_parameters->text();
}

QString ModelEditor::loraText() const {
    return m_loraParameters->text();
}

QString ModelEditor::folderSummaryText() const {
    return m_summary->isHidden() ? QString() : m_summary->text();
}

QString ModelEditor::memoryText() const {
    return m_memory->text();
}

QString ModelEditor::memoryAdvice() const {
    return m_memoryAdviceRow->isHidden() ? QString() : m_memoryAdvice->text();
}

QString ModelEditor::folderError() const {
    const FolderReading* f = folder();
    return f ? f->error : QString();
}

void ModelEditor::chooseFolderWithDialog() {
    QSettings settings;
    QString last = m_checkpoint->text().trimmed();
    if (last.isEmpty()) last = settings.value(QLatin1String(kLastFolderKey)).toString();
    // Open beside the last model folder: other downloads usually sit next to it.
    QString start = QFileInfo(last).absolutePath();
    if (last.isEmpty() || !QFileInfo(start).isDir()) start = QDir::homePath();
    const QString dir = QFileDialog::getExistingDirectory(
        this, tr("Hugging Face model folder (config.json + model.safetensors)"), start);
    if (!dir.isEmpty()) chooseFolder(dir);
}

void ModelEditor::chooseFolder(const QString& dir) {
    QSettings().setValue(QLatin1String(kLastFolderKey), dir);
    m_checkpoint->setText(QDir::toNativeSeparators(dir));
}

void ModelEditor::startFromScratch() {
    m_checkpoint->clear();
}

void ModelEditor::setTrainingContext(const std::string& optimizer, const std::string& device) {
    if (optimizer == m_optimizer && device == m_device) return;
    m_optimizer = optimizer;
    m_device = device;
    refresh();
}

void ModelEditor::refresh() {
    if (m_loading) return;
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
    const FolderReading* f = gpt ? folder() : nullptr;
    const bool fromFolder = !m_checkpoint->text().trimmed().isEmpty();
    // A folder's config.json sets the family and the sizes.
    m_family->setEnabled(!fromFolder);
    m_layers->setEnabled(!fromFolder);
    m_heads->setEnabled(!fromFolder);
    m_embd->setEnabled(!fromFolder);
    m_fromScratch->setEnabled(fromFolder);
    m_gptForm->setRowVisible(m_scratchNote, fromFolder);
    const std::string tokenizer = choice(m_tokenizer);
    m_tokenizerDirRow->setEnabled(tokenizer == "bpe" || tokenizer == "hf");
    const int rank = m_loraRank->value();
    m_loraAlpha->setEnabled(rank > 0);
    m_targetsBox->setEnabled(rank > 0);

    // The target boxes follow the family: its defaults while the config named none, else
    // the checked names the new family has too (its defaults when none is left).
    const std::string family = gpt ? wantedTargetFamily() : m_targetFamily;
    if (family != m_targetFamily) {
        std::vector<std::string> keep;
        if (!m_targetsAreDefaults)
            for (const std::string& name : checkedTargets())
                if (contains(loraTargetsOf(family), name)) keep.push_back(name);
        rebuildTargets(family, keep.empty() ? defaultLoraTargets(family) : keep);
    }
    const bool summary = f && f->info;
    m_gptForm->setRowVisible(m_summary, summary);
    if (!gpt) return;

    QString problem, source;
    const auto arch = architecture(&problem, &source);
    if (!arch) {
        m_parameters->setText(problem);
        m_loraParameters->setText(rank > 0 ? problem : tr("off: fine-tuning trains every weight"));
        m_memory->setText(tr("—"));
        m_memoryAdviceRow->hide();
        return;
    }
    const std::vector<std::string> targets = checkedTargets();
    const int64_t total = parameterCount(*arch);
    QString text = tr("%1 parameters (%2): %3, %4 layers, width %5, %6 positions, vocabulary %7")
                       .arg(groupedCount(total), shortCount(total), familyTitle(arch->family))
                       .arg(arch->num_layers)
                       .arg(groupedCount(arch->hidden_size), groupedCount(arch->max_positions),
                            groupedCount(arch->vocab_size));
    if (!source.isEmpty()) text += QStringLiteral(" (") + source + ')';
    m_parameters->setText(text);
    QString trainableLine;
    if (rank <= 0) {
        m_loraParameters->setText(
            tr("off: fine-tuning trains all %1 parameters").arg(groupedCount(total)));
    } else {
        const int64_t trainable = forgetlab::loraParameterCount(*arch, rank, targets);
        const double share = total > 0 ? 100.0 * double(trainable) / double(total) : 0.0;
        m_loraParameters->setText(
            tr("%1 adapter parameters (%2 % of %3); the base weights stay frozen")
                .arg(groupedCount(trainable))
                .arg(share, 0, 'f', 2)
                .arg(groupedCount(total)));
        QStringList names;
        for (const std::string& t : targets) names << QString::fromStdString(t);
        trainableLine =
            tr("%1 with LoRA rank %2 on %3 (%4 % of the weights)")
                .arg(groupedCount(trainable))
                .arg(rank)
                .arg(names.isEmpty() ? tr("no module") : names.join(QStringLiteral(", ")))
                .arg(share, 0, 'f', 2);
    }
    if (summary) m_summary->showFolder(*f->info, tokenizer, trainableLine);

    // The memory estimate, for the downstream optimizer on the run's device.
    const DeviceChoice resolved = resolveDevice(m_device);
    const std::string device = resolved.ok() ? resolved.device : m_device;
    const MemoryEstimate m = estimateTrainingMemory(*arch, rank, targets, m_optimizer, device);
    QString memory = QString::fromStdString(m.text);
    if (m.available > 0)
        memory += tr("; %1 free on %2")
                      .arg(QString::fromStdString(formatBytes(m.available)),
                           device == "cpu" ? tr("this machine") : QString::fromStdString(device));
    m_memory->setText(memory);
    if (m_memory->property("fits").toBool() != m.fits) {
        m_memory->setProperty("fits", m.fits);
        m_memory->setStyleSheet(QString::fromLatin1(m.fits ? kNoteStyle : kWarningStyle));
    }
    m_memoryAdvice->setText(tr("Does not fit: %1.").arg(QString::fromStdString(m.advice)));
    m_memoryAdviceRow->setVisible(!m.fits);
}

void ModelEditor::setModel(const ModelConfig& model) {
    m_loading = true;
    setChoice(m_kind, model.kind);
    m_hidden->setText(formatIntList(model.hidden));
    setChoice(m_activation, model.activation);
    m_channels->setText(formatIntList(model.channels));
    setChoice(m_head, model.head);
    setChoice(m_family, model.family);
    m_layers->setValue(model.n_layer);
    m_heads->setValue(model.n_head);
    m_embd->setValue(model.n_embd);
    m_context->setValue(model.context);
    setChoice(m_tokenizer, model.tokenizer);
    m_tokenizerDir->setText(QString::fromStdString(model.tokenizer_dir));
    m_checkpoint->setText(QString::fromStdString(model.checkpoint));
    m_gradientCheckpointing->setChecked(model.gradient_checkpointing);
    m_loraRank->setValue(model.lora_rank);
    m_loraAlpha->setValue(model.lora_alpha);
    m_loading = false;

    // The boxes of the folder's family (or the family field's); an empty list checks the
    // family's defaults.
    const FolderReading* f = folder();
    const std::string family = f && f->arch ? f->arch->family : model.family;
    m_targetsAreDefaults = model.lora_targets.empty();
    m_targetOrder = model.lora_targets;
    rebuildTargets(family, m_targetsAreDefaults ? defaultLoraTargets(family) : model.lora_targets);
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
    model.family = choice(m_family);
    model.n_layer = m_layers->value();
    model.n_head = m_heads->value();
    model.n_embd = m_embd->value();
    model.context = m_context->value();
    model.tokenizer = choice(m_tokenizer);
    model.tokenizer_dir = m_tokenizerDir->text().trimmed().toStdString();
    model.checkpoint = m_checkpoint->text().trimmed().toStdString();
    model.gradient_checkpointing = m_gradientCheckpointing->isChecked();
    // The folder's problem sits beside the folder field, not in a popup.
    const FolderReading* f = gpt ? folder() : nullptr;
    if (f && !f->error.isEmpty())
        errors.push_back(
            {path(QStringLiteral("gpt.checkpoint")).toStdString(), f->error.toStdString()});
    model.lora_rank = m_loraRank->value();
    if (const auto alpha = m_loraAlpha->value()) {
        model.lora_alpha = *alpha;
    } else if (gpt) {
        errors.push_back({path(QStringLiteral("lora.alpha")).toStdString(), "not a number"});
    }
    model.lora_targets = m_targetsAreDefaults ? std::vector<std::string>{} : checkedTargets();
}

}  // namespace forgetlab::ui
