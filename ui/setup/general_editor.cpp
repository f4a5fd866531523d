#include "ui/setup/general_editor.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QSpinBox>
#include <limits>

#include "ui/common/form_helpers.h"

namespace forgetlab::ui {

GeneralEditor::GeneralEditor(FieldErrors& errors, QWidget* parent)
    : ConfigEditor(QString(), errors, parent) {
    QFormLayout* form = newForm(this);
    m_name = new QLineEdit;
    m_description = new QLineEdit;
    m_seed = makeIntSpin(0, std::numeric_limits<int>::max());
    m_device = makeChoice({{"cpu", QStringLiteral("CPU")}, {"cuda", QStringLiteral("CUDA GPU")}});
    m_dataDir = new QLineEdit;
    m_textDir = new QLineEdit;

    addRow(form, tr("Name"), QStringLiteral("name"), m_name,
           tr("Shown in the run list and in plot legends"));
    addRow(form, tr("Description"), QStringLiteral("description"), m_description);
    addRow(form, tr("Seed"), QStringLiteral("seed"), m_seed,
           tr("Seeds data sampling, initialisation and batching; same seed, same run"));
    addRow(form, tr("Device"), QStringLiteral("device"), m_device);
    addFolderRow(form, tr("Data folder"), QStringLiteral("data_dir"), m_dataDir,
                 tr("Folder with the Fashion-MNIST idx files"));
    addFolderRow(form, tr("Text folder"), QStringLiteral("text_dir"), m_textDir,
                 tr("Folder with the fortune files of text tasks (English; German in de/, "
                    "Spanish in es/)"));
}

QStringList GeneralEditor::fieldPaths() {
    return {QStringLiteral("name"),   QStringLiteral("description"), QStringLiteral("seed"),
            QStringLiteral("device"), QStringLiteral("data_dir"),    QStringLiteral("text_dir")};
}

void GeneralEditor::setGeneral(const ExperimentConfig& c) {
    m_name->setText(QString::fromStdString(c.name));
    m_description->setText(QString::fromStdString(c.description));
    m_seed->setValue(static_cast<int>(std::min<unsigned>(c.seed, std::numeric_limits<int>::max())));
    setChoice(m_device, c.device);
    m_dataDir->setText(QString::fromStdString(c.data_dir));
    m_textDir->setText(QString::fromStdString(c.text_dir));
}

void GeneralEditor::readGeneral(ExperimentConfig& c, std::vector<ConfigError>&) const {
    c.name = m_name->text().trimmed().toStdString();
    c.description = m_description->text().toStdString();
    c.seed = static_cast<unsigned>(m_seed->value());
    c.device = choice(m_device);
    c.data_dir = m_dataDir->text().trimmed().toStdString();
    c.text_dir = m_textDir->text().trimmed().toStdString();
}

}  // namespace forgetlab::ui
