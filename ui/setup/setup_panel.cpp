#include "ui/setup/setup_panel.h"

#include <QComboBox>
#include <algorithm>
#include <QLabel>
#include <QLayout>
#include <QScrollArea>
#include <QScrollBar>
#include <QStyle>
#include <QTabBar>
#include <QTabWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

#include "ui/setup/eval_editor.h"
#include "ui/common/field_errors.h"
#include "ui/setup/data_preview.h"
#include "ui/setup/general_editor.h"
#include "ui/setup/model_editor.h"
#include "ui/setup/phase_editor.h"
#include "ui/setup/sequence_editor.h"
#include "ui/setup/strategy_editor.h"
#include "ui/setup/task_editor.h"

namespace forgetlab::ui {

namespace {

QScrollArea* scrolled(QWidget* page) {
    auto* area = new QScrollArea;
    area->setWidget(page);
    area->setWidgetResizable(true);
    area->setFrameShape(QFrame::NoFrame);
    area->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    return area;
}

enum Tab {
    kGeneralTab,
    kModelTab,
    kUpstreamTab,
    kDownstreamTab,
    kStrategiesTab,
    kSequenceTab,
    kEvalTab
};

}  // namespace

SetupPanel::SetupPanel(QWidget* parent)
    : QWidget(parent), m_fieldErrors(std::make_unique<FieldErrors>()) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);

    auto* presetLabel = new QLabel(tr("<b>Preset</b>"));
    m_preset = new QComboBox;
    m_preset->setObjectName(QStringLiteral("preset"));
    m_preset->setToolTip(tr("Ready-made experiments; choosing one replaces all fields below"));
    presetLabel->setBuddy(m_preset);
    auto* presetRow = new QHBoxLayout;
    presetRow->addWidget(presetLabel);
    presetRow->addWidget(m_preset, 1);
    layout->addLayout(presetRow);

    m_explanation = new QTextBrowser;
    m_explanation->setObjectName(QStringLiteral("presetExplanation"));
    m_explanation->setOpenExternalLinks(true);
    m_explanation->setMinimumHeight(70);
    m_explanation->setMaximumHeight(150);
    m_explanation->setFrameShape(QFrame::StyledPanel);
    layout->addWidget(m_explanation);

    m_general = new GeneralEditor(*m_fieldErrors);
    m_model = new ModelEditor(*m_fieldErrors);
    m_upstream =
        new PhaseEditor(QStringLiteral("upstream"),
                        tr("Pre-training steps on the upstream task (cached)"), *m_fieldErrors);
    m_downstream = new PhaseEditor(QStringLiteral("downstream"),
                                   tr("Fine-tuning steps on the downstream task"), *m_fieldErrors);
    m_eval = new EvalEditor(*m_fieldErrors);
    m_strategies = new StrategyEditor(*m_fieldErrors);
    m_sequence = new SequenceEditor(*m_fieldErrors);

    m_tabs = new QTabWidget;
    m_tabs->setObjectName(QStringLiteral("setupTabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->setUsesScrollButtons(true);
    m_tabs->insertTab(kGeneralTab, scrolled(m_general), tr("General"));
    m_tabs->insertTab(kModelTab, scrolled(m_model), tr("Model"));
    m_tabs->insertTab(kUpstreamTab, scrolled(m_upstream), tr("Upstream"));
    m_tabs->insertTab(kDownstreamTab, scrolled(m_downstream), tr("Downstream"));
    m_tabs->insertTab(kStrategiesTab, scrolled(m_strategies), tr("Strategies"));
    m_tabs->insertTab(kSequenceTab, scrolled(m_sequence), tr("Sequence"));
    m_tabs->insertTab(kEvalTab, scrolled(m_eval), tr("Eval"));
    m_tabs->setTabToolTip(kUpstreamTab,
                          tr("The task the model learns first and should not forget"));
    m_tabs->setTabToolTip(kDownstreamTab, tr("The task the model is fine-tuned on"));
    m_tabs->setTabToolTip(kStrategiesTab,
                          tr("Anti-forgetting strategies: replay, EWC, L2-SP, LwF"));
    m_tabs->setTabToolTip(kSequenceTab, tr("A sequence of tasks trained one after another"));
    m_tabs->setTabToolTip(kEvalTab, tr("What is measured while fine-tuning, and how often"));
    m_tabs->setCurrentIndex(kDownstreamTab);
    layout->addWidget(m_tabs, 1);

    m_generalErrors = new QLabel;
    m_generalErrors->setObjectName(QStringLiteral("generalErrors"));
    m_generalErrors->setWordWrap(true);
    m_generalErrors->setStyleSheet(QStringLiteral("QLabel { color: #c62828; }"));
    m_generalErrors->hide();
    layout->addWidget(m_generalErrors);

    connect(m_preset, &QComboBox::currentIndexChanged, this, &SetupPanel::onPresetChosen);
    for (ConfigEditor* editor : std::initializer_list<ConfigEditor*>{
             m_general, m_model, m_upstream, m_downstream, m_strategies, m_sequence, m_eval}) {
        connect(editor, &ConfigEditor::changed, this, &SetupPanel::revalidate);
    }
    setConfig(ExperimentConfig{});
}

SetupPanel::~SetupPanel() = default;

void SetupPanel::setValidator(Validator validator) {
    m_validator = std::move(validator);
    revalidate();
}

void SetupPanel::setPresets(const QVector<PresetChoice>& presets) {
    m_presets = presets;
    const QSignalBlocker block(m_preset);
    m_preset->clear();
    for (const PresetChoice& p : presets) {
        m_preset->addItem(p.title.isEmpty() ? p.name : p.title, p.name);
        m_preset->setItemData(m_preset->count() - 1, p.name, Qt::ToolTipRole);
    }
    m_preset->setCurrentIndex(-1);
}

bool SetupPanel::selectPreset(const QString& name) {
    const int index = m_preset->findData(name);
    if (index < 0) return false;
    if (index == m_preset->currentIndex()) {
        onPresetChosen(index);
    } else {
        m_preset->setCurrentIndex(index);
    }
    return true;
}

QString SetupPanel::currentPresetName() const {
    return m_preset->currentData().toString();
}

void SetupPanel::onPresetChosen(int index) {
    if (index < 0 || index >= m_presets.size()) {
        m_explanation->clear();
        return;
    }
    const PresetChoice& p = m_presets.at(index);
    m_explanation->setMarkdown(p.explanation);
    setConfig(p.config);
}

void SetupPanel::setConfig(const ExperimentConfig& config) {
    m_loading = true;
    m_general->setGeneral(config);
    m_model->setModel(config.model);
    m_upstream->setPhase(config.upstream);
    m_downstream->setPhase(config.downstream);
    m_eval->setEval(config.eval);
    m_strategies->setStrategies(config.strategies);
    m_sequence->setSequence(config.sequence);
    m_loading = false;
    revalidate();
}

void SetupPanel::revalidate() {
    if (m_loading) return;
    // Settings the form does not edit (there are none today) survive from the last config.
    ExperimentConfig config = m_config;
    std::vector<ConfigError> errors;
    m_general->readGeneral(config, errors);
    m_model->readModel(config.model, errors);
    m_upstream->readPhase(config.upstream, errors);
    m_downstream->readPhase(config.downstream, errors);
    m_eval->readEval(config.eval, errors);
    m_strategies->readStrategies(config.strategies, errors);
    m_sequence->readSequence(config.sequence, errors);
    m_eval->setLanguageModel(config.model.kind == "gpt");
    // The memory estimate counts the fine-tuning optimizer's state on the chosen device.
    m_model->setTrainingContext(config.downstream.optimizer.name, config.device);
    m_upstream->setTextFolder(QString::fromStdString(config.text_dir));
    m_downstream->setTextFolder(QString::fromStdString(config.text_dir));
    // The sources offered follow the model; the previews read the tasks' data off this thread.
    m_upstream->setDataContext(config);
    m_downstream->setDataContext(config);
    if (m_validator) {
        for (const ConfigError& e : m_validator(config)) {
            // A field the form could not read was validated with its old value: skip it.
            const bool duplicate =
                std::any_of(errors.begin(), errors.end(),
                            [&](const ConfigError& x) { return x.field == e.field; });
            if (!duplicate) errors.push_back(e);
        }
    }
    m_config = config;
    m_errorList = errors;

    const QStringList unmatched = m_fieldErrors->show(errors);
    m_generalErrors->setText(unmatched.join(QLatin1Char('\n')));
    m_generalErrors->setVisible(!unmatched.isEmpty());
    markTabs();

    const bool valid = errors.empty();
    const bool changedValidity = valid != m_valid;
    m_valid = valid;
    Q_EMIT configChanged();
    if (changedValidity) Q_EMIT validityChanged(valid);
}

void SetupPanel::markTabs() {
    const QIcon warning = style()->standardIcon(QStyle::SP_MessageBoxWarning);
    auto mark = [&](int tab, bool bad) {
        m_tabs->setTabIcon(tab, bad ? warning : QIcon());
        m_tabs->tabBar()->setTabTextColor(tab, bad ? QColor(0xc6, 0x28, 0x28) : QColor());
    };
    bool generalBad = false;
    for (const QString& p : GeneralEditor::fieldPaths())
        generalBad |= m_fieldErrors->hasErrorUnder(p);
    mark(kGeneralTab, generalBad);
    mark(kModelTab, m_fieldErrors->hasErrorUnder(QStringLiteral("model")));
    mark(kUpstreamTab, m_fieldErrors->hasErrorUnder(QStringLiteral("upstream")));
    mark(kDownstreamTab, m_fieldErrors->hasErrorUnder(QStringLiteral("downstream")));
    mark(kStrategiesTab, m_fieldErrors->hasErrorUnder(QStringLiteral("strategies")));
    mark(kSequenceTab, m_fieldErrors->hasErrorUnder(QStringLiteral("sequence")));
    mark(kEvalTab, m_fieldErrors->hasErrorUnder(QStringLiteral("eval")));
}

DataPreview* SetupPanel::dataPreview(const QString& phase) const {
    if (phase == QLatin1String("upstream")) return m_upstream->dataPreview();
    if (phase == QLatin1String("downstream")) return m_downstream->dataPreview();
    return nullptr;
}

void SetupPanel::showDataPreview(const QString& phase) {
    DataPreview* preview = dataPreview(phase);
    if (!preview) return;
    const int tab = phase == QLatin1String("upstream") ? kUpstreamTab : kDownstreamTab;
    m_tabs->setCurrentIndex(tab);
    // Scrolled so the task's box starts at the top: its fields, then the preview under them.
    auto* area = qobject_cast<QScrollArea*>(m_tabs->widget(tab));
    PhaseEditor* phaseEditor = tab == kUpstreamTab ? m_upstream : m_downstream;
    QWidget* taskBox = phaseEditor->taskEditor()->parentWidget();
    if (area && taskBox) {
        area->widget()->layout()->activate();
        area->verticalScrollBar()->setValue(taskBox->mapTo(area->widget(), QPoint()).y() - 4);
        area->horizontalScrollBar()->setValue(0);
    }
}

void SetupPanel::setEditable(bool editable) {
    m_preset->setEnabled(editable);
    for (int i = 0; i < m_tabs->count(); ++i) {
        if (auto* area = qobject_cast<QScrollArea*>(m_tabs->widget(i))) {
            area->widget()->setEnabled(editable);
        }
    }
}

}  // namespace forgetlab::ui
