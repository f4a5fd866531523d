// The Forgetting map tab's widgets driven offscreen with constructed data (no engine, no
// bridge): a 4 x 6 matrix with hand-computed orders and a given rank-1 triplet; the
// diverging colour scale is symmetric and white at 0 (also in the rendered pixels);
// mean and singular-vector sorts; a rank-one component; a 20 x 100,000 matrix is binned
// to the plot's width quickly; the R² and completion tables and the scatter; and the
// tab's controls emit the requests the bridge listens to.

#include <QCheckBox>
#include <QComboBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QMouseEvent>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTest>
#include <cmath>
#include <limits>

#include "ui/forgetting_map/forgetting_heatmap.h"
#include "ui/forgetting_map/forgetting_map_tab.h"
#include "ui/forgetting_map/matrix_analysis_panel.h"
#include "ui/common/qcp.h"

using forgetlab::ui::CompletionData;
using forgetlab::ui::FitData;
using forgetlab::ui::ForgettingHeatmap;
using forgetlab::ui::ForgettingMapTab;
using forgetlab::ui::MatrixAnalysisPanel;
using forgetlab::ui::MatrixData;
using forgetlab::ui::MatrixListEntry;
using forgetlab::ui::SweepRequest;
using SortMode = ForgettingHeatmap::SortMode;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Row means: -0.0667 (1), 0.0667 (3), 0.2667 (0), 0.3 (2) -> rows [1, 3, 0, 2].
// Column sums: 0.7, 1.5, 0.5, 0.3, 0.6, -0.2 -> columns [5, 3, 2, 4, 0, 1].
// Max |z| = 1.2. The rank-1 triplet is given, not fitted: the widget only displays it.
MatrixData smallMatrix() {
    MatrixData m;
    m.id = 7;
    m.name = QStringLiteral("hand-made");
    m.rows = 4;
    m.cols = 6;
    m.values = {0.1,  0.5, -0.2, 0.0,  0.3, 0.9,   //
                -0.4, 0.2, 0.1,  -0.1, 0.0, -0.2,  //
                1.0,  0.8, 0.6,  0.4,  0.2, -1.2,  //
                0.0,  0.0, 0.0,  0.0,  0.1, 0.3};
    m.rowNames = {QStringLiteral("class 0"), QStringLiteral("pair 1-2"),
                  QStringLiteral("rotate 30°"), QStringLiteral("noise 0.5")};
    m.rank = 1;
    m.singular = {2.0};
    m.u = {0.5, 0.1, -0.3, 0.6};             // ascending: [2, 1, 0, 3]
    m.v = {0.3, -0.1, 0.4, 0.2, -0.6, 0.5};  // ascending: [4, 1, 3, 0, 2, 5]
    return m;
}

double z(const MatrixData& m, int i, int j) {
    return m.values[i * m.cols + j];
}

template <class W>
W* child(QWidget* root, const char* name) {
    W* w = root->findChild<W*>(QString::fromLatin1(name));
    if (!w) qFatal("no widget %s", name);
    return w;
}

QString cellText(QTableWidget* table, int row, int col) {
    QTableWidgetItem* item = table->item(row, col);
    return item ? item->text() : QString();
}

}  // namespace

class TestForgettingMapWidgets : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void colourRangeSymmetricAndWhiteAtZero();
    void constantMatrixKeepsARange();
    void sortByMean();
    void sortBySingularVectors();
    void rankOneComponent();
    void hoverReadout();
    void wideMatrixIsBinned();
    void fitAndCompletionTables();
    void scatterIsDecimated();
    void sortAndComponentCombos();
    void startSweepEmitsRequest();
    void sweepNeedsSourceAndFamily();
    void sweepProgressText();
    void predictEmitsSpinValues();
    void resumeOnlyForInterruptedOrStopped();
    void chooserEmitsOnlyOnUserChoice();
    void errorShownAndCleared();
    void importExportSlotsEmit();
};

