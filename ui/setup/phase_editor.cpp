#include "ui/setup/phase_editor.h"

#include <QFormLayout>
#include <QGroupBox>
#include <QSpinBox>
#include <QVBoxLayout>

#include "ui/common/form_helpers.h"
#include "ui/setup/optimizer_editor.h"
#include "ui/setup/task_editor.h"

namespace forgetlab::ui {

PhaseEditor::PhaseEditor(const QString& pathPrefix, const QString& stepsToolTip,
                         FieldErrors& errors, QWidget* parent)
    : ConfigEditor(pathPrefix, errors, parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setSpacing(8);

    auto* training = new QGroupBox(tr("Training"));
    QFormLayout* form = newForm(training);
    m_steps = makeIntSpin(0, 100'000'000);
    m_steps->setSingleStep(100);
    m_batchSize = makeIntSpin(0, 1'000'000);
    addRow(form, tr("Steps"), QStringLiteral("steps"), m_steps, stepsToolTip);
    addRow(form, tr("Batch size"), QStringLiteral("batch_size"), m_batchSize,
           tr("Examples per optimizer step"));
    layout->addWidget(training);

    auto* taskBox = new QGroupBox(tr("Task"));
    auto* taskLayout = new QVBoxLayout(taskBox);
    m_task = new TaskEditor(path(QStringLiteral("task")), errors);
    taskLayout->addWidget(m_task);
    layout->addWidget(taskBox);

    auto* optimizerBox = new QGroupBox(tr("Optimizer"));
    auto* optimizerLayout = new QVBoxLayout(optimizerBox);
    m_optimizer = new OptimizerEditor(path(QStringLiteral("optimizer")), errors);
    optimizerLayout->addWidget(m_optimizer);
    layout->addWidget(optimizerBox);
    layout->addStretch(1);

    connect(m_task, &ConfigEditor::changed, this, &ConfigEditor::changed);
    connect(m_optimizer, &ConfigEditor::changed, this, &ConfigEditor::changed);
}

void PhaseEditor::setPhase(const PhaseConfig& phase) {
    m_steps->setValue(phase.steps);
    m_batchSize->setValue(phase.batch_size);
    m_task->setTask(phase.task);
    m_optimizer->setOptimizer(phase.optimizer);
}

void PhaseEditor::setTextFolder(const QString& root) {
    m_task->setTextFolder(root);
}

void PhaseEditor::readPhase(PhaseConfig& phase, std::vector<ConfigError>& errors) const {
    phase.steps = m_steps->value();
    phase.batch_size = m_batchSize->value();
    m_task->readTask(phase.task, errors);
    m_optimizer->readOptimizer(phase.optimizer, errors);
}

}  // namespace forgetlab::ui
