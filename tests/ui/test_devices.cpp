// Devices in the app: the General tab lists "Automatic (what auto resolves to)", the CPU and
// each CUDA device LibTorch sees; choosing a device or precision writes the config and
// loading a config sets the choosers; precisions the device cannot do are disabled with the
// reason; the status bar names the device (on CUDA with memory in use, re-read while live).

#include <QLabel>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QTemporaryDir>
#include <QTest>

#include "app/bridge/main_window.h"
#include "engine/core/devices.h"
#include "tests/ui/ui_test_helpers.h"
#include "ui/live/device_status.h"
#include "ui/setup/device_choice.h"
#include "ui/setup/setup_panel.h"

using forgetlab::DeviceMemory;
using forgetlab::ExperimentConfig;
using forgetlab::app::MainWindow;
using forgetlab::ui::DeviceStatus;
using forgetlab::ui::SetupPanel;
using namespace forgetlab::test;

namespace {

QStandardItem* precisionItem(QComboBox* precision, const char* value) {
    auto* model = qobject_cast<QStandardItemModel*>(precision->model());
    const int index = precision->findData(QString::fromLatin1(value));
    if (!model || index < 0) qFatal("no precision %s", value);
    return model->item(index);
}

}  // namespace

class TestDevices : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void chooserListsAutomaticAndEveryDevice();
    void choosingWritesTheConfig();
    void loadingAConfigSetsTheChoosers_data();
    void loadingAConfigSetsTheChoosers();
    void bf16IsDisabledOnTheCpuWithTheReason();
    void unavailableDeviceIsNamedBesideTheChooser();
    void statusBarShowsMemoryWhileLive();
    void statusBarShowsTheLiveRunsDevice();

private:
    QTemporaryDir m_dir;
};

void TestDevices::chooserListsAutomaticAndEveryDevice() {
    SetupPanel panel;
    auto* device = field<QComboBox>(&panel, QStringLiteral("device"));
    QCOMPARE(device->itemData(0).toString(), QStringLiteral("auto"));
    QVERIFY2(device->itemText(0).startsWith(QStringLiteral("Automatic (")),
             qPrintable(device->itemText(0)));
    const QString resolved = device->itemData(0, forgetlab::ui::kResolvedDeviceRole).toString();
    QCOMPARE(resolved, QString::fromStdString(forgetlab::defaultDevice()));
    QVERIFY(device->itemText(0).contains(resolved));
    if (!forgetlab::torchHasCuda()) {
        // Debian's CPU-only LibTorch: "auto" is the CPU, and the CPU is all there is.
        QCOMPARE(resolved, QStringLiteral("cpu"));
        QCOMPARE(device->itemText(0), QStringLiteral("Automatic (cpu)"));
        QCOMPARE(device->count(), 2);
    }
    const int cpu = device->findData(QStringLiteral("cpu"));
    QCOMPARE(cpu, 1);
    QVERIFY2(device->itemText(cpu).startsWith(QStringLiteral("CPU")),
             qPrintable(device->itemText(cpu)));
    for (const forgetlab::DeviceInfo& d : forgetlab::listDevices()) {
        const int index = device->findData(QString::fromStdString(d.device));
        QVERIFY2(index > 0, d.device.c_str());
        QVERIFY(device->itemText(index).contains(QString::fromStdString(d.name)));
    }
    // The default config ("auto") shows the automatic entry.
    QCOMPARE(device->currentIndex(), 0);
    QCOMPARE(panel.config().device, std::string("auto"));
    QCOMPARE(panel.config().precision, std::string("fp32"));
}

void TestDevices::choosingWritesTheConfig() {
    MainWindow window;
    QWidget* w = &window;
    chooseValue(w, QStringLiteral("device"), QStringLiteral("cpu"));
    QCOMPARE(window.setupPanel()->config().device, std::string("cpu"));
    chooseValue(w, QStringLiteral("precision"), QStringLiteral("tf32"));
    QCOMPARE(window.setupPanel()->config().precision, std::string("tf32"));
    chooseValue(w, QStringLiteral("precision"), QStringLiteral("fp32"));
    chooseValue(w, QStringLiteral("device"), QStringLiteral("auto"));
    const ExperimentConfig c = window.setupPanel()->config();
    QCOMPARE(c.device, std::string("auto"));
    QCOMPARE(c.precision, std::string("fp32"));
    QVERIFY2(window.setupPanel()->isValid(),
             forgetlab::formatErrors(window.setupPanel()->errors()).c_str());
}

