#include "ui/setup/phase_editor.h"

#include <algorithm>

#include <QFormLayout>
#include <QGroupBox>
#include <QSpinBox>
#include <QVBoxLayout>

#include "ui/common/form_helpers.h"
#include "ui/setup/data_preview.h"
#include "ui/setup/optimizer_editor.h"
#include "ui/setup/task_editor.h"

namespace forgetlab::ui {

PhaseEditor::PhaseEditor(const QString& pathPrefix, const QString& stepsToolTip,
                         FieldErrors& errors, QWidget* parent)
    : ConfigEditor(pathPrefix, errors, parent),
      m_upstream(pathPrefix == QLatin1String("upstream")) {
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
    if (m_upstream) {
        m_seed = makeIntSpin(-1, 2'147'483'647);
        m_seed->setSpecialValueText(tr("the run's seed"));
        addRow(form, tr("Pre-training seed"), QStringLiteral("seed"), m_seed,
               tr("Initial weights, upstream split and batch order. Fixed, every seed of a seed "
                  "set fine-tunes the same pre-trained model (cached once)"));
    }
    layout->addWidget(training);

    auto* taskBox = new QGroupBox(tr("Task"));
    auto* taskLayout = new QVBoxLayout(taskBox);
    m_task = new TaskEditor(path(QStringLiteral("task")), errors);
    m_task->setObjectName(path(QStringLiteral("task")));
    taskLayout->addWidget(m_task);
    layout->addWidget(taskBox);

    auto* previewBox = new QGroupBox(tr("Data preview"));
    previewBox->setToolTip(tr("What the task trains on, read from its source before Start"));
    auto* previewLayout = new QVBoxLayout(previewBox);
    m_preview = new DataPreview(path(QStringLiteral("task.preview")));
    previewLayout->addWidget(m_preview);
    layout->addWidget(previewBox);
    connect(m_preview, &DataPreview::shown, this,
            [this] { m_task->setCounts(m_preview->countsText()); });

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
    if (m_seed) m_seed->setValue(int(std::clamp<int64_t>(phase.seed, -1, 2'147'483'647)));
    m_task->setTask(phase.task);
    m_optimizer->setOptimizer(phase.optimizer);
}

void PhaseEditor::setTextFolder(const QString& root) {
    m_task->setTextFolder(root);
}

void PhaseEditor::setDataContext(const ExperimentConfig& config) {
    const PhaseConfig& phase = m_upstream ? config.upstream : config.downstream;
    m_task->setModelKind(config.model.kind);
    DataPreviewRequest request;
    request.task = phase.task;
    request.model = config.model;
    request.data_dir = config.data_dir;
    request.text_dir = config.text_dir;
    request.seed = m_upstream ? config.upstreamSeed() : config.seed;
    m_preview->showRequest(request);
}

void PhaseEditor::readPhase(PhaseConfig& phase, std::vector<ConfigError>& errors) const {
    phase.steps = m_steps->value();
    phase.batch_size = m_batchSize->value();
    if (m_seed) phase.seed = m_seed->value();
    m_task->readTask(phase.task, errors);
    m_optimizer->readOptimizer(phase.optimizer, errors);
}

}  // namespace forgetlab::ui
