// The Forgetting map tab in the real main window, driven as a person would: select a stored
// run, start a small sweep from its pre-trained model with the tab's own controls, cancel
// it after the first finished row (the row is kept, Resume appears), resume it to the end,
// see the matrix, its R² table (equal to the engine's fit of the stored matrix) and a
// completion table after Predict; import a CSV that is not a matrix and read the error.

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include "app/bridge/jobs/forgetting_map_controller.h"
#include "app/bridge/main_window.h"
#include "engine/forgetting/forgetting_matrix.h"
#include "engine/sessions/forgetting_sweep.h"
#include "engine/core/run_control.h"
#include "engine/sessions/run_session.h"
#include "engine/store/store.h"
#include "tests/ui/ui_test_helpers.h"
#include "ui/forgetting_map/forgetting_heatmap.h"
#include "ui/forgetting_map/forgetting_map_tab.h"
#include "ui/forgetting_map/matrix_analysis_panel.h"
#include "ui/runs/run_list.h"

using namespace forgetlab;
using forgetlab::app::ForgettingMapController;
using forgetlab::app::MainWindow;
using forgetlab::test::field;

namespace {

ExperimentConfig tinyConfig() {
    ExperimentConfig c;
    c.name = "source";
    c.seed = 4;
    c.model.hidden = {16};
    c.upstream.task.train_size = 400;
    c.upstream.task.test_size = 150;
    c.upstream.steps = 40;
    c.downstream.task.classes = {5, 6, 7, 8};
    c.downstream.task.train_size = 300;
    c.downstream.task.test_size = 100;
    c.downstream.steps = 10;
    c.eval.every = 5;
    c.eval.hessian_every = 0;
    c.eval.probe_size = 32;
    c.eval.example_losses = 60;
    return c;
}

}  // namespace