void TestDevices::loadingAConfigSetsTheChoosers_data() {
    QTest::addColumn<QString>("device");
    QTest::addColumn<QString>("precision");
    QTest::newRow("cpu, fp32") << QStringLiteral("cpu") << QStringLiteral("fp32");
    QTest::newRow("auto, bf16") << QStringLiteral("auto") << QStringLiteral("bf16");
    QTest::newRow("cuda, tf32") << QStringLiteral("cuda") << QStringLiteral("tf32");
    QTest::newRow("cuda:7, fp32") << QStringLiteral("cuda:7") << QStringLiteral("fp32");
}

// Whatever a config or preset says comes back unchanged, even where this machine cannot run
// it (validation then names the problem).
void TestDevices::loadingAConfigSetsTheChoosers() {
    QFETCH(QString, device);
    QFETCH(QString, precision);
    SetupPanel panel;
    ExperimentConfig c;
    c.device = device.toStdString();
    c.precision = precision.toStdString();
    panel.setConfig(c);
    QCOMPARE(field<QComboBox>(&panel, QStringLiteral("device"))->currentData().toString(), device);
    QCOMPARE(field<QComboBox>(&panel, QStringLiteral("precision"))->currentData().toString(),
             precision);
    QCOMPARE(panel.config().device, c.device);
    QCOMPARE(panel.config().precision, c.precision);
    const std::string json = forgetlab::configToJson(panel.config());
    // Parsed back from its JSON (validation may refuse it here; the values stay).
    const forgetlab::ConfigParseResult back = forgetlab::parseConfig(json);
    QCOMPARE(back.config.device, c.device);
    QCOMPARE(back.config.precision, c.precision);
    panel.setConfig(back.config);
    QCOMPARE(forgetlab::configToJson(panel.config()), json);
}

void TestDevices::bf16IsDisabledOnTheCpuWithTheReason() {
    MainWindow window;
    QWidget* w = &window;
    chooseValue(w, QStringLiteral("device"), QStringLiteral("cpu"));
    auto* precision = field<QComboBox>(w, QStringLiteral("precision"));
    QVERIFY(precisionItem(precision, "fp32")->isEnabled());
    for (const char* p : {"bf16", "tf32"}) {
        QStandardItem* item = precisionItem(precision, p);
        QVERIFY2(!item->isEnabled(), p);
        const QString reason = QString::fromStdString(forgetlab::precisionProblem("cpu", p));
        QVERIFY(!reason.isEmpty());
        QVERIFY2(item->toolTip().contains(reason), qPrintable(item->toolTip()));
    }
    QVERIFY(precisionItem(precision, "bf16")->toolTip().contains(QStringLiteral("bfloat16")));
    if (!forgetlab::torchHasCuda()) {
        // "auto" is the CPU here: the same.
        chooseValue(w, QStringLiteral("device"), QStringLiteral("auto"));
        QVERIFY(!precisionItem(precision, "bf16")->isEnabled());
    }
    // A config asking for it anyway keeps it, and the reason sits beside the chooser.
    ExperimentConfig c = window.setupPanel()->config();
    c.device = "cpu";
    c.precision = "bf16";
    window.setupPanel()->setConfig(c);
    QCOMPARE(precision->currentData().toString(), QStringLiteral("bf16"));
    QVERIFY(!window.setupPanel()->isValid());
    auto* error = window.findChild<QLabel*>(QStringLiteral("precision.error"));
    QVERIFY(error);
    QVERIFY2(!error->isHidden(), "the precision problem is shown beside the precision");
    QVERIFY2(error->text().contains(QStringLiteral("fp32")), qPrintable(error->text()));
    chooseValue(w, QStringLiteral("precision"), QStringLiteral("fp32"));
    QVERIFY(error->isHidden());
    QVERIFY(window.setupPanel()->isValid());
}

