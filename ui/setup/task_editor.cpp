#include "ui/setup/task_editor.h"

#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenu>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QToolButton>

#include "engine/data/text_sources.h"
#include "ui/common/form_helpers.h"
#include "ui/common/number_field.h"
#include "ui/setup/form_rows.h"
#include "ui/setup/path_dialog.h"

namespace forgetlab::ui {

namespace {

bool needsPath(const std::string& source) {
    return source == "files" || source == "instruction" || source == "images" || source == "csv" ||
           source == "idx";
}

// The source a task kind reads when task.source is "".
std::string defaultSource(const std::string& kind) {
    return kind == "text" ? "fortunes" : "fashion-mnist";
}

}  // namespace

TaskEditor::TaskEditor(const QString& pathPrefix, FieldErrors& errors, QWidget* parent)
    : ConfigEditor(pathPrefix, errors, parent) {
    m_form = newForm(this);
    QFormLayout* form = m_form;
    form->setContentsMargins(0, 0, 0, 0);
    m_kind = makeChoice({{"classes", tr("class subset")},
                         {"permuted", tr("permuted pixels")},
                         {"text", tr("text")}});
    m_source = makeChoice({{"fashion-mnist", tr("Fashion-MNIST (installed)")},
                           {"images", tr("image folder (a subfolder per class)")},
                           {"csv", tr("CSV table (features + label column)")},
                           {"idx", tr("IDX files (MNIST format)")},
                           {"fortunes", tr("fortunes (installed)")},
                           {"files", tr("text files (.txt, a folder, .jsonl)")},
                           {"instruction", tr("instruction data (.jsonl)")},
                           {"generated", tr("generated instructions (no files)")}});
    m_path = new QLineEdit;
    m_path->setClearButtonEnabled(true);
    m_browse = new QToolButton;
    m_browse->setText(tr("&Browse…"));
    m_browse->setObjectName(path(QStringLiteral("path.browse")));
    m_browseMenu = new QMenu(m_browse);
    QAction* chooseFile = m_browseMenu->addAction(tr("A &file…"));
    QAction* chooseFolder = m_browseMenu->addAction(tr("A f&older…"));
    m_counts = new QLabel;
    m_counts->setObjectName(path(QStringLiteral("counts")));
    m_counts->setWordWrap(true);
    m_counts->setTextFormat(Qt::PlainText);
    m_counts->setStyleSheet(QStringLiteral("QLabel { color: #37474f; font-size: 11px; }"));
    m_split = makeChoice({{"line", tr("line: every non-blank line")},
                          {"paragraph", tr("paragraph: text between blank lines")},
                          {"document", tr("document: a whole file or JSONL record")}});
    m_textField = new QLineEdit;
    m_textField->setPlaceholderText(QStringLiteral("text"));
    std::vector<std::pair<const char*, QString>> templates;
    for (const std::string& name : instructionTemplateNames())
        templates.emplace_back(name.c_str(), QString::fromStdString(name));
    m_template = makeChoice(templates);
    m_template->setItemText(m_template->findData(QStringLiteral("alpaca")),
                            tr("alpaca (### Instruction / ### Response)"));
    m_template->setItemText(m_template->findData(QStringLiteral("tulu")),
                            tr("tulu (<|user|> … <|assistant|>)"));
    m_template->setItemText(m_template->findData(QStringLiteral("chatml")),
                            tr("chatml (<|im_start|> … <|im_end|>)"));
    m_template->setItemText(m_template->findData(QStringLiteral("llama2")),
                            tr("llama2 ([INST] … [/INST])"));
    m_template->setItemText(m_template->findData(QStringLiteral("plain")),
                            tr("plain (the turns one after another)"));
    m_template->addItem(tr("model (the model folder's own)"), QStringLiteral("model"));
    std::vector<std::pair<const char*, QString>> generators;
    for (const std::string& name : instructionGeneratorNames())
        generators.emplace_back(name.c_str(), QString::fromStdString(name));
    m_generator = makeChoice(generators);
    m_imageSize = makeIntSpin(0, 4096);
    m_imageSize->setSuffix(tr(" px"));
    m_channels = makeChoice({{"1", tr("grey (1 channel)")}, {"3", tr("RGB (3 channels)")}});
    m_labelColumn = new QLineEdit;
    m_labelColumn->setPlaceholderText(QStringLiteral("label"));
    // Long item texts must not widen the whole setup panel.
    for (QComboBox* combo : {m_source, m_split, m_template, m_generator, m_channels}) {
        combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        combo->setMinimumContentsLength(12);
    }
    m_classes = new QLineEdit;
    m_classes->setPlaceholderText(QStringLiteral("0, 1, 2, 3, 4"));
    m_permutationSeed = makeIntSpin(0, 1'000'000'000);
    m_language = makeChoice({{"en", tr("English — fortunes")},
                             {"de", tr("German — fortunes-de")},
                             {"es", tr("Spanish — fortunes-es")}});
    m_domains = new QLineEdit;
    m_domains->setPlaceholderText(tr("all files"));
    m_trainSize = makeIntSpin(0, 60'000);
    m_trainSize->setSingleStep(500);
    m_testSize = makeIntSpin(0, 10'000);
    m_testSize->setSingleStep(100);
    m_rotation = new NumberField;
    m_noise = new NumberField;
    m_labelSeed = makeIntSpin(0, 1'000'000);

    // Before addRow's change hooks: kind and source agree before the form is read.
    connect(m_kind, &QComboBox::currentIndexChanged, this, &TaskEditor::onKindChosen);
    connect(m_source, &QComboBox::currentIndexChanged, this, &TaskEditor::onSourceChosen);
    addRow(form, tr("Kind"), QStringLiteral("kind"), m_kind,
           tr("A subset of the classes, all images with a fixed pixel permutation, or text "
              "(for a GPT model)"));
    addRow(form, tr("&Source"), QStringLiteral("source"), m_source,
           tr("Where the examples come from: for the MLP and CNN Fashion-MNIST, an image folder, "
              "a CSV table or IDX files; for a GPT model fortunes, text files, instruction data "
              "or generated question → answer pairs"));
    m_pathRow = addRow(form, tr("&Path"), QStringLiteral("path"), m_path, QString(), m_browse);
    form->addRow(QString(), m_counts);
    m_splitRow = addRow(form, tr("Sp&lit"), QStringLiteral("split"), m_split,
                        tr("How text becomes examples: by line, by paragraph (blank lines "
                           "between) or a whole document each"));
    m_textFieldRow =
        addRow(form, tr("Text fi&eld"), QStringLiteral("text_field"), m_textField,
               tr("The field of each .jsonl record that holds its text (not used for .txt)"));
    m_templateRow =
        addRow(form, tr("Te&mplate"), QStringLiteral("template"), m_template,
               tr("How an instruction and its response become one text; only the response's tokens "
                  "count for the loss. model: the chat template of the model folder"));
    m_generatorRow = addRow(form, tr("&Generator"), QStringLiteral("generator"), m_generator,
                            tr("Which question → answer pairs are generated"));
    m_imageSizeRow = addRow(form, tr("&Image size"), QStringLiteral("image_size"), m_imageSize,
                            tr("Every image is resized to this side (4-256 pixels)"));
    m_channelsRow = addRow(form, tr("&Channels"), QStringLiteral("channels"), m_channels,
                           tr("Images are converted to grey or RGB"));
    m_labelColumnRow =
        addRow(form, tr("&Label column"), QStringLiteral("label_column"), m_labelColumn,
               tr("The CSV column with the class of each row; every other column is a feature"));
    m_imageRows << addRow(form, tr("Classes"), QStringLiteral("classes"), m_classes,
                          tr("The class ids of the task (Fashion-MNIST: 0-9), separated by "
                             "commas"));
    m_imageRows << addRow(form, tr("Permutation seed"), QStringLiteral("permutation_seed"),
                          m_permutationSeed,
                          tr("Seed of the pixel permutation (permuted tasks only)"));
    m_textRows << addRow(form, tr("Language"), QStringLiteral("language"), m_language,
                         tr("Whose fortunes: the Debian packages fortunes (English), fortunes-de "
                            "(German) and fortunes-es (Spanish)"));
    m_textRows << addRow(form, tr("Domains"), QStringLiteral("domains"), m_domains,
                         tr("Fortune files to draw from, separated by commas (e.g. science, "
                            "literature); empty = every file of the language"));
    addRow(form, tr("Train examples"), QStringLiteral("train_size"), m_trainSize,
           tr("Training examples drawn from the task (for text: examples of text)"));
    addRow(form, tr("Test examples"), QStringLiteral("test_size"), m_testSize,
           tr("Held-out examples used for test loss and accuracy"));
    m_imageRows << addRow(
        form, tr("Rotation (°)"), QStringLiteral("rotation"), m_rotation,
        tr("Rotate every image by this many degrees, counter-clockwise (0 = off)"));
    m_imageRows << addRow(
        form, tr("Input noise σ"), QStringLiteral("noise"), m_noise,
        tr("Standard deviation of Gaussian noise added to the standardised pixels (0 = off)"));
    m_imageRows << addRow(
        form, tr("Label shuffle seed"), QStringLiteral("label_permutation_seed"), m_labelSeed,
        tr("Give the task's classes each other's labels, shuffled by this seed (0 = off)"));

    // Tab order follows the form, the Browse button right after its path.
    const QList<QWidget*> order = {m_kind,
                                   m_source,
                                   m_path,
                                   m_browse,
                                   m_split,
                                   m_textField,
                                   m_template,
                                   m_generator,
                                   m_imageSize,
                                   m_channels,
                                   m_labelColumn,
                                   m_classes,
                                   m_permutationSeed,
                                   m_language,
                                   m_domains,
                                   m_trainSize,
                                   m_testSize,
                                   m_rotation,
                                   m_noise,
                                   m_labelSeed};
    for (int i = 1; i < order.size(); ++i) setTabOrder(order.at(i - 1), order.at(i));

    connect(m_language, &QComboBox::currentIndexChanged, this, &TaskEditor::updateDomainHint);
    connect(m_browse, &QToolButton::clicked, this, [this] {
        const std::string src = choice(m_source);
        browse(src == "images" || src == "idx");
    });
    connect(chooseFile, &QAction::triggered, this, [this] { browse(false); });
    connect(chooseFolder, &QAction::triggered, this, [this] { browse(true); });
    m_rows = std::make_unique<FormRows>(form);
    updateSourceItems();
    updateEnabled();
}

TaskEditor::~TaskEditor() = default;

void TaskEditor::setTextFolder(const QString& root) {
    m_textRoot = root;
    updateDomainHint();
}

void TaskEditor::setModelKind(const std::string& kind) {
    if (kind == m_modelKind) return;
    m_modelKind = kind;
    updateSourceItems();
}

void TaskEditor::setCounts(const QString& counts) {
    m_counts->setText(counts);
    m_rows->setVisible(m_counts, !counts.isEmpty());
    m_rows->apply();
}

// Offers the sources of the model's kind; the current one stays listed even when it does
// not fit (validation says why), so a configuration shows as it is.
void TaskEditor::updateSourceItems() {
    auto* view = qobject_cast<QListView*>(m_source->view());
    auto* model = qobject_cast<QStandardItemModel*>(m_source->model());
    const bool lm = m_modelKind == "gpt";
    for (int i = 0; i < m_source->count(); ++i) {
        const std::string value = m_source->itemData(i).toString().toStdString();
        const bool offered = isTextSource(value) == lm || i == m_source->currentIndex();
        if (view) view->setRowHidden(i, !offered);
        if (model && model->item(i)) model->item(i)->setEnabled(offered);
    }
}

// Text tasks read text sources, image tasks the others: choosing one side switches the other
// to match.
void TaskEditor::onKindChosen() {
    if (!m_syncing) {
        const bool text = choice(m_kind) == "text";
        if (isTextSource(choice(m_source)) != text) {
            m_syncing = true;
            setChoice(m_source, defaultSource(choice(m_kind)));
            m_syncing = false;
        }
    }
    updateSourceItems();
    updateEnabled();
}

void TaskEditor::onSourceChosen() {
    if (!m_syncing) {
        const bool text = isTextSource(choice(m_source));
        if ((choice(m_kind) == "text") != text) {
            m_syncing = true;
            setChoice(m_kind, text ? "text" : "classes");
            m_syncing = false;
        }
    }
    updateSourceItems();
    updateEnabled();
}

void TaskEditor::updateBrowse() {
    const std::string src = choice(m_source);
    const bool both = src == "files" || src == "idx";
    m_browse->setMenu(both ? m_browseMenu : nullptr);
    m_browse->setPopupMode(both ? QToolButton::MenuButtonPopup : QToolButton::DelayedPopup);
    QString tip, placeholder;
    if (src == "files") {
        tip = tr("A .txt file, a folder of .txt files, or a .jsonl file with a text field");
        placeholder = tr("a .txt file, a folder of them or a .jsonl");
    } else if (src == "instruction") {
        tip =
            tr("A .jsonl file: one {instruction, input, output}, {prompt, response} or "
               "{messages} record a line");
        placeholder = tr("a .jsonl file of instructions");
    } else if (src == "images") {
        tip = tr("A folder with one subfolder per class holding its PNG, JPEG or BMP images");
        placeholder = tr("a folder of class folders");
    } else if (src == "csv") {
        tip = tr("A CSV file with a header row: numeric feature columns and the label column");
        placeholder = tr("a .csv file");
    } else if (src == "idx") {
        tip =
            tr("An IDX images file (its labels file beside it) or a folder with the "
               "train-/t10k- pairs");
        placeholder = tr("an IDX images file or a folder of them");
    }
    m_path->setPlaceholderText(placeholder);
    m_path->setToolTip(tip + QStringLiteral("\n(") + path(QStringLiteral("path")) + ')');
    m_browse->setToolTip(both              ? tr("Choose the file (the arrow: a file or a folder)")
                         : src == "images" ? tr("Choose the folder")
                                           : tr("Choose the file"));
}

void TaskEditor::browse(bool folder) {
    const std::string src = choice(m_source);
    PathDialogRequest r;
    r.folder = folder;
    r.start = dialogStartFolder(m_path->text(), kLastDataKey);
    if (src == "images") {
        r.title = tr("Image folder (one subfolder per class)");
    } else if (src == "idx") {
        r.title = folder ? tr("Folder with train-/t10k- IDX pairs") : tr("IDX images file");
        r.filter = tr("IDX images (*images*);;All files (*)");
    } else if (src == "csv") {
        r.title = tr("CSV table");
        r.filter = tr("CSV files (*.csv);;All files (*)");
    } else if (src == "instruction") {
        r.title = tr("Instruction data");
        r.filter = tr("JSON lines (*.jsonl *.json);;All files (*)");
    } else {
        r.title = folder ? tr("Folder of .txt files") : tr("Text file");
        r.filter = tr("Text (*.txt *.jsonl);;All files (*)");
    }
    const QString chosen = askForPath(this, r);
    if (!chosen.isEmpty()) choosePath(chosen);
}

void TaskEditor::choosePath(const QString& chosen) {
    rememberPath(kLastDataKey, chosen);
    m_path->setText(QDir::toNativeSeparators(chosen));
}

// The Domains tooltip names the fortune files of the chosen language, the way the engine
// finds them (plain files; no .dat/.u8 companions, links or hidden files; Spanish names
// without their ".fortunes" suffix).
void TaskEditor::updateDomainHint() {
    const QString language = QString::fromStdString(choice(m_language));
    const QString key = m_textRoot + QLatin1Char('\n') + language;
    if (key == m_hintFor) return;
    m_hintFor = key;
    QString toolTip =
        tr("Fortune files to draw from, separated by commas; empty = every file "
           "of the language");
    if (!m_textRoot.isEmpty()) {
        const QString dir =
            language == QLatin1String("en") ? m_textRoot : QDir(m_textRoot).filePath(language);
        QStringList names;
        const QFileInfoList files =
            QDir(dir).entryInfoList(QDir::Files | QDir::NoDotAndDotDot, QDir::Name);
        for (const QFileInfo& f : files) {
            QString name = f.fileName();
            if (f.isSymLink() || name.endsWith(QLatin1String(".dat")) ||
                name.endsWith(QLatin1String(".u8")))
                continue;
            if (name.endsWith(QLatin1String(".fortunes"))) name.chop(9);
            names << name;
        }
        toolTip += names.isEmpty()
                       ? tr("\n\nNo fortune files in %1 (install the fortunes package of the "
                            "language, or fix the General tab's text folder).")
                             .arg(dir)
                       : tr("\n\nIn %1: %2").arg(dir, names.join(QStringLiteral(", ")));
    }
    m_domains->setToolTip(toolTip + QStringLiteral("\n(") + path(QStringLiteral("domains")) + ')');
}

void TaskEditor::updateEnabled() {
    const std::string kind = choice(m_kind);
    const std::string src = choice(m_source);
    const bool text = isTextSource(src);
    for (QWidget* row : m_imageRows) {
        m_rows->setVisible(row, !text);
        row->setEnabled(!text);
    }
    for (QWidget* row : m_textRows) {
        m_rows->setVisible(row, src == "fortunes");
        row->setEnabled(src == "fortunes");
    }
    const auto show = [this](QWidget* row, bool visible) {
        m_rows->setVisible(row, visible);
        row->setEnabled(visible);
    };
    show(m_pathRow, needsPath(src));
    m_rows->setVisible(m_counts, !m_counts->text().isEmpty());
    show(m_splitRow, src == "files");
    show(m_textFieldRow, src == "files");
    show(m_templateRow, isInstructionSource(src));
    show(m_generatorRow, src == "generated");
    show(m_imageSizeRow, src == "images");
    show(m_channelsRow, src == "images");
    show(m_labelColumnRow, src == "csv");
    m_permutationSeed->setEnabled(kind == "permuted");
    m_rows->apply();
    updateBrowse();
}

std::string TaskEditor::sourceValue() const {
    const std::string chosen = choice(m_source);
    // "" stays "" while the chooser shows the kind's default.
    if (m_loadedSource.empty() && chosen == defaultSource(choice(m_kind))) return {};
    return chosen;
}

void TaskEditor::setTask(const TaskConfig& task) {
    m_syncing = true;
    setChoice(m_kind, task.kind);
    m_loadedSource = task.source;
    setChoice(m_source, taskSource(task));
    m_syncing = false;
    m_path->setText(QString::fromStdString(task.path));
    setChoice(m_split, task.split);
    m_textField->setText(QString::fromStdString(task.text_field));
    setChoice(m_template, task.chat_template);
    setChoice(m_generator, task.generator);
    m_imageSize->setValue(task.image_size);
    setChoice(m_channels, std::to_string(task.channels));
    m_labelColumn->setText(QString::fromStdString(task.label_column));
    m_classes->setText(formatIntList(task.classes));
    m_permutationSeed->setValue(task.permutation_seed);
    m_trainSize->setValue(task.train_size);
    m_testSize->setValue(task.test_size);
    m_rotation->setValue(task.rotation);
    m_noise->setValue(task.noise);
    m_labelSeed->setValue(task.label_permutation_seed);
    setChoice(m_language, task.language);
    m_domains->setText(formatNameList(task.domains));
    updateSourceItems();
    updateEnabled();
}

void TaskEditor::readTask(TaskConfig& task, std::vector<ConfigError>& errors) const {
    task.kind = choice(m_kind);
    task.source = sourceValue();
    const bool text = isTextSource(taskSource(task));
    task.path = m_path->text().trimmed().toStdString();
    task.split = choice(m_split);
    task.text_field = m_textField->text().toStdString();
    task.chat_template = choice(m_template);
    task.generator = choice(m_generator);
    task.image_size = m_imageSize->value();
    task.channels = QString::fromStdString(choice(m_channels)).toInt();
    task.label_column = m_labelColumn->text().toStdString();
    // Fields of the other kind are hidden: text they cannot read keeps the old value.
    if (const auto classes = parseIntList(m_classes->text())) {
        task.classes = *classes;
    } else if (!text) {
        errors.push_back({path(QStringLiteral("classes")).toStdString(),
                          "list of class numbers expected, e.g. 0, 1, 2"});
    }
    task.permutation_seed = m_permutationSeed->value();
    task.train_size = m_trainSize->value();
    task.test_size = m_testSize->value();
    if (!text) {
        readNumber(m_rotation, QStringLiteral("rotation"), task.rotation, errors);
        readNumber(m_noise, QStringLiteral("noise"), task.noise, errors);
    } else {
        if (const auto v = m_rotation->value()) task.rotation = *v;
        if (const auto v = m_noise->value()) task.noise = *v;
    }
    task.label_permutation_seed = m_labelSeed->value();
    task.language = choice(m_language);
    task.domains = parseNameList(m_domains->text());
}

}  // namespace forgetlab::ui