void TestForgettingMapWidgets::colourRangeSymmetricAndWhiteAtZero() {
    ForgettingHeatmap map;
    map.resize(800, 500);
    map.show();
    QVERIFY(map.setMatrix(smallMatrix()));
    const QCPRange range = map.colorRange();
    QCOMPARE(range.lower, -range.upper);
    QCOMPARE(range.upper, 1.2);
    QCOMPARE(map.colorScale()->dataRange().upper, 1.2);
    QCOMPARE(map.colorScale()->axis()->label(), QStringLiteral("forgetting z (loss increase)"));

    QCPColorGradient g = map.colorMap()->gradient();
    QCOMPARE(QColor(g.color(0.0, range)), QColor(Qt::white));
    const QColor top(g.color(range.upper, range)), bottom(g.color(range.lower, range));
    QVERIFY2(top.red() > top.blue() + 60, "positive (forgotten) is red");
    QVERIFY2(bottom.blue() > bottom.red() + 60, "negative (improved) is blue");

    // The rendered pixel of a zero cell (row 3, column 0) is white, of row 2 column 5
    // (-1.2) blue.
    QCustomPlot* plot = map.plot();
    plot->replot();
    const QImage image = plot->toPixmap().toImage();
    const auto pixel = [&](int row, int col) {
        return QColor(
            image.pixel(int(plot->xAxis->coordToPixel(col)), int(plot->yAxis->coordToPixel(row))));
    };
    QCOMPARE(pixel(3, 0), QColor(Qt::white));
    QVERIFY(pixel(2, 5).blue() > pixel(2, 5).red() + 60);
    QVERIFY(pixel(2, 0).red() > pixel(2, 0).blue() + 60);
}

void TestForgettingMapWidgets::constantMatrixKeepsARange() {
    ForgettingHeatmap map;
    MatrixData m = smallMatrix();
    m.values.fill(0.0);
    m.values[5] = kNaN;  // not measured: ignored
    QVERIFY(map.setMatrix(m));
    QVERIFY(map.colorRange().upper > 0);
    QCOMPARE(map.colorRange().lower, -map.colorRange().upper);
    QVERIFY(std::isnan(map.shownValue(0, 5)));
}

void TestForgettingMapWidgets::sortByMean() {
    ForgettingHeatmap map;
    const MatrixData m = smallMatrix();
    map.setMatrix(m);
    QCOMPARE(map.rowOrder(), QVector<int>({0, 1, 2, 3}));
    map.setRowSort(SortMode::Mean);
    map.setColumnSort(SortMode::Mean);
    QCOMPARE(map.rowOrder(), QVector<int>({1, 3, 0, 2}));
    QCOMPARE(map.columnOrder(), QVector<int>({5, 3, 2, 4, 0, 1}));
    QCOMPARE(map.shownValue(0, 0), z(m, 1, 5));
    QCOMPARE(map.shownValue(3, 5), z(m, 2, 1));
    QVERIFY(map.plot()->xAxis->label().contains(QStringLiteral("by mean")));
    QVERIFY(map.plot()->yAxis->label().startsWith(QStringLiteral("fine-tuning task")));
}

void TestForgettingMapWidgets::sortBySingularVectors() {
    ForgettingHeatmap map;
    const MatrixData m = smallMatrix();
    map.setMatrix(m);
    map.setRowSort(SortMode::Singular);
    map.setColumnSort(SortMode::Singular);
    QCOMPARE(map.rowOrder(), QVector<int>({2, 1, 0, 3}));
    QCOMPARE(map.columnOrder(), QVector<int>({4, 1, 3, 0, 2, 5}));
    QCOMPARE(map.shownValue(0, 0), z(m, 2, 4));
    QVERIFY(map.plot()->xAxis->label().contains(QStringLiteral("by v₁")));
    QVERIFY(map.plot()->yAxis->label().contains(QStringLiteral("by u₁")));

    // Without singular vectors the sort falls back to the original order.
    MatrixData plain = m;
    plain.rank = 0;
    plain.singular.clear();
    plain.u.clear();
    plain.v.clear();
    map.setMatrix(plain);
    QCOMPARE(map.rowOrder(), QVector<int>({0, 1, 2, 3}));
}

