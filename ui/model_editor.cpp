#include "ui/model_editor.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLineEdit>

#include "ui/form_helpers.h"

namespace forgetlab::ui {

ModelEditor::ModelEditor(FieldErrors& errors, QWidget* parent)
    : ConfigEditor(QStringLiteral("model"), errors, parent) {
    QFormLayout* form = newForm(this);
    m_kind = makeChoice({{"mlp", tr("MLP (fully connected)")}, {"cnn", tr("CNN (convolutional)")}});
    m_hidden = new QLineEdit;
    m_hidden->setPlaceholderText(QStringLiteral("256, 256"));
    m_activation = makeChoice({{"relu", QStringLiteral("ReLU")},
                               {"tanh", QStringLiteral("tanh")},
                               {"gelu", QStringLiteral("GELU")}});
    m_channels = new QLineEdit;
    m_channels->setPlaceholderText(QStringLiteral("16, 32"));
    m_head = makeChoice({{"shared", tr("shared (class-incremental)")},
                         {"multi", tr("one per task (task-incremental)")}});

    addRow(form, tr("Architecture"), QStringLiteral("kind"), m_kind);
    addRow(form, tr("Hidden widths"), QStringLiteral("hidden"), m_hidden,
           tr("Units of each hidden layer, separated by commas"));
    addRow(form, tr("Activation"), QStringLiteral("activation"), m_activation);
    addRow(form, tr("Conv channels"), QStringLiteral("channels"), m_channels,
           tr("Channels of each convolution block (CNN only)"));
    addRow(form, tr("Output head"), QStringLiteral("head"), m_head,
           tr("A shared head must tell all classes apart; separate heads only those of a task"));
    connect(m_kind, &QComboBox::currentIndexChanged, this, &ModelEditor::updateEnabled);
    updateEnabled();
}

void ModelEditor::updateEnabled() {
    m_channels->setEnabled(choice(m_kind) == "cnn");
}

void ModelEditor::setModel(const ModelConfig& model) {
    setChoice(m_kind, model.kind);
    m_hidden->setText(formatIntList(model.hidden));
    setChoice(m_activation, model.activation);
    m_channels->setText(formatIntList(model.channels));
    setChoice(m_head, model.head);
    updateEnabled();
}

void ModelEditor::readModel(ModelConfig& model, std::vector<ConfigError>& errors) const {
    model.kind = choice(m_kind);
    if (const auto hidden = parseIntList(m_hidden->text())) {
        model.hidden = *hidden;
    } else {
        errors.push_back({"model.hidden", "list of layer widths expected, e.g. 256, 256"});
    }
    model.activation = choice(m_activation);
    if (const auto channels = parseIntList(m_channels->text())) {
        model.channels = *channels;
    } else {
        errors.push_back({"model.channels", "list of channel counts expected, e.g. 16, 32"});
    }
    model.head = choice(m_head);
}

}  // namespace forgetlab::ui