class TestForgettingMap : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        Store store(dbPath().toStdString());
        RunControl control;
        m_source = runAndRecord(tinyConfig(), store, control);
        QCOMPARE(QString::fromStdString(m_source.status), QStringLiteral("done"));
    }

    void sweepCancelResumeFitAndPredict() {
        MainWindow window;
        window.resize(1500, 950);
        window.show();
        QVERIFY(window.openDatabase(dbPath()));
        window.runList()->selectRun(m_source.run_id);
        QVERIFY(window.showTab(QStringLiteral("forgetting")));
        QCOMPARE(window.currentTab(), QStringLiteral("forgetting"));
        ui::ForgettingMapTab* tab = window.forgettingMap();
        ForgettingMapController* ctl = window.forgettingMapController();

        // A small sweep: the six pairs of classes 5-8 and two rotations, 8 steps each.
        for (const QString& f : ui::ForgettingMapTab::families())
            field<QCheckBox>(tab, QStringLiteral("fmap.sweep.family.") + f)
                ->setChecked(f == QLatin1String("pair") || f == QLatin1String("rotate"));
        field<QSpinBox>(tab, QStringLiteral("fmap.sweep.per_family"))->setValue(2);
        field<QSpinBox>(tab, QStringLiteral("fmap.sweep.steps"))->setValue(8);
        field<QSpinBox>(tab, QStringLiteral("fmap.sweep.examples"))->setValue(60);
        auto* start = field<QPushButton>(tab, QStringLiteral("fmap.sweep.start"));
        auto* cancel = field<QPushButton>(tab, QStringLiteral("fmap.sweep.cancel"));
        auto* resume = field<QPushButton>(tab, QStringLiteral("fmap.sweep.resume"));
        QVERIFY(start->isEnabled());

        // Cancel as soon as the first row is stored: it is kept.
        QSignalSpy finished(ctl, &ForgettingMapController::sweepFinished);
        QTest::mouseClick(start, Qt::LeftButton);
        QVERIFY(ctl->isSweeping());
        QVERIFY(cancel->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(rowsStored() >= 1, 60'000);
        QTest::mouseClick(cancel, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60'000);
        const qint64 id = finished.first().at(0).toLongLong();
        QCOMPARE(finished.first().at(1).toString(), QStringLiteral("stopped"));
        const int kept = rowsStored();
        QVERIFY(kept >= 1 && kept < 8);
        QTRY_VERIFY(resume->isEnabled());
        QVERIFY(tab->messageText().contains(QStringLiteral("Resume")));

        // Resume: only the missing rows run; the matrix is complete afterwards.
        QTest::mouseClick(resume, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 120'000);
        QCOMPARE(finished.last().at(1).toString(), QStringLiteral("done"));
        QCOMPARE(rowsStored(), 8);
        QVERIFY(!resume->isEnabled());

        // The heatmap shows the stored matrix; the R² table equals the engine's fit of it.
        ui::ForgettingHeatmap* heat = tab->heatmap();
        QTRY_COMPARE_WITH_TIMEOUT(heat->rowOrder().size(), 8, 30'000);
        QCOMPARE(heat->columnOrder().size(), 60);
        Store store(dbPath().toStdString());
        const ForgetMatrix z = loadStoredMatrix(store, id);
        const FitReport fit = fitMatrix(z);
        QTableWidget* fitTable = tab->analysis()->fitTable();
        QTRY_COMPARE(fitTable->item(0, 1)->text(), QString::number(fit.r2_rank[0], 'f', 3));
        QCOMPARE(fitTable->item(5, 1)->text(), QString::number(fit.r2_additive, 'f', 3));
        QCOMPARE(heat->shownValue(0, 0), z.at(heat->rowOrder()[0], heat->columnOrder()[0]));

        // Predict: hold out 2 tasks, reveal 20 entries; the table gets three methods.
        field<QSpinBox>(tab, QStringLiteral("fmap.complete.h"))->setValue(2);
        field<QSpinBox>(tab, QStringLiteral("fmap.complete.k"))->setValue(20);
        field<QSpinBox>(tab, QStringLiteral("fmap.complete.seeds"))->setValue(2);
        QSignalSpy completed(ctl, &ForgettingMapController::completionFinished);
        auto* predict = field<QPushButton>(tab, QStringLiteral("fmap.complete.predict"));
        QTRY_VERIFY(predict->isEnabled());
        QTest::mouseClick(predict, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(completed.count(), 1, 60'000);
        QVERIFY(completed.first().at(0).toBool());
        QTableWidget* comp = tab->analysis()->completionTable();
        QCOMPARE(comp->rowCount(), 3);
        CompletionOptions o;
        o.holdout_rows = 2;
        o.observed = 20;
        o.seeds = 2;
        const CompletionReport expected = completeMatrix(z, o);
        QCOMPARE(comp->item(2, 1)->text().toDouble(),
                 QString::number(expected.methods[2].rmse, 'f', 4).toDouble());

        // Too many held-out tasks: a clear refusal beside the controls, nothing crashes.
        field<QSpinBox>(tab, QStringLiteral("fmap.complete.h"))->setValue(7);
        QTest::mouseClick(predict, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(completed.count(), 2, 30'000);
        QVERIFY(!completed.last().at(0).toBool());
        QVERIFY2(tab->errorText().contains(QStringLiteral("9")), qPrintable(tab->errorText()));

        // A CSV that is not a matrix: the error names the line and column.
        const QString bad = m_dir.filePath(QStringLiteral("bad.csv"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("1,2\n3,x\n");
        f.close();
        tab->importCsv(bad);
        QTRY_VERIFY(tab->errorText().contains(QStringLiteral("line 2")));
        QVERIFY(tab->errorText().contains(QStringLiteral("column 2")));

        // Export, then import again: a second matrix with the same values.
        const QString out = m_dir.filePath(QStringLiteral("z.csv"));
        tab->exportCsv(out);
        QTRY_VERIFY(QFile::exists(out));
        tab->importCsv(out);
        QTRY_COMPARE(int(store.listMatrices().size()), 2);
        QCOMPARE(loadStoredMatrix(store, store.listMatrices().back().id).values, z.values);
    }

private:
    QString dbPath() const { return m_dir.filePath(QStringLiteral("runs.db")); }
    int rowsStored() const {
        Store store(dbPath().toStdString());
        const auto all = store.listMatrices();
        return all.empty() ? 0 : static_cast<int>(all.front().rows_done);
    }
    QTemporaryDir m_dir;
    RunSummary m_source;
};

QTEST_MAIN(TestForgettingMap)
#include "test_forgetting_map.moc"
