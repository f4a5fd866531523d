#pragma once
// DeviceStatus: the status-bar part that says where a run computes: "cpu", or on CUDA
// "cuda:0 · NVIDIA H200 · 12.3 / 139.8 GiB". While a run is live on a CUDA device the
// memory in use (the whole device's, from the driver) is re-read about once a second by a
// timer on the GUI thread; the call is cheap and never makes a CUDA context of its own.

#include <QLabel>
#include <functional>
#include <string>

#include "engine/core/devices.h"

class QTimer;

namespace forgetlab::ui {

class DeviceStatus : public QLabel {
    Q_OBJECT
public:
    using MemoryReader = std::function<DeviceMemory(const std::string& device)>;

    static constexpr int kMemoryRefreshMs = 1000;

    explicit DeviceStatus(QWidget* parent = nullptr);

    // Shows device ("cpu", "cuda:0") and its name; live: the run trains now, so a CUDA
    // device's memory in use is shown and kept current. why: the tooltip's first line
    // (whose device this is).
    void showDevice(const QString& device, const QString& name, bool live, const QString& why);
    // Where memory figures come from (engine deviceMemory() unless a test says otherwise).
    void setMemoryReader(MemoryReader reader);
    bool isWatchingMemory() const;

    // "12.3 / 139.8 GiB"
    static QString formatMemory(const DeviceMemory& memory);

private:
    void refresh();

    QTimer* m_timer;
    MemoryReader m_reader;
    QString m_device, m_name;
    bool m_live = false;
};

}  // namespace forgetlab::ui
