#include "ui/task_editor.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QSpinBox>

#include "ui/form_helpers.h"
#include "ui/number_field.h"

namespace forgetlab::ui {

TaskEditor::TaskEditor(const QString& pathPrefix, FieldErrors& errors, QWidget* parent)
    : ConfigEditor(pathPrefix, errors, parent) {
    QFormLayout* form = newForm(this);
    form->setContentsMargins(0, 0, 0, 0);
    m_kind = makeChoice({{"classes", tr("class subset")}, {"permuted", tr("permuted pixels")}});
    m_classes = new QLineEdit;
    m_classes->setPlaceholderText(QStringLiteral("0, 1, 2, 3, 4"));
    m_permutationSeed = makeIntSpin(0, 1'000'000'000);
    m_trainSize = makeIntSpin(0, 60'000);
    m_trainSize->setSingleStep(500);
    m_testSize = makeIntSpin(0, 10'000);
    m_testSize->setSingleStep(100);
    m_rotation = new NumberField;
    m_noise = new NumberField;
    m_labelSeed = makeIntSpin(0, 1'000'000);

    addRow(form, tr("Kind"), QStringLiteral("kind"), m_kind,
           tr("A subset of the classes, or all images with a fixed pixel permutation"));
    addRow(form, tr("Classes"), QStringLiteral("classes"), m_classes,
           tr("Fashion-MNIST labels 0-9, separated by commas"));
    addRow(form, tr("Permutation seed"), QStringLiteral("permutation_seed"), m_permutationSeed,
           tr("Seed of the pixel permutation (permuted tasks only)"));
    addRow(form, tr("Train examples"), QStringLiteral("train_size"), m_trainSize,
           tr("Training examples drawn from the task"));
    addRow(form, tr("Test examples"), QStringLiteral("test_size"), m_testSize,
           tr("Held-out examples used for test loss and accuracy"));
    addRow(form, tr("Rotation (°)"), QStringLiteral("rotation"), m_rotation,
           tr("Rotate every image by this many degrees, counter-clockwise (0 = off)"));
    addRow(form, tr("Input noise σ"), QStringLiteral("noise"), m_noise,
           tr("Standard deviation of Gaussian noise added to the standardised pixels (0 = off)"));
    addRow(form, tr("Label shuffle seed"), QStringLiteral("label_permutation_seed"), m_labelSeed,
           tr("Give the task's classes each other's labels, shuffled by this seed (0 = off)"));
    connect(m_kind, &QComboBox::currentIndexChanged, this, &TaskEditor::updateEnabled);
    updateEnabled();
}

void TaskEditor::updateEnabled() {
    m_permutationSeed->setEnabled(choice(m_kind) == "permuted");
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
    updateEnabled();
}

void TaskEditor::readTask(TaskConfig& task, std::vector<ConfigError>& errors) const {
    task.kind = choice(m_kind);
    if (const auto classes = parseIntList(m_classes->text())) {
        task.classes = *classes;
    } else {
        errors.push_back({path(QStringLiteral("classes")).toStdString(),
                          "list of class numbers expected, e.g. 0, 1, 2"});
    }
    task.permutation_seed = m_permutationSeed->value();
    task.train_size = m_trainSize->value();
    task.test_size = m_testSize->value();
    readNumber(m_rotation, QStringLiteral("rotation"), task.rotation, errors);
    readNumber(m_noise, QStringLiteral("noise"), task.noise, errors);
    task.label_permutation_seed = m_labelSeed->value();
}

}  // namespace forgetlab::ui