void TestForgettingMapWidgets::rankOneComponent() {
    ForgettingHeatmap map;
    map.setMatrix(smallMatrix());
    map.setComponent(1);
    QCOMPARE(map.component(), 1);
    // s_1 u_1 v_1^T at a few cells (original order).
    QVERIFY(qFuzzyCompare(map.shownValue(0, 0), 2.0 * 0.5 * 0.3));
    QVERIFY(qFuzzyCompare(map.shownValue(2, 4), 2.0 * -0.3 * -0.6));
    QVERIFY(qFuzzyCompare(map.shownValue(3, 5), 2.0 * 0.6 * 0.5));
    QVERIFY(qFuzzyCompare(map.colorRange().upper, 2.0 * 0.6 * 0.6));
    // The orders come from Z, whichever component is shown.
    map.setRowSort(SortMode::Mean);
    QCOMPARE(map.rowOrder(), QVector<int>({1, 3, 0, 2}));
    QVERIFY(qFuzzyCompare(map.shownValue(0, 0), 2.0 * 0.1 * 0.3));
    map.setComponent(2);  // out of range: back to Z
    QCOMPARE(map.component(), 0);
    QCOMPARE(map.shownValue(0, 0), -0.4);
}

void TestForgettingMapWidgets::hoverReadout() {
    ForgettingHeatmap map;
    map.resize(800, 500);
    map.show();
    QVERIFY(QTest::qWaitForWindowExposed(&map));
    map.setMatrix(smallMatrix());
    map.plot()->replot();
    const QPoint pos(int(map.plot()->xAxis->coordToPixel(1)),
                     int(map.plot()->yAxis->coordToPixel(2)));
    QMouseEvent move(QEvent::MouseMove, QPointF(pos), QPointF(map.plot()->mapToGlobal(pos)),
                     Qt::NoButton, Qt::NoButton, Qt::NoModifier);
    QApplication::sendEvent(map.plot(), &move);
    const QString text = map.hoverText();
    QVERIFY2(text.contains(QStringLiteral("rotate 30°")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("example 1")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("0.8")), qPrintable(text));
}

void TestForgettingMapWidgets::wideMatrixIsBinned() {
    ForgettingHeatmap map;
    map.resize(900, 500);
    map.show();
    QVERIFY(QTest::qWaitForWindowExposed(&map));
    MatrixData m;
    m.id = 1;
    m.name = QStringLiteral("wide");
    m.rows = 20;
    m.cols = 100000;
    m.values.resize(qint64(m.rows) * m.cols);
    for (int i = 0; i < m.rows; ++i)
        for (int j = 0; j < m.cols; ++j) m.values[i * m.cols + j] = (i + 1) * 1e-5 * (j % 1000);

    QElapsedTimer timer;
    timer.start();
    QVERIFY(map.setMatrix(m));
    map.setColumnSort(SortMode::Mean);
    map.plot()->replot();
    QVERIFY2(timer.elapsed() < 3000, qPrintable(QString::number(timer.elapsed())));
    QVERIFY(map.isBinned());
    QVERIFY(map.shownColumns() >= 50);
    QVERIFY(map.shownColumns() <= map.plot()->width());
    QVERIFY(map.plot()->xAxis->label().contains(QStringLiteral("binned")));
    // Equal whole-column bins (the last may be shorter) that cover every column.
    QVERIFY(map.columnsPerBin() > 1);
    for (int b = 0; b + 1 < map.shownColumns(); ++b)
        QCOMPARE(map.binEnd(b) - map.binStart(b), map.columnsPerBin());
    QCOMPARE(map.binEnd(map.shownColumns() - 1), m.cols);
    // Bin 0 holds the first columns in display (mean) order; its value is their mean.
    const QVector<int> order = map.columnOrder();
    double sum = 0;
    for (int c = map.binStart(0); c < map.binEnd(0); ++c) sum += m.values[order[c]];
    QVERIFY(qFuzzyCompare(map.shownValue(0, 0), sum / (map.binEnd(0) - map.binStart(0))));
    QVERIFY(map.describeCell(0, 0).contains(QStringLiteral("examples")));

    // Narrower plot: fewer bins.
    const int before = map.shownColumns();
    map.resize(500, 500);
    QTRY_VERIFY(map.shownColumns() < before);
    QVERIFY(map.shownColumns() <= map.plot()->width());
}

