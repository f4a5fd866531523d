#include "ui/setup/optimizer_editor.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QSpinBox>

#include "ui/common/form_helpers.h"
#include "ui/common/number_field.h"

namespace forgetlab::ui {

OptimizerEditor::OptimizerEditor(const QString& pathPrefix, FieldErrors& errors, QWidget* parent)
    : ConfigEditor(pathPrefix, errors, parent) {
    QFormLayout* form = newForm(this);
    form->setContentsMargins(0, 0, 0, 0);
    m_name = makeChoice({{"sgd", QStringLiteral("SGD")},
                         {"adam", QStringLiteral("Adam")},
                         {"adamw", QStringLiteral("AdamW")}});
    m_lr = new NumberField;
    m_momentum = new NumberField;
    m_nesterov = new QCheckBox(tr("Nesterov momentum"));
    m_weightDecay = new NumberField;
    m_beta1 = new NumberField;
    m_beta2 = new NumberField;
    m_eps = new NumberField;
    m_sam = makeChoice(
        {{"none", tr("none")}, {"sam", QStringLiteral("SAM")}, {"asam", tr("ASAM (adaptive)")}});
    m_rho = new NumberField;
    m_asamEta = new NumberField;
    m_schedule = makeChoice({{"constant", tr("constant")}, {"cosine", tr("cosine decay")}});
    m_warmup = makeIntSpin(0, 10'000'000);
    m_gradClip = new NumberField;

    addRow(form, tr("Optimizer"), QStringLiteral("name"), m_name);
    addRow(form, tr("Learning rate"), QStringLiteral("lr"), m_lr,
           tr("Step size, e.g. 0.05 or 1e-3"));
    addRow(form, tr("Momentum"), QStringLiteral("momentum"), m_momentum, tr("SGD momentum, 0-1"));
    addRow(form, QString(), QStringLiteral("nesterov"), m_nesterov);
    addRow(form, tr("Weight decay"), QStringLiteral("weight_decay"), m_weightDecay,
           tr("L2 penalty (decoupled for AdamW)"));
    addRow(form, tr("Adam β₁"), QStringLiteral("beta1"), m_beta1);
    addRow(form, tr("Adam β₂"), QStringLiteral("beta2"), m_beta2);
    addRow(form, tr("Adam ε"), QStringLiteral("eps"), m_eps);
    addRow(form, tr("Sharpness-aware"), QStringLiteral("sam"), m_sam,
           tr("Sharpness-aware minimisation: step from the worst point within radius ρ"));
    addRow(form, tr("SAM ρ"), QStringLiteral("rho"), m_rho, tr("Radius of the SAM neighbourhood"));
    addRow(form, tr("ASAM η"), QStringLiteral("asam_eta"), m_asamEta,
           tr("ASAM's offset added to the weight scale"));
    addRow(form, tr("LR schedule"), QStringLiteral("schedule"), m_schedule);
    addRow(form, tr("Warm-up steps"), QStringLiteral("warmup_steps"), m_warmup,
           tr("Linear warm-up from 0 before the schedule"));
    addRow(form, tr("Gradient clip"), QStringLiteral("grad_clip"), m_gradClip,
           tr("Maximum global L2 norm of the gradient; 0 turns clipping off"));

    connect(m_name, &QComboBox::currentIndexChanged, this, &OptimizerEditor::updateEnabled);
    connect(m_sam, &QComboBox::currentIndexChanged, this, &OptimizerEditor::updateEnabled);
    updateEnabled();
}

void OptimizerEditor::updateEnabled() {
    const bool sgd = choice(m_name) == "sgd";
    const std::string sam = choice(m_sam);
    m_momentum->setEnabled(sgd);
    m_nesterov->setEnabled(sgd);
    m_beta1->setEnabled(!sgd);
    m_beta2->setEnabled(!sgd);
    m_eps->setEnabled(!sgd);
    m_rho->setEnabled(sam != "none");
    m_asamEta->setEnabled(sam == "asam");
}

void OptimizerEditor::setOptimizer(const OptimizerConfig& o) {
    setChoice(m_name, o.name);
    m_lr->setValue(o.lr);
    m_momentum->setValue(o.momentum);
    m_nesterov->setChecked(o.nesterov);
    m_weightDecay->setValue(o.weight_decay);
    m_beta1->setValue(o.beta1);
    m_beta2->setValue(o.beta2);
    m_eps->setValue(o.eps);
    setChoice(m_sam, o.sam);
    m_rho->setValue(o.rho);
    m_asamEta->setValue(o.asam_eta);
    setChoice(m_schedule, o.schedule);
    m_warmup->setValue(o.warmup_steps);
    m_gradClip->setValue(o.grad_clip);
    updateEnabled();
}

void OptimizerEditor::readOptimizer(OptimizerConfig& o, std::vector<ConfigError>& errors) const {
    o.name = choice(m_name);
    readNumber(m_lr, QStringLiteral("lr"), o.lr, errors);
    readNumber(m_momentum, QStringLiteral("momentum"), o.momentum, errors);
    o.nesterov = m_nesterov->isChecked();
    readNumber(m_weightDecay, QStringLiteral("weight_decay"), o.weight_decay, errors);
    readNumber(m_beta1, QStringLiteral("beta1"), o.beta1, errors);
    readNumber(m_beta2, QStringLiteral("beta2"), o.beta2, errors);
    readNumber(m_eps, QStringLiteral("eps"), o.eps, errors);
    o.sam = choice(m_sam);
    readNumber(m_rho, QStringLiteral("rho"), o.rho, errors);
    readNumber(m_asamEta, QStringLiteral("asam_eta"), o.asam_eta, errors);
    o.schedule = choice(m_schedule);
    o.warmup_steps = m_warmup->value();
    readNumber(m_gradClip, QStringLiteral("grad_clip"), o.grad_clip, errors);
}

}  // namespace forgetlab::ui
