#include "ui/setup/general_editor.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QSpinBox>
#include <limits>

#include "engine/core/devices.h"
#include "ui/common/form_helpers.h"
#include "ui/setup/device_choice.h"

namespace forgetlab::ui {

GeneralEditor::GeneralEditor(FieldErrors& errors, QWidget* parent)
    : ConfigEditor(QString(), errors, parent) {
    QFormLayout* form = newForm(this);
    m_name = new QLineEdit;
    m_description = new QLineEdit;
    m_seed = makeIntSpin(0, std::numeric_limits<int>::max());
    m_device = makeDeviceChoice(listDevices(), defaultDevice());
    m_precision = makePrecisionChoice();
    m_dataDir = new QLineEdit;
    m_textDir = new QLineEdit;

    addRow(form, tr("Name"), QStringLiteral("name"), m_name,
           tr("Shown in the run list and in plot legends"));
    addRow(form, tr("Description"), QStringLiteral("description"), m_description);
    addRow(form, tr("Seed"), QStringLiteral("seed"), m_seed,
           tr("Seeds data sampling, initialisation and batching; same seed, same run"));
    addRow(form, tr("Device"), QStringLiteral("device"), m_device,
           tr("Where the run trains and is measured: the CPU or a CUDA GPU LibTorch sees"));
    addRow(form, tr("Precision"), QStringLiteral("precision"), m_precision,
           tr("Number format of the matrix work; hover over a choice for what it means"));
    // What the precision chooser offers follows the device.
    connect(m_device, &QComboBox::currentIndexChanged, this,
            [this] { updatePrecisionChoice(m_precision, choice(m_device)); });
    updatePrecisionChoice(m_precision, choice(m_device));
    addFolderRow(form, tr("Data folder"), QStringLiteral("data_dir"), m_dataDir,
                 tr("Folder with the Fashion-MNIST idx files"));
    addFolderRow(form, tr("Text folder"), QStringLiteral("text_dir"), m_textDir,
                 tr("Folder with the fortune files of text tasks (English; German in de/, "
                    "Spanish in es/)"));
}

QStringList GeneralEditor::fieldPaths() {
    return {QStringLiteral("name"),    QStringLiteral("description"), QStringLiteral("seed"),
            QStringLiteral("device"),  QStringLiteral("precision"),   QStringLiteral("data_dir"),
            QStringLiteral("text_dir")};
}

void GeneralEditor::setGeneral(const ExperimentConfig& c) {
    m_name->setText(QString::fromStdString(c.name));
    m_description->setText(QString::fromStdString(c.description));
    m_seed->setValue(static_cast<int>(std::min<unsigned>(c.seed, std::numeric_limits<int>::max())));
    setDeviceChoice(m_device, c.device);
    setChoice(m_precision, c.precision);
    m_dataDir->setText(QString::fromStdString(c.data_dir));
    m_textDir->setText(QString::fromStdString(c.text_dir));
}

void GeneralEditor::readGeneral(ExperimentConfig& c, std::vector<ConfigError>&) const {
    c.name = m_name->text().trimmed().toStdString();
    c.description = m_description->text().toStdString();
    c.seed = static_cast<unsigned>(m_seed->value());
    c.device = choice(m_device);
    c.precision = choice(m_precision);
    c.data_dir = m_dataDir->text().trimmed().toStdString();
    c.text_dir = m_textDir->text().trimmed().toStdString();
}

}  // namespace forgetlab::ui