void TestForgettingMapWidgets::fitAndCompletionTables() {
    MatrixAnalysisPanel panel;
    FitData fit;
    fit.valid = true;
    fit.r2Rank = {0.81234, 0.9, 0.95};
    fit.additive = 0.7777;
    fit.taskOnly = 0.5;
    fit.exampleOnly = kNaN;
    panel.setFit(fit);
    QTableWidget* t = panel.fitTable();
    QCOMPARE(t->rowCount(), 8);
    QCOMPARE(cellText(t, 0, 0), QStringLiteral("rank 1"));
    QCOMPARE(cellText(t, 0, 1), QStringLiteral("0.812"));
    QCOMPARE(cellText(t, 1, 1), QStringLiteral("0.900"));
    QCOMPARE(cellText(t, 2, 1), QStringLiteral("0.950"));
    QCOMPARE(cellText(t, 3, 1), QStringLiteral("—"));  // rank 4 not given
    QCOMPARE(cellText(t, 5, 1), QStringLiteral("0.778"));
    QCOMPARE(cellText(t, 6, 1), QStringLiteral("0.500"));
    QCOMPARE(cellText(t, 7, 1), QStringLiteral("—"));
    QVERIFY(cellText(t, 5, 0).startsWith(QStringLiteral("additive")));

    CompletionData c;
    c.valid = true;
    c.holdout = 4;
    c.observed = 30;
    c.seeds = 5;
    c.methods = {QStringLiteral("additive"), QStringLiteral("kNN"), QStringLiteral("low-rank")};
    c.rmse = {0.125, 0.0625, 0.05};
    c.f1 = {0.5, kNaN, 0.875};
    c.auc = {0.75, 0.8, kNaN};
    c.actual = {0.1, -0.2, 0.3};
    c.predicted = {{0.0, 0.0, 0.0}, {0.1, -0.1, 0.2}, {0.1, -0.2, 0.3}};
    panel.setCompletion(c);
    QTableWidget* ct = panel.completionTable();
    QCOMPARE(ct->rowCount(), 3);
    QCOMPARE(cellText(ct, 1, 0), QStringLiteral("kNN"));
    QCOMPARE(cellText(ct, 0, 1), QStringLiteral("0.1250"));
    QCOMPARE(cellText(ct, 2, 2), QStringLiteral("0.875"));
    QCOMPARE(cellText(ct, 1, 2), QStringLiteral("—"));
    QCOMPARE(cellText(ct, 2, 3), QStringLiteral("—"));
    QCOMPARE(cellText(ct, 0, 3), QStringLiteral("0.750"));
    QCOMPARE(panel.completionCaption(),
             QStringLiteral("4 held-out tasks, 30 observed entries each, mean over 5 seeds"));
    // One scatter graph per method plus the y = x line, all in the legend.
    QCOMPARE(panel.scatter()->graphCount(), 4);
    QCOMPARE(panel.scatter()->graph(1)->name(), QStringLiteral("kNN"));
    QCOMPARE(panel.scatter()->graph(0)->dataCount(), 3);
    QCOMPARE(panel.scatter()->xAxis->label(), QStringLiteral("actual z"));
    QCOMPARE(panel.scatter()->yAxis->label(), QStringLiteral("predicted z"));

    panel.clear();
    QCOMPARE(panel.completionTable()->rowCount(), 0);
    QCOMPARE(cellText(t, 0, 1), QStringLiteral("—"));
    QCOMPARE(panel.scatter()->graphCount(), 0);
}

