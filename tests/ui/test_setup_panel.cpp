// The setup panel: validation messages appear beside the offending field and keep Start
// disabled until the problem is fixed.

#include <QAction>
#include <QLabel>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include "app/bridge/main_window.h"
#include "tests/ui/ui_test_helpers.h"
#include "ui/run_actions.h"
#include "ui/setup_panel.h"

using forgetlab::app::MainWindow;
using namespace forgetlab::test;

class TestSetupPanel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void defaultPresetIsReady();
    void badValueShowsErrorBesideField_data();
    void badValueShowsErrorBesideField();
    void presetChoiceReplacesFields();

private:
    QTemporaryDir m_dir;
};

void TestSetupPanel::initTestCase() {
    QVERIFY(m_dir.isValid());
}

void TestSetupPanel::defaultPresetIsReady() {
    MainWindow window;
    QVERIFY(window.openDatabase(m_dir.filePath(QStringLiteral("runs.db"))));
    QCOMPARE(window.setupPanel()->currentPresetName(), QStringLiteral("split-fmnist-sgd"));
    QVERIFY2(window.setupPanel()->isValid(), "default preset should validate");
    QVERIFY(window.runActions()->start()->isEnabled());
    QVERIFY(!window.runActions()->pauseResume()->isEnabled());
    QVERIFY(!window.runActions()->stop()->isEnabled());
}

void TestSetupPanel::badValueShowsErrorBesideField_data() {
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("bad");
    QTest::addColumn<QString>("good");
    QTest::newRow("negative learning rate") << QStringLiteral("downstream.optimizer.lr")
                                            << QStringLiteral("-0.1") << QStringLiteral("0.05");
    QTest::newRow("learning rate not a number") << QStringLiteral("downstream.optimizer.lr")
                                                << QStringLiteral("fast") << QStringLiteral("0.01");
    QTest::newRow("upstream weight decay not a number")
        << QStringLiteral("upstream.optimizer.weight_decay") << QStringLiteral("1e-")
        << QStringLiteral("0");
    QTest::newRow("class list with a word") << QStringLiteral("downstream.task.classes")
                                            << QStringLiteral("5, six") << QStringLiteral("5, 6");
}

void TestSetupPanel::badValueShowsErrorBesideField() {
    QFETCH(QString, path);
    QFETCH(QString, bad);
    QFETCH(QString, good);
    MainWindow window;
    window.show();
    QVERIFY(window.openDatabase(m_dir.filePath(QStringLiteral("runs.db"))));
    auto* startButton = window.findChild<QToolButton*>(QStringLiteral("startButton"));
    QVERIFY(startButton);
    QVERIFY(startButton->isEnabled());

    typeInto(&window, path, bad);
    auto* error = window.findChild<QLabel*>(path + QStringLiteral(".error"));
    QVERIFY(error);
    QVERIFY2(!error->isHidden(), qPrintable(path + " should show an error"));
    QVERIFY(!error->text().isEmpty());
    QVERIFY(!window.setupPanel()->isValid());
    QVERIFY(!startButton->isEnabled());
    QVERIFY(!window.runActions()->start()->isEnabled());
    // Clicking the disabled button starts nothing.
    QTest::mouseClick(startButton, Qt::LeftButton);
    QVERIFY(!window.runActions()->stop()->isEnabled());

    typeInto(&window, path, good);
    QVERIFY(error->isHidden());
    QVERIFY(window.setupPanel()->isValid());
    QVERIFY(startButton->isEnabled());
}

void TestSetupPanel::presetChoiceReplacesFields() {
    MainWindow window;
    QVERIFY(window.selectPreset(QStringLiteral("split-fmnist-sam")));
    auto* sam = window.findChild<QComboBox*>(QStringLiteral("downstream.optimizer.sam"));
    QVERIFY(sam);
    QCOMPARE(sam->currentData().toString(), QStringLiteral("sam"));
    QCOMPARE(window.setupPanel()->config().downstream.optimizer.sam, std::string("sam"));
    QVERIFY(window.selectPreset(QStringLiteral("split-fmnist-sgd")));
    QCOMPARE(sam->currentData().toString(), QStringLiteral("none"));
    QVERIFY(!window.selectPreset(QStringLiteral("no-such-preset")));
}

QTEST_MAIN(TestSetupPanel)
#include "test_setup_panel.moc"
