#include "ui/setup/device_choice.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QStandardItemModel>

#include "ui/common/form_helpers.h"

namespace forgetlab::ui {

namespace {

QString tr(const char* text) {
    return QCoreApplication::translate("forgetlab::ui::DeviceChoice", text);
}

QString gib(int64_t bytes) {
    return QString::number(static_cast<double>(bytes) / (1LL << 30), 'f', 1);
}

const DeviceInfo* findDevice(const std::vector<DeviceInfo>& devices, const std::string& device) {
    for (const DeviceInfo& d : devices)
        if (d.device == device) return &d;
    return nullptr;
}

QString deviceToolTip(const DeviceInfo& d) {
    if (d.device == "cpu")
        return tr("The CPU: fp32 only; the same seed gives bit-identical series");
    QString tip = tr("%1: %2 GiB").arg(QString::fromStdString(d.name), gib(d.memory_bytes));
    if (d.compute_major > 0)
        tip += tr(", compute capability %1.%2").arg(d.compute_major).arg(d.compute_minor);
    tip += d.bf16 ? tr("; bf16 and tf32 available") : tr("; fp32 only");
    return tip;
}

// What the precision means, without any reason it is unavailable.
QString precisionMeaning(const QString& precision) {
    if (precision == QLatin1String("bf16"))
        return tr(
            "bfloat16 autocast for matrix work on a CUDA GPU (compute capability 8.0 or "
            "newer); weights, optimizer and SAM arithmetic stay fp32. Faster, slightly "
            "noisier, not bit-reproducible");
    if (precision == QLatin1String("tf32"))
        return tr(
            "fp32 storage with TF32 matrix multiplications (a 10-bit mantissa) on a CUDA "
            "GPU of compute capability 8.0 or newer. Faster than fp32, close to it");
    return tr(
        "32-bit floating point everywhere: the reference, bit-identical on the CPU for "
        "the same seed");
}

}  // namespace

QString deviceLabel(const DeviceInfo& d) {
    if (d.device == "cpu") return QString::fromStdString(d.name);
    QString label =
        QString::fromStdString(d.device) + QStringLiteral(" · ") + QString::fromStdString(d.name);
    if (d.memory_bytes > 0) label += QStringLiteral(" · %1 GiB").arg(gib(d.memory_bytes));
    return label;
}

QComboBox* makeDeviceChoice(const std::vector<DeviceInfo>& devices, const std::string& autoDevice) {
    auto* box = new QComboBox;
    QString resolved = QString::fromStdString(autoDevice);
    if (const DeviceInfo* d = findDevice(devices, autoDevice); d && d->device != "cpu")
        resolved += QStringLiteral(" · ") + QString::fromStdString(d->name);
    box->addItem(tr("Automatic (%1)").arg(resolved), QStringLiteral("auto"));
    box->setItemData(0, QString::fromStdString(autoDevice), kResolvedDeviceRole);
    box->setItemData(0,
                     tr("The first CUDA device when there is one, else the CPU; the run "
                        "records the device it resolved to"),
                     Qt::ToolTipRole);
    for (const DeviceInfo& d : devices) {
        const int index = box->count();
        box->addItem(deviceLabel(d), QString::fromStdString(d.device));
        box->setItemData(index, QString::fromStdString(d.device), kResolvedDeviceRole);
        box->setItemData(index, deviceToolTip(d), Qt::ToolTipRole);
    }
    return box;
}

void setDeviceChoice(QComboBox* box, const std::string& value) {
    const QString v = QString::fromStdString(value);
    if (box->findData(v) < 0) {
        const DeviceChoice choice = resolveDevice(value);
        const int index = box->count();
        box->addItem(choice.ok() ? tr("%1 (%2)").arg(v, QString::fromStdString(choice.device))
                                 : tr("%1 (not available here)").arg(v),
                     v);
        box->setItemData(index, QString::fromStdString(choice.device), kResolvedDeviceRole);
        box->setItemData(index,
                         choice.ok() ? tr("Same as %1").arg(QString::fromStdString(choice.device))
                                     : QString::fromStdString(choice.error),
                         Qt::ToolTipRole);
    }
    setChoice(box, value);
}

QComboBox* makePrecisionChoice() {
    QComboBox* box = makeChoice({{"fp32", QStringLiteral("fp32")},
                                 {"bf16", QStringLiteral("bf16 (bfloat16 autocast)")},
                                 {"tf32", QStringLiteral("tf32 (TF32 matmuls)")}});
    for (int i = 0; i < box->count(); ++i)
        box->setItemData(i, precisionMeaning(box->itemData(i).toString()), Qt::ToolTipRole);
    return box;
}

void updatePrecisionChoice(QComboBox* precision, const std::string& device) {
    auto* model = qobject_cast<QStandardItemModel*>(precision->model());
    if (!model) return;
    const DeviceChoice resolved = resolveDevice(device == "auto" ? defaultDevice() : device);
    for (int i = 0; i < precision->count(); ++i) {
        const QString p = precision->itemData(i).toString();
        const std::string problem =
            resolved.ok() ? precisionProblem(resolved.device, p.toStdString()) : resolved.error;
        QStandardItem* item = model->item(i);
        // fp32 works everywhere the device itself does.
        const bool enabled = problem.empty() || p == QLatin1String("fp32");
        item->setEnabled(enabled);
        QString tip = precisionMeaning(p);
        if (!enabled)
            tip +=
                QStringLiteral("\n\n") + tr("Unavailable: %1").arg(QString::fromStdString(problem));
        item->setToolTip(tip);
    }
}

}  // namespace forgetlab::ui