void TestForgettingMapWidgets::scatterIsDecimated() {
    MatrixAnalysisPanel panel;
    CompletionData c;
    c.valid = true;
    c.methods = {QStringLiteral("a"), QStringLiteral("b")};
    c.rmse = c.f1 = c.auc = {0.1, 0.2};
    for (int i = 0; i < 23456; ++i) c.actual << std::sin(i * 0.01);
    c.predicted = {c.actual, c.actual};
    panel.setCompletion(c);
    QCOMPARE(panel.scatter()->graphCount(), 3);
    for (int g = 0; g < 2; ++g) {
        QVERIFY(panel.scatter()->graph(g)->dataCount() <= MatrixAnalysisPanel::kMaxScatterPoints);
        QVERIFY(panel.scatter()->graph(g)->dataCount() > 1000);
    }
}

void TestForgettingMapWidgets::sortAndComponentCombos() {
    ForgettingMapTab tab;
    tab.setMatrix(smallMatrix());
    auto* rows = child<QComboBox>(&tab, "fmap.sort.rows");
    auto* cols = child<QComboBox>(&tab, "fmap.sort.cols");
    auto* component = child<QComboBox>(&tab, "fmap.component");
    rows->setCurrentIndex(rows->findData(int(SortMode::Mean)));
    cols->setCurrentIndex(cols->findData(int(SortMode::Singular)));
    QCOMPARE(tab.heatmap()->rowOrder(), QVector<int>({1, 3, 0, 2}));
    QCOMPARE(tab.heatmap()->columnOrder(), QVector<int>({4, 1, 3, 0, 2, 5}));
    QCOMPARE(component->count(), 2);  // Z, component 1
    component->setCurrentIndex(1);
    QCOMPARE(tab.heatmap()->component(), 1);
    // A new matrix without triplets resets the component to Z.
    MatrixData plain = smallMatrix();
    plain.id = 8;
    plain.rank = 0;
    tab.setMatrix(plain);
    QCOMPARE(component->count(), 1);
    QCOMPARE(tab.heatmap()->component(), 0);
}

void TestForgettingMapWidgets::startSweepEmitsRequest() {
    ForgettingMapTab tab;
    tab.show();
    tab.setSweepSource(QStringLiteral("run #12 sgd (step 600)"));
    for (const QString& family : ForgettingMapTab::families())
        child<QCheckBox>(&tab, qPrintable(QStringLiteral("fmap.sweep.family.") + family))
            ->setChecked(family == QLatin1String("permute") || family == QLatin1String("noise"));
    child<QSpinBox>(&tab, "fmap.sweep.per_family")->setValue(4);
    child<QSpinBox>(&tab, "fmap.sweep.steps")->setValue(75);
    child<QSpinBox>(&tab, "fmap.sweep.examples")->setValue(2500);
    QVERIFY(child<QLabel>(&tab, "fmap.sweep.source")->text().contains(QStringLiteral("run #12")));

    QSignalSpy spy(&tab, &ForgettingMapTab::sweepRequested);
    auto* start = child<QPushButton>(&tab, "fmap.sweep.start");
    QVERIFY(start->isEnabled());
    QTest::mouseClick(start, Qt::LeftButton);
    QCOMPARE(spy.count(), 1);
    const auto request = spy.first().first().value<SweepRequest>();
    QCOMPARE(request.families, QStringList({QStringLiteral("permute"), QStringLiteral("noise")}));
    QCOMPARE(request.perFamily, 4);
    QCOMPARE(request.steps, 75);
    QCOMPARE(request.examples, 2500);

    // While running: Start off, Cancel on and emits once.
    tab.setSweepRunning(true);
    QVERIFY(!start->isEnabled());
    auto* cancel = child<QPushButton>(&tab, "fmap.sweep.cancel");
    QVERIFY(cancel->isEnabled());
    QSignalSpy cancelSpy(&tab, &ForgettingMapTab::sweepCancelRequested);
    QTest::mouseClick(cancel, Qt::LeftButton);
    QCOMPARE(cancelSpy.count(), 1);
    QVERIFY(!cancel->isEnabled());
    tab.setSweepRunning(false);
    QVERIFY(start->isEnabled());
}

