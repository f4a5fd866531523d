#include "ui/setup/task_editor.h"

#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QLineEdit>
#include <QSpinBox>

#include "ui/common/form_helpers.h"
#include "ui/common/number_field.h"

namespace forgetlab::ui {

TaskEditor::TaskEditor(const QString& pathPrefix, FieldErrors& errors, QWidget* parent)
    : ConfigEditor(pathPrefix, errors, parent) {
    m_form = newForm(this);
    QFormLayout* form = m_form;
    form->setContentsMargins(0, 0, 0, 0);
    m_kind = makeChoice({{"classes", tr("class subset")},
                         {"permuted", tr("permuted pixels")},
                         {"text", tr("text (fortunes)")}});
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

    addRow(form, tr("Kind"), QStringLiteral("kind"), m_kind,
           tr("A subset of the classes, all images with a fixed pixel permutation, or text "
              "(fortunes of one language, for a GPT model)"));
    m_imageRows << addRow(form, tr("Classes"), QStringLiteral("classes"), m_classes,
                          tr("Fashion-MNIST labels 0-9, separated by commas"));
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
           tr("Training examples drawn from the task (for text: fortunes)"));
    addRow(form, tr("Test examples"), QStringLiteral("test_size"), m_testSize,
           tr("Held-out examples used for test loss and accuracy (for text: fortunes)"));
    m_imageRows << addRow(
        form, tr("Rotation (°)"), QStringLiteral("rotation"), m_rotation,
        tr("Rotate every image by this many degrees, counter-clockwise (0 = off)"));
    m_imageRows << addRow(
        form, tr("Input noise σ"), QStringLiteral("noise"), m_noise,
        tr("Standard deviation of Gaussian noise added to the standardised pixels (0 = off)"));
    m_imageRows << addRow(
        form, tr("Label shuffle seed"), QStringLiteral("label_permutation_seed"), m_labelSeed,
        tr("Give the task's classes each other's labels, shuffled by this seed (0 = off)"));
    connect(m_kind, &QComboBox::currentIndexChanged, this, &TaskEditor::updateEnabled);
    connect(m_language, &QComboBox::currentIndexChanged, this, &TaskEditor::updateDomainHint);
    updateEnabled();
}

void TaskEditor::setTextFolder(const QString& root) {
    m_textRoot = root;
    updateDomainHint();
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
    const bool text = kind == "text";
    for (QWidget* row : m_imageRows) {
        m_form->setRowVisible(row, !text);
        row->setEnabled(!text);
    }
    for (QWidget* row : m_textRows) {
        m_form->setRowVisible(row, text);
        row->setEnabled(text);
    }
    m_permutationSeed->setEnabled(kind == "permuted");
}

void TaskEditor::setTask(const TaskConfig& task) {
    setChoice(m_kind, task.kind);
    m_classes->setText(formatIntList(task.classes));
    m_permutationSeed->setValue(task.permutation_seed);
    m_trainSize->setValue(task.train_size);
    m_testSize->setValue(task.test_size);
    m_rotation->setValue(task.rotation);
    m_noise->setValue(task.noise);
    m_labelSeed->setValue(task.label_permutation_seed);
    setChoice(m_language, task.language);
    m_domains->setText(formatNameList(task.domains));
    updateEnabled();
}

void TaskEditor::readTask(TaskConfig& task, std::vector<ConfigError>& errors) const {
    task.kind = choice(m_kind);
    const bool text = task.kind == "text";
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
