#pragma once
// The General tab's device and precision choosers. The device list is what LibTorch sees
// (engine listDevices(): the CPU, then each CUDA device with its name and memory) after an
// "Automatic" entry that names what "auto" resolves to here. Precisions the chosen device
// cannot do (engine precisionProblem()) stay listed but disabled, their tooltip saying why,
// so a loaded config that asks for one still shows it and validation names the problem.

#include <QString>
#include <string>
#include <vector>

#include "engine/core/devices.h"

class QComboBox;

namespace forgetlab::ui {

// Item data role holding the concrete device an entry runs on ("cpu", "cuda:0"); empty
// when the entry names a device this machine does not have.
inline constexpr int kResolvedDeviceRole = 0x0100 + 1;  // Qt::UserRole + 1

// "cuda:0 · NVIDIA H200 · 139.8 GiB"; the CPU's name alone.
QString deviceLabel(const DeviceInfo& device);

// "Automatic (…)", then one entry per device; the data of each entry is its config value.
QComboBox* makeDeviceChoice(const std::vector<DeviceInfo>& devices, const std::string& autoDevice);
// Selects value, adding an entry for a spelling not listed ("cuda", "cuda:7") so it
// round-trips and validation can name it.
void setDeviceChoice(QComboBox* box, const std::string& value);

// fp32, bf16 and tf32, each with a tooltip saying what it means.
QComboBox* makePrecisionChoice();
// Enables the precisions `device` (a config value, "auto" included) can do; a disabled
// one's tooltip gives the reason.
void updatePrecisionChoice(QComboBox* precision, const std::string& device);

}  // namespace forgetlab::ui
