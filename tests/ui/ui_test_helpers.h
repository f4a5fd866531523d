#pragma once
// Helpers for the GUI tests: find the setup panel's editors by their config path and
// shrink the default preset (through the widgets, as a person would) so a whole run
// takes seconds.

#include <QComboBox>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSpinBox>
#include <QString>
#include <QTest>
#include <QToolButton>

#include "app/bridge/main_window.h"
#include "app/bridge/jobs/run_controller.h"

namespace forgetlab::test {

template <class W>
W* field(QWidget* root, const QString& path) {
    W* w = root->findChild<W*>(path);
    if (!w) qFatal("no editor named %s", qPrintable(path));
    return w;
}

inline void setSpin(QWidget* root, const QString& path, int value) {
    field<QSpinBox>(root, path)->setValue(value);
}

inline void typeInto(QWidget* root, const QString& path, const QString& text) {
    QLineEdit* edit = field<QLineEdit>(root, path);
    edit->selectAll();
    edit->del();
    QTest::keyClicks(edit, text);
}

inline void chooseValue(QWidget* root, const QString& path, const QString& value) {
    QComboBox* box = field<QComboBox>(root, path);
    const int index = box->findData(value);
    if (index < 0) qFatal("no value %s in %s", qPrintable(value), qPrintable(path));
    box->setCurrentIndex(index);
}

// A small version of the default preset: tiny MLP, few examples and steps.
inline void shrinkExperiment(app::MainWindow& window, int fineTuningSteps) {
    QWidget* w = &window;
    typeInto(w, QStringLiteral("model.hidden"), QStringLiteral("32"));
    setSpin(w, QStringLiteral("upstream.steps"), 60);
    setSpin(w, QStringLiteral("upstream.batch_size"), 32);
    setSpin(w, QStringLiteral("upstream.task.train_size"), 600);
    setSpin(w, QStringLiteral("upstream.task.test_size"), 200);
    setSpin(w, QStringLiteral("downstream.steps"), fineTuningSteps);
    setSpin(w, QStringLiteral("downstream.batch_size"), 32);
    setSpin(w, QStringLiteral("downstream.task.train_size"), 600);
    setSpin(w, QStringLiteral("downstream.task.test_size"), 200);
    setSpin(w, QStringLiteral("eval.every"), 10);
    setSpin(w, QStringLiteral("eval.hessian_every"), 20);
    setSpin(w, QStringLiteral("eval.probe_size"), 64);
    setSpin(w, QStringLiteral("eval.hessian_max_iters"), 20);
}

// The button bound to a run action ("startButton", "stopButton", ...).
inline QToolButton* runButton(app::MainWindow& window, const char* name) {
    auto* b = window.findChild<QToolButton*>(QString::fromLatin1(name));
    if (!b) qFatal("no button %s", name);
    return b;
}

// Clicks Start and waits (up to timeoutMs) for the run to end; false if it failed.
inline bool runExperimentToEnd(app::MainWindow& window, RunSummary* summary,
                               int timeoutMs = 60'000) {
    QSignalSpy finished(window.controller(), &app::RunController::finished);
    QSignalSpy failed(window.controller(), &app::RunController::failed);
    QTest::mouseClick(runButton(window, "startButton"), Qt::LeftButton);
    if (!window.controller()->isRunning()) return false;
    for (int waited = 0; finished.isEmpty() && failed.isEmpty() && waited < timeoutMs;
         waited += 50) {
        QTest::qWait(50);
    }
    if (!failed.isEmpty())
        qWarning("run failed: %s", qPrintable(failed.first().first().toString()));
    if (finished.isEmpty()) return false;
    *summary = finished.first().first().value<RunSummary>();
    return true;
}

}  // namespace forgetlab::test
