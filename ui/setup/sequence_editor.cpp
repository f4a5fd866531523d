#include "ui/setup/sequence_editor.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QSpinBox>
#include <QVBoxLayout>

#include "ui/common/form_helpers.h"

namespace forgetlab::ui {

SequenceEditor::SequenceEditor(FieldErrors& errors, QWidget* parent)
    : ConfigEditor(QStringLiteral("sequence"), errors, parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* intro = new QLabel(
        tr("Train T tasks one after another instead of upstream → downstream, and fill the "
           "accuracy matrix R[i][j] (accuracy on task j after task i). The tasks use the "
           "Downstream tab's optimizer and batch size; the Model tab's head decides "
           "class-incremental (shared) or task-incremental (one head per task)."));
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto* holder = new QWidget;
    QFormLayout* form = newForm(holder);
    layout->addWidget(holder);

    m_tasks = makeIntSpin(0, 20);
    m_tasks->setSpecialValueText(tr("off"));
    m_kind = makeChoice({{"split", tr("split classes")}, {"permuted", tr("permuted pixels")}});
    m_stepsPerTask = makeIntSpin(0, 10'000'000);
    m_stepsPerTask->setSingleStep(50);
    m_trainSize = makeIntSpin(0, 60'000);
    m_trainSize->setSingleStep(500);
    m_testSize = makeIntSpin(0, 10'000);
    m_testSize->setSingleStep(100);

    addRow(form, tr("Tasks"), QStringLiteral("tasks"), m_tasks,
           tr("Number of tasks T in the sequence; off = the upstream/downstream pair"));
    addRow(form, tr("Kind"), QStringLiteral("kind"), m_kind,
           tr("split: the 10 classes divided into T groups; permuted: T pixel permutations of "
              "all 10 classes"));
    addRow(form, tr("Steps per task"), QStringLiteral("steps_per_task"), m_stepsPerTask,
           tr("Training steps on each task"));
    addRow(form, tr("Train examples"), QStringLiteral("train_size"), m_trainSize,
           tr("Training examples per task"));
    addRow(form, tr("Test examples"), QStringLiteral("test_size"), m_testSize,
           tr("Held-out examples per task, for the accuracy matrix"));
    m_note = new QLabel(tr("Sequence off: the Upstream and Downstream tabs define the run."));
    m_note->setWordWrap(true);
    m_note->setStyleSheet(QStringLiteral("QLabel { color: #757575; }"));
    layout->addWidget(m_note);
    layout->addStretch(1);
    connect(m_tasks, &QSpinBox::valueChanged, this, &SequenceEditor::updateEnabled);
    updateEnabled();
}

void SequenceEditor::updateEnabled() {
    const bool on = m_tasks->value() > 0;
    for (QWidget* w :
         std::initializer_list<QWidget*>{m_kind, m_stepsPerTask, m_trainSize, m_testSize})
        w->setEnabled(on);
    m_note->setVisible(!on);
}

void SequenceEditor::setSequence(const SequenceConfig& s) {
    m_tasks->setValue(s.tasks);
    setChoice(m_kind, s.kind);
    m_stepsPerTask->setValue(s.steps_per_task);
    m_trainSize->setValue(s.train_size);
    m_testSize->setValue(s.test_size);
    updateEnabled();
}

void SequenceEditor::readSequence(SequenceConfig& s, std::vector<ConfigError>&) const {
    s.tasks = m_tasks->value();
    s.kind = choice(m_kind);
    s.steps_per_task = m_stepsPerTask->value();
    s.train_size = m_trainSize->value();
    s.test_size = m_testSize->value();
}

}  // namespace forgetlab::ui