void TestDevices::unavailableDeviceIsNamedBesideTheChooser() {
    if (forgetlab::torchHasCuda()) QSKIP("this LibTorch has CUDA");
    MainWindow window;
    ExperimentConfig c = window.setupPanel()->config();
    c.device = "cuda";
    window.setupPanel()->setConfig(c);
    auto* device = field<QComboBox>(&window, QStringLiteral("device"));
    QVERIFY2(device->currentText().contains(QStringLiteral("not available")),
             qPrintable(device->currentText()));
    QVERIFY(!window.setupPanel()->isValid());
    auto* error = window.findChild<QLabel*>(QStringLiteral("device.error"));
    QVERIFY(error);
    QVERIFY2(!error->isHidden(), "the refused device is named beside the chooser");
    QVERIFY2(error->text().contains(QStringLiteral("this LibTorch has no CUDA")),
             qPrintable(error->text()));
    chooseValue(&window, QStringLiteral("device"), QStringLiteral("cpu"));
    QVERIFY(error->isHidden());
}

void TestDevices::statusBarShowsMemoryWhileLive() {
    DeviceStatus status;
    constexpr int64_t kGiB = int64_t(1) << 30;
    DeviceMemory memory{true, static_cast<int64_t>(12.3 * kGiB),
                        static_cast<int64_t>(139.8 * kGiB)};
    int reads = 0;
    status.setMemoryReader([&](const std::string& device) {
        ++reads;
        return device == "cuda:0" ? memory : DeviceMemory{};
    });
    status.showDevice(QStringLiteral("cuda:0"), QStringLiteral("NVIDIA H200"), true,
                      QStringLiteral("live"));
    QCOMPARE(status.text(), QStringLiteral("cuda:0 · NVIDIA H200 · 12.3 / 139.8 GiB"));
    QVERIFY(status.isWatchingMemory());
    // Re-read about once a second.
    memory.used_bytes = 20 * kGiB;
    QTRY_COMPARE_WITH_TIMEOUT(status.text(),
                              QStringLiteral("cuda:0 · NVIDIA H200 · 20.0 / 139.8 GiB"), 3000);
    // A stored run: the device, no memory (today's figure is not the run's).
    status.showDevice(QStringLiteral("cuda:0"), QStringLiteral("NVIDIA H200"), false,
                      QStringLiteral("stored"));
    QCOMPARE(status.text(), QStringLiteral("cuda:0 · NVIDIA H200"));
    QVERIFY(!status.isWatchingMemory());
    // The CPU: just "cpu", nothing polled.
    reads = 0;
    status.showDevice(QStringLiteral("cpu"), QStringLiteral("CPU (4 threads)"), true,
                      QStringLiteral("live"));
    QCOMPARE(status.text(), QStringLiteral("cpu"));
    QVERIFY(!status.isWatchingMemory());
    QTest::qWait(DeviceStatus::kMemoryRefreshMs + 200);
    QCOMPARE(reads, 0);
}

void TestDevices::statusBarShowsTheLiveRunsDevice() {
    if (forgetlab::torchHasCuda()) QSKIP("checks the CPU-only LibTorch");
    QVERIFY(m_dir.isValid());
    MainWindow window;
    window.show();
    DeviceStatus* status = window.deviceStatus();
    QVERIFY(status);
    // Nothing selected: where the setup would run ("auto" is the CPU here).
    QCOMPARE(status->text(), QStringLiteral("cpu"));
    QVERIFY(status->toolTip().contains(QStringLiteral("next run")));
    QVERIFY(window.openDatabase(m_dir.filePath(QStringLiteral("runs.db"))));
    shrinkExperiment(window, 20);
    QSignalSpy finished(window.controller(), &forgetlab::app::RunController::finished);
    QTest::mouseClick(runButton(window, "startButton"), Qt::LeftButton);
    QVERIFY(window.controller()->isRunning());
    QCOMPARE(status->text(), QStringLiteral("cpu"));
    QVERIFY2(status->toolTip().contains(QStringLiteral("live run")), qPrintable(status->toolTip()));
    QVERIFY(!status->isWatchingMemory());
    QVERIFY(finished.wait(60'000));
    // The finished run is selected: the device it ran on.
    QCOMPARE(status->text(), QStringLiteral("cpu"));
    QVERIFY2(status->toolTip().contains(QStringLiteral("ran on")), qPrintable(status->toolTip()));
}

QTEST_MAIN(TestDevices)
#include "test_devices.moc"
