#include "ui/setup/strategy_editor.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QSpinBox>
#include <QVBoxLayout>

#include "ui/common/form_helpers.h"
#include "ui/common/number_field.h"

namespace forgetlab::ui {

StrategyEditor::StrategyEditor(FieldErrors& errors, QWidget* parent)
    : ConfigEditor(QStringLiteral("strategies"), errors, parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(8);
    auto* intro = new QLabel(
        tr("Ways to fight forgetting while fine-tuning. Each is off at weight 0; they combine "
           "with each other and with every optimizer (SAM too). The weights can also be "
           "changed live, in the knob panel."));
    intro->setWordWrap(true);
    layout->addWidget(intro);

    m_replayRatio = new NumberField;
    m_replayBuffer = makeIntSpin(0, 60'000);
    m_replaySelect = makeChoice({{"random", tr("random upstream examples")},
                                 {"targeted", tr("targeted: predicted most forgotten")}});
    m_replayMatrix = makeIntSpin(0, 1'000'000);
    m_replayProbe = makeIntSpin(1, 60'000);
    m_replayProbeSteps = makeIntSpin(1, 1'000'000);
    m_ewcLambda = new NumberField;
    m_ewcSamples = makeIntSpin(0, 60'000);
    m_l2spLambda = new NumberField;
    m_lwfLambda = new NumberField;
    m_lwfTemperature = new NumberField;

    QFormLayout* replay = addSection(
        layout, tr("Replay"), tr("Mix stored upstream examples into every fine-tuning batch."));
    addRow(replay, tr("Ratio"), QStringLiteral("replay.ratio"), m_replayRatio,
           tr("Share of each batch drawn from the replay buffer, 0 (off) to below 1"));
    addRow(replay, tr("Buffer"), QStringLiteral("replay.buffer"), m_replayBuffer,
           tr("Upstream training examples kept for replay"));
    addRow(replay, tr("Keep"), QStringLiteral("replay.select"), m_replaySelect,
           tr("Random: a seeded draw. Targeted: probe the new task on a copy of the model, "
              "predict every tracked example's forgetting from a stored forgetting matrix "
              "(Forgetting map tab) and keep the ones predicted to be forgotten most"));
    addRow(replay, tr("Matrix #"), QStringLiteral("replay.matrix"), m_replayMatrix,
           tr("Id of the stored forgetting matrix targeted replay completes (a sweep from "
              "the same pre-trained model)"));
    addRow(replay, tr("Probed examples"), QStringLiteral("replay.probe"), m_replayProbe,
           tr("Tracked examples whose forgetting the probe measures (K)"));
    addRow(replay, tr("Probe steps"), QStringLiteral("replay.probe_steps"), m_replayProbeSteps,
           tr("Fine-tuning steps of the probe copy before measuring"));
    connect(m_replaySelect, &QComboBox::currentIndexChanged, this, [this] {
        const bool targeted = choice(m_replaySelect) == "targeted";
        m_replayMatrix->setEnabled(targeted);
        m_replayProbe->setEnabled(targeted);
        m_replayProbeSteps->setEnabled(targeted);
    });

    QFormLayout* ewc =
        addSection(layout, tr("EWC (elastic weight consolidation)"),
                   tr("λ/2 Σ F_i (w_i − w*_i)²: weights important for the upstream "
                      "task (diagonal Fisher F) are held near their pre-trained value."));
    addRow(ewc, tr("λ"), QStringLiteral("ewc.lambda"), m_ewcLambda,
           tr("Penalty weight, 0 = off (typical 10 to 10000)"));
    addRow(ewc, tr("Fisher samples"), QStringLiteral("ewc.samples"), m_ewcSamples,
           tr("Upstream examples used to estimate the diagonal empirical Fisher"));

    QFormLayout* l2sp = addSection(layout, tr("L2-SP"),
                                   tr("λ/2 ‖w − w_pre‖²: every weight is pulled towards its "
                                      "pre-trained value, equally."));
    addRow(l2sp, tr("λ"), QStringLiteral("l2sp.lambda"), m_l2spLambda,
           tr("Penalty weight, 0 = off (typical 0.01 to 1)"));

    QFormLayout* lwf = addSection(layout, tr("LwF (learning without forgetting)"),
                                  tr("Distil the pre-trained model's softened outputs on the "
                                     "downstream inputs."));
    addRow(lwf, tr("λ"), QStringLiteral("lwf.lambda"), m_lwfLambda,
           tr("Weight of the distillation loss, 0 = off (typical 0.5 to 5)"));
    addRow(lwf, tr("Temperature"), QStringLiteral("lwf.temperature"), m_lwfTemperature,
           tr("Softmax temperature T of the distillation, > 0 (typical 2)"));
    layout->addStretch(1);
}

void StrategyEditor::setStrategies(const StrategyConfig& s) {
    m_replayRatio->setValue(s.replay_ratio);
    m_replayBuffer->setValue(s.replay_buffer);
    setChoice(m_replaySelect, s.replay_select);
    m_replayMatrix->setValue(static_cast<int>(s.replay_matrix));
    m_replayProbe->setValue(s.replay_probe);
    m_replayProbeSteps->setValue(s.replay_probe_steps);
    const bool targeted = s.replay_select == "targeted";
    m_replayMatrix->setEnabled(targeted);
    m_replayProbe->setEnabled(targeted);
    m_replayProbeSteps->setEnabled(targeted);
    m_ewcLambda->setValue(s.ewc_lambda);
    m_ewcSamples->setValue(s.ewc_samples);
    m_l2spLambda->setValue(s.l2sp_lambda);
    m_lwfLambda->setValue(s.lwf_lambda);
    m_lwfTemperature->setValue(s.lwf_temperature);
}

void StrategyEditor::readStrategies(StrategyConfig& s, std::vector<ConfigError>& errors) const {
    readNumber(m_replayRatio, QStringLiteral("replay.ratio"), s.replay_ratio, errors);
    s.replay_buffer = m_replayBuffer->value();
    s.replay_select = choice(m_replaySelect);
    s.replay_matrix = m_replayMatrix->value();
    s.replay_probe = m_replayProbe->value();
    s.replay_probe_steps = m_replayProbeSteps->value();
    readNumber(m_ewcLambda, QStringLiteral("ewc.lambda"), s.ewc_lambda, errors);
    s.ewc_samples = m_ewcSamples->value();
    readNumber(m_l2spLambda, QStringLiteral("l2sp.lambda"), s.l2sp_lambda, errors);
    readNumber(m_lwfLambda, QStringLiteral("lwf.lambda"), s.lwf_lambda, errors);
    readNumber(m_lwfTemperature, QStringLiteral("lwf.temperature"), s.lwf_temperature, errors);
}

}  // namespace forgetlab::ui
