#include "ui/live/device_status.h"

#include <QTimer>

namespace forgetlab::ui {

DeviceStatus::DeviceStatus(QWidget* parent)
    : QLabel(parent), m_timer(new QTimer(this)), m_reader(&deviceMemory) {
    setObjectName(QStringLiteral("statusDevice"));
    setStyleSheet(QStringLiteral("QLabel { color: #616161; }"));
    setContentsMargins(0, 0, 12, 0);  // apart from the database label on its right
    m_timer->setInterval(kMemoryRefreshMs);
    connect(m_timer, &QTimer::timeout, this, &DeviceStatus::refresh);
}

QString DeviceStatus::formatMemory(const DeviceMemory& m) {
    constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
    return tr("%1 / %2 GiB")
        .arg(static_cast<double>(m.used_bytes) / kGiB, 0, 'f', 1)
        .arg(static_cast<double>(m.total_bytes) / kGiB, 0, 'f', 1);
}

void DeviceStatus::showDevice(const QString& device, const QString& name, bool live,
                              const QString& why) {
    m_device = device;
    m_name = name;
    m_live = live;
    const bool cuda = device.startsWith(QLatin1String("cuda"));
    QString tip = why;
    if (!name.isEmpty()) tip += QStringLiteral("\n") + name;
    if (cuda && live)
        tip += QStringLiteral("\n") + tr("Memory: in use on the whole device / total");
    setToolTip(tip);
    if (cuda && live) {
        if (!m_timer->isActive()) m_timer->start();
    } else {
        m_timer->stop();
    }
    refresh();
}

void DeviceStatus::setMemoryReader(MemoryReader reader) {
    m_reader = std::move(reader);
    refresh();
}

bool DeviceStatus::isWatchingMemory() const {
    return m_timer->isActive();
}

void DeviceStatus::refresh() {
    if (m_device.isEmpty()) {
        clear();
        return;
    }
    QString text = m_device;
    const bool cuda = m_device.startsWith(QLatin1String("cuda"));
    if (cuda && !m_name.isEmpty()) text += QStringLiteral(" · ") + m_name;
    if (cuda && m_live && m_reader) {
        const DeviceMemory memory = m_reader(m_device.toStdString());
        if (memory.known) text += QStringLiteral(" · ") + formatMemory(memory);
    }
    setText(text);
}

}  // namespace forgetlab::ui