void TestForgettingMapWidgets::sweepNeedsSourceAndFamily() {
    ForgettingMapTab tab;
    auto* start = child<QPushButton>(&tab, "fmap.sweep.start");
    QVERIFY(!start->isEnabled());  // no checkpoint to start from
    QVERIFY(!child<QLabel>(&tab, "fmap.sweep.source")->text().isEmpty());
    tab.setSweepSource(QStringLiteral("run #3"));
    QVERIFY(start->isEnabled());
    for (const QString& family : ForgettingMapTab::families())
        child<QCheckBox>(&tab, qPrintable(QStringLiteral("fmap.sweep.family.") + family))
            ->setChecked(false);
    QVERIFY(!start->isEnabled());
    QVERIFY(!child<QCheckBox>(&tab, "fmap.sweep.family.labelperm")->toolTip().isEmpty());
}

void TestForgettingMapWidgets::sweepProgressText() {
    ForgettingMapTab tab;
    tab.setSweepRunning(true);
    QCOMPARE(tab.sweepProgressText(), QStringLiteral("starting…"));
    tab.setSweepProgress(0, 0, QStringLiteral("preparing the sweep…"));
    QCOMPARE(tab.sweepProgressText(), QStringLiteral("preparing the sweep…"));
    tab.setSweepProgress(12, 40, QStringLiteral("task 12 / 40: rotate 30° (40%)"));
    QCOMPARE(tab.sweepProgressText(), QStringLiteral("task 12 / 40: rotate 30° (40%)"));
    auto* bar = child<QProgressBar>(&tab, "fmap.sweep.progress");
    QCOMPARE(bar->value(), 12);
    QCOMPARE(bar->maximum(), 40);
    tab.setSweepProgress(13, 40, QString());
    QCOMPARE(tab.sweepProgressText(), QStringLiteral("task 13 / 40"));
}

void TestForgettingMapWidgets::predictEmitsSpinValues() {
    ForgettingMapTab tab;
    tab.show();
    auto* predict = child<QPushButton>(&tab, "fmap.complete.predict");
    QVERIFY(!predict->isEnabled());  // nothing to predict yet
    tab.setMatrix(smallMatrix());
    QVERIFY(predict->isEnabled());
    QCOMPARE(child<QSpinBox>(&tab, "fmap.complete.k")->value(), 30);
    QCOMPARE(child<QSpinBox>(&tab, "fmap.complete.seeds")->value(), 5);
    child<QSpinBox>(&tab, "fmap.complete.h")->setValue(2);
    child<QSpinBox>(&tab, "fmap.complete.k")->setValue(3);
    child<QSpinBox>(&tab, "fmap.complete.seeds")->setValue(4);
    QSignalSpy spy(&tab, &ForgettingMapTab::completionRequested);
    QTest::mouseClick(predict, Qt::LeftButton);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.first().at(0).toInt(), 2);
    QCOMPARE(spy.first().at(1).toInt(), 3);
    QCOMPARE(spy.first().at(2).toInt(), 4);
    tab.setCompletionRunning(true);
    QVERIFY(!predict->isEnabled());
    tab.setCompletionRunning(false);
    QVERIFY(predict->isEnabled());
}

