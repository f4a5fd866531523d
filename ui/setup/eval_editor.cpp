#include "ui/setup/eval_editor.h"

#include <QFormLayout>
#include <QGroupBox>
#include <QPlainTextEdit>
#include <QSpinBox>
#include <QStringList>
#include <QVBoxLayout>

#include "ui/common/form_helpers.h"
#include "ui/common/number_field.h"
#include "ui/setup/benchmark_editor.h"

namespace forgetlab::ui {

namespace {

// A prompt on one line of the Prompts field: a line break inside it is written \n, a
// backslash \\ (instruction prompts such as "<|user|>\n...\n<|assistant|>\n" end in one).
QString promptLine(const std::string& prompt) {
    QString line = QString::fromStdString(prompt);
    line.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    line.replace(QLatin1Char('\n'), QStringLiteral("\\n"));
    return line;
}

std::string promptOf(const QString& line) {
    QString out;
    for (int i = 0; i < line.size(); ++i) {
        const QChar c = line.at(i);
        if (c == QLatin1Char('\\') && i + 1 < line.size()) {
            const QChar next = line.at(i + 1);
            if (next == QLatin1Char('n') || next == QLatin1Char('\\')) {
                out += next == QLatin1Char('n') ? QLatin1Char('\n') : QLatin1Char('\\');
                ++i;
                continue;
            }
        }
        out += c;
    }
    return out.toStdString();
}

}  // namespace

EvalEditor::EvalEditor(FieldErrors& errors, QWidget* parent)
    : ConfigEditor(QStringLiteral("eval"), errors, parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setSpacing(8);
    auto* measured = new QWidget;
    QFormLayout* form = newForm(measured);
    form->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(measured);
    m_every = makeIntSpin(0, 1'000'000);
    m_hessianEvery = makeIntSpin(0, 1'000'000);
    m_probeSize = makeIntSpin(0, 60'000);
    m_sharpnessRho = new NumberField;
    m_hessianMaxIters = makeIntSpin(0, 100'000);
    m_hessianTol = new NumberField;
    m_hessianTopk = makeIntSpin(1, 5);
    m_traceEvery = makeIntSpin(0, 1'000'000);
    m_traceSamples = makeIntSpin(0, 10'000);
    m_checkpointEvery = makeIntSpin(0, 1'000'000);
    m_exampleLosses = makeIntSpin(0, 60'000);
    m_exampleLosses->setSingleStep(100);

    addRow(form, tr("Evaluate every"), QStringLiteral("every"), m_every,
           tr("Steps between test loss/accuracy and sharpness measurements"));
    addRow(form, tr("Hessian every"), QStringLiteral("hessian_every"), m_hessianEvery,
           tr("Steps between Hessian λ_max estimates (power iteration); 0 = off"));
    addRow(form, tr("Probe examples"), QStringLiteral("probe_size"), m_probeSize,
           tr("Downstream training examples used for sharpness and the Hessian"));
    addRow(form, tr("Sharpness ρ"), QStringLiteral("sharpness_rho"), m_sharpnessRho,
           tr("Radius at which SAM sharpness (worst-case loss increase) is measured"));
    addRow(form, tr("Hessian max iterations"), QStringLiteral("hessian_max_iters"),
           m_hessianMaxIters, tr("Power-iteration limit per λ_max estimate"));
    addRow(form, tr("Hessian tolerance"), QStringLiteral("hessian_tol"), m_hessianTol,
           tr("Relative change at which power iteration stops"));
    addRow(form, tr("Hessian top k"), QStringLiteral("hessian_topk"), m_hessianTopk,
           tr("Eigenvalues tracked at each Hessian estimate: λ_max and the next ones (up to "
              "5), by power iteration with deflation"));
    addRow(form, tr("Trace every"), QStringLiteral("trace_every"), m_traceEvery,
           tr("Steps between Hutchinson estimates of the Hessian trace; 0 = off"));
    addRow(form, tr("Trace samples"), QStringLiteral("trace_samples"), m_traceSamples,
           tr("Rademacher vectors per trace estimate (its standard error shrinks as 1/√n)"));
    addRow(form, tr("Checkpoint every"), QStringLiteral("checkpoint_every"), m_checkpointEvery,
           tr("Fine-tuning steps between stored weights (for the Landscape tab's timeline) "
              "and resume points (an interrupted run can be resumed from the last one); "
              "0 = only the pre-trained and the final weights"));
    addRow(form, tr("Tracked examples"), QStringLiteral("example_losses"), m_exampleLosses,
           tr("Upstream training examples whose own loss is recorded before, at checkpoints "
              "and after fine-tuning (per-example forgetting, Forgetting map tab); 0 = off"));

    QFormLayout* samples = addSection(
        layout, tr("Generated text (language models)"),
        tr("Before fine-tuning and every few steps the model continues each prompt, greedily "
           "and by sampling; the Samples tab shows how its writing changes."),
        &m_samplesBox);
    m_samplesEvery = makeIntSpin(0, 1'000'000);
    m_samplesEvery->setSpecialValueText(tr("off"));
    m_samplesEvery->setSingleStep(10);
    m_samplesPrompts = new QPlainTextEdit;
    m_samplesPrompts->setTabChangesFocus(true);
    m_samplesPrompts->setPlaceholderText(tr("One prompt per line"));
    m_samplesPrompts->setFixedHeight(m_samplesPrompts->fontMetrics().lineSpacing() * 4 + 12);
    m_samplesTokens = makeIntSpin(0, 100'000);
    m_samplesTemperature = new NumberField;
    addRow(samples, tr("Samples every"), QStringLiteral("samples.every"), m_samplesEvery,
           tr("Fine-tuning steps between samples (and one at step 0, before fine-tuning); "
              "off = no samples"));
    addRow(samples, tr("Prompts"), QStringLiteral("samples.prompts"), m_samplesPrompts,
           tr("Text the model continues, one prompt per line (spaces at the ends count); a line "
              "break inside a prompt is written \\n, a backslash \\\\"));
    addRow(samples, tr("New tokens"), QStringLiteral("samples.tokens"), m_samplesTokens,
           tr("Tokens generated per continuation (bytes, for the byte tokenizer)"));
    addRow(samples, tr("Temperature"), QStringLiteral("samples.temperature"), m_samplesTemperature,
           tr("Sampling temperature of the second continuation; 0 = greedy only"));

    QFormLayout* benchmarks = addSection(
        layout, tr("General-ability benchmarks (language models)"),
        tr("Multiple-choice questions scored by the log-likelihood of each choice, before "
           "fine-tuning, every few steps and at the end: the accuracy plot shows what the "
           "model forgets of them."));
    m_benchmarks = new BenchmarkEditor(errors);
    benchmarks->addRow(m_benchmarks);
    connect(m_benchmarks, &ConfigEditor::changed, this, &ConfigEditor::changed);
    layout->addStretch(1);
}

void EvalEditor::setLanguageModel(bool languageModel) {
    m_languageModel = languageModel;
    m_samplesBox->setEnabled(languageModel);
    m_samplesBox->setToolTip(
        languageModel ? QString()
                      : tr("Only language models (Model → Architecture GPT) write text"));
    m_benchmarks->setLanguageModel(languageModel);
}

void EvalEditor::setEval(const EvalConfig& e) {
    m_every->setValue(e.every);
    m_hessianEvery->setValue(e.hessian_every);
    m_probeSize->setValue(e.probe_size);
    m_sharpnessRho->setValue(e.sharpness_rho);
    m_hessianMaxIters->setValue(e.hessian_max_iters);
    m_hessianTol->setValue(e.hessian_tol);
    m_hessianTopk->setValue(e.hessian_topk);
    m_traceEvery->setValue(e.trace_every);
    m_traceSamples->setValue(e.trace_samples);
    m_checkpointEvery->setValue(e.checkpoint_every);
    m_exampleLosses->setValue(e.example_losses);
    m_samplesEvery->setValue(e.samples_every);
    QStringList prompts;
    for (const std::string& p : e.samples_prompts) prompts << promptLine(p);
    const QString text = prompts.join(QLatin1Char('\n'));
    if (m_samplesPrompts->toPlainText() != text) m_samplesPrompts->setPlainText(text);
    m_samplesTokens->setValue(e.samples_tokens);
    m_samplesTemperature->setValue(e.samples_temperature);
    m_benchmarks->setBenchmarks(e);
}

void EvalEditor::readEval(EvalConfig& e, std::vector<ConfigError>& errors) const {
    e.every = m_every->value();
    e.hessian_every = m_hessianEvery->value();
    e.probe_size = m_probeSize->value();
    readNumber(m_sharpnessRho, QStringLiteral("sharpness_rho"), e.sharpness_rho, errors);
    e.hessian_max_iters = m_hessianMaxIters->value();
    readNumber(m_hessianTol, QStringLiteral("hessian_tol"), e.hessian_tol, errors);
    e.hessian_topk = m_hessianTopk->value();
    e.trace_every = m_traceEvery->value();
    e.trace_samples = m_traceSamples->value();
    e.checkpoint_every = m_checkpointEvery->value();
    e.example_losses = m_exampleLosses->value();
    e.samples_every = m_samplesEvery->value();
    // One prompt per line; blank lines (a trailing newline) are no prompts.
    e.samples_prompts.clear();
    for (const QString& line : m_samplesPrompts->toPlainText().split(QLatin1Char('\n'))) {
        if (!line.trimmed().isEmpty()) e.samples_prompts.push_back(promptOf(line));
    }
    e.samples_tokens = m_samplesTokens->value();
    m_benchmarks->readBenchmarks(e, errors);
    if (const auto t = m_samplesTemperature->value()) {
        e.samples_temperature = *t;
    } else if (m_languageModel) {
        errors.push_back(
            {path(QStringLiteral("samples.temperature")).toStdString(), "not a number"});
    }
}

}  // namespace forgetlab::ui