void TestForgettingMapWidgets::resumeOnlyForInterruptedOrStopped() {
    ForgettingMapTab tab;
    tab.setMatrices({{1, QStringLiteral("a"), 10, 10, 100, QStringLiteral("done")},
                     {2, QStringLiteral("b"), 3, 10, 100, QStringLiteral("interrupted")},
                     {3, QStringLiteral("c"), 4, 10, 100, QStringLiteral("running")},
                     {4, QStringLiteral("d"), 5, 10, 100, QStringLiteral("stopped")}});
    auto* chooser = child<QComboBox>(&tab, "fmap.matrix");
    QCOMPARE(chooser->count(), 4);
    QCOMPARE(chooser->itemText(1), QStringLiteral("#2 b  3/10 x 100  interrupted"));
    auto* resume = child<QPushButton>(&tab, "fmap.sweep.resume");
    QVERIFY(!resume->isEnabled());  // nothing chosen
    const bool expected[] = {false, true, false, true};
    for (int i = 0; i < 4; ++i) {
        chooser->setCurrentIndex(i);
        QCOMPARE(resume->isEnabled(), expected[i]);
    }
    chooser->setCurrentIndex(1);
    QSignalSpy spy(&tab, &ForgettingMapTab::resumeRequested);
    QTest::mouseClick(resume, Qt::LeftButton);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.first().first().toLongLong(), 2);
    tab.setSweepRunning(true);
    QVERIFY(!resume->isEnabled());
}

void TestForgettingMapWidgets::chooserEmitsOnlyOnUserChoice() {
    ForgettingMapTab tab;
    QSignalSpy spy(&tab, &ForgettingMapTab::matrixChosen);
    const QVector<MatrixListEntry> entries = {
        {5, QStringLiteral("x"), 2, 2, 6, QStringLiteral("done")},
        {7, QStringLiteral("y"), 4, 4, 6, QStringLiteral("done")}};
    tab.setMatrices(entries);
    tab.setMatrix(smallMatrix());  // id 7: selected silently
    QCOMPARE(tab.currentMatrixId(), 7);
    tab.setMatrices(entries);  // refresh keeps the choice
    QCOMPARE(tab.currentMatrixId(), 7);
    QCOMPARE(spy.count(), 0);
    child<QComboBox>(&tab, "fmap.matrix")->setCurrentIndex(0);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.first().first().toLongLong(), 5);
}

void TestForgettingMapWidgets::errorShownAndCleared() {
    ForgettingMapTab tab;
    tab.show();
    auto* error = child<QLabel>(&tab, "fmap.error");
    tab.showError(QStringLiteral("CSV row 3 has 5 values, expected 6"));
    QCOMPARE(tab.errorText(), QStringLiteral("CSV row 3 has 5 values, expected 6"));
    QVERIFY(error->isVisible());
    tab.setMatrix(smallMatrix());
    QVERIFY(tab.errorText().isEmpty());
    QVERIFY(!error->isVisible());

    MatrixData broken = smallMatrix();
    broken.values.removeLast();
    tab.setMatrix(broken);
    QVERIFY(tab.errorText().contains(QStringLiteral("inconsistent")));
    QVERIFY(!tab.heatmap()->hasMatrix());

    tab.showMessage(QStringLiteral("Exported 4 x 6 to /tmp/z.csv"));
    QCOMPARE(child<QLabel>(&tab, "fmap.message")->text(),
             QStringLiteral("Exported 4 x 6 to /tmp/z.csv"));
}

void TestForgettingMapWidgets::importExportSlotsEmit() {
    ForgettingMapTab tab;
    QSignalSpy imports(&tab, &ForgettingMapTab::importCsvRequested);
    QSignalSpy exports(&tab, &ForgettingMapTab::exportCsvRequested);
    QVERIFY(!child<QPushButton>(&tab, "fmap.export")->isEnabled());
    tab.setMatrix(smallMatrix());
    QVERIFY(child<QPushButton>(&tab, "fmap.export")->isEnabled());
    tab.importCsv(QStringLiteral("/tmp/in.csv"));
    tab.exportCsv(QStringLiteral("/tmp/out.csv"));
    QCOMPARE(imports.count(), 1);
    QCOMPARE(imports.first().first().toString(), QStringLiteral("/tmp/in.csv"));
    QCOMPARE(exports.count(), 1);
    QCOMPARE(exports.first().first().toString(), QStringLiteral("/tmp/out.csv"));
}

QTEST_MAIN(TestForgettingMapWidgets)
#include "test_forgetting_map_widgets.moc"
