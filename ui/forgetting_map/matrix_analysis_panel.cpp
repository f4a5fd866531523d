#include "ui/forgetting_map/matrix_analysis_panel.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "ui/common/plot_style.h"
#include "ui/common/qcp.h"

namespace forgetlab::ui {

namespace {

constexpr int kRanks = 5;

QTableWidgetItem* cell(const QString& text, bool number) {
    auto* item = new QTableWidgetItem(text);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    if (number) item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

QString fixed(double v, int decimals) {
    return std::isfinite(v) ? QString::number(v, 'f', decimals) : QStringLiteral("—");
}

QString at(const QVector<double>& values, int i, int decimals) {
    return i < values.size() ? fixed(values[i], decimals) : QStringLiteral("—");
}

QTableWidget* makeTable(int rows, const QStringList& headers) {
    auto* table = new QTableWidget(rows, headers.size());
    table->setHorizontalHeaderLabels(headers);
    table->verticalHeader()->setVisible(false);
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 6);
    // Numbers take the width they need; the name column the rest (eliding if it must).
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    table->setAlternatingRowColors(true);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionMode(QAbstractItemView::NoSelection);
    table->setFocusPolicy(Qt::NoFocus);
    table->setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    return table;
}

// Tall enough for the header and `rows` rows, no taller.
void fitHeight(QTableWidget* table, int rows) {
    const int h = table->horizontalHeader()->sizeHint().height() +
                  rows * table->verticalHeader()->defaultSectionSize() + 2 * table->frameWidth();
    table->setMinimumHeight(std::min(h, 4 * table->verticalHeader()->defaultSectionSize()));
    table->setMaximumHeight(h);
}

}  // namespace

MatrixAnalysisPanel::MatrixAnalysisPanel(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("fmap.analysis"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(3);

    auto* fitTitle = new QLabel(tr("<b>How simple is the forgetting pattern?</b>"));
    layout->addWidget(fitTitle);
    m_fitHelp = new QLabel(
        tr("R² = share of the variance of Z a model explains (1 = all of it). Rank 1 is "
           "z<sub>ij</sub> ≈ a<sub>i</sub>·b<sub>j</sub>: how much a task makes the model forget "
           "times how forgettable an example is."));
    m_fitHelp->setObjectName(QStringLiteral("fmap.fit.help"));
    m_fitHelp->setWordWrap(true);
    m_fitHelp->setStyleSheet(QStringLiteral("QLabel { color: #555555; }"));
    layout->addWidget(m_fitHelp);

    const QStringList models = {tr("rank 1"),
                                tr("rank 2"),
                                tr("rank 3"),
                                tr("rank 4"),
                                tr("rank 5"),
                                tr("additive μ + a_i + b_j"),
                                tr("task only (row means)"),
                                tr("example only (column means)")};
    m_fitTable = makeTable(models.size(), {tr("Model of Z"), tr("R²")});
    m_fitTable->setObjectName(QStringLiteral("fmap.fit.table"));
    for (int i = 0; i < models.size(); ++i) m_fitTable->setItem(i, 0, cell(models[i], false));
    m_fitTable->item(kRanks, 0)->setToolTip(
        tr("Each task adds a constant and each example adds a constant"));
    fitHeight(m_fitTable, models.size());
    layout->addWidget(m_fitTable);

    auto* completionTitle = new QLabel(tr("<b>Predicting forgetting of a new task</b>"));
    completionTitle->setToolTip(
        tr("Held-out tasks reveal a few of their entries; each method predicts the rest from "
           "the other tasks. F1 and AUC call z > 0 \"forgotten\"."));
    layout->addWidget(completionTitle);
    m_completionCaption = new QLabel;
    m_completionCaption->setObjectName(QStringLiteral("fmap.completion.caption"));
    m_completionCaption->setWordWrap(true);
    m_completionCaption->setStyleSheet(QStringLiteral("QLabel { color: #555555; }"));
    layout->addWidget(m_completionCaption);
    m_completionTable = makeTable(0, {tr("Method"), tr("RMSE"), tr("F1"), tr("AUC")});
    m_completionTable->setObjectName(QStringLiteral("fmap.completion.table"));
    m_completionTable->horizontalHeaderItem(2)->setToolTip(
        tr("F1 of predicting which examples are forgotten (z > 0)"));
    m_completionTable->horizontalHeaderItem(3)->setToolTip(
        tr("Area under the ROC curve of the prediction ranking forgotten (z > 0) examples "
           "first; 0.5 = chance"));
    fitHeight(m_completionTable, 3);
    layout->addWidget(m_completionTable);

    m_scatter = new QCustomPlot;
    m_scatter->setObjectName(QStringLiteral("fmap.completion.scatter"));
    m_scatter->setMinimumSize(240, 220);
    stylePlot(m_scatter, tr("Predicted vs actual z"), tr("actual z"), tr("predicted z"));
    m_scatter->axisRect()->setAutoMargins(QCP::msAll);
    // The legend goes into the top-left corner of the axes, which a scatter along y = x
    // leaves empty, instead of stylePlot's strip (too narrow for four entries in a side
    // panel).
    QCPLegend* legend = m_scatter->legend;
    for (int i = 0; i < m_scatter->plotLayout()->elementCount(); ++i) {
        auto* strip = qobject_cast<QCPLayoutGrid*>(m_scatter->plotLayout()->elementAt(i));
        if (strip && strip->take(legend)) {
            m_scatter->plotLayout()->remove(strip);
            break;
        }
    }
    m_scatter->plotLayout()->simplify();
    m_scatter->axisRect()->insetLayout()->addElement(legend, Qt::AlignTop | Qt::AlignLeft);
    legend->setFillOrder(QCPLayoutGrid::foRowsFirst);
    legend->setWrap(0);
    legend->setBrush(QColor(255, 255, 255, 225));
    legend->setBorderPen(QPen(QColor(0xc8, 0xc8, 0xc8)));
    legend->setMargins(QMargins(5, 3, 5, 3));
    layout->addWidget(m_scatter, 1);
    clear();
}

void MatrixAnalysisPanel::clear() {
    clearFit();
    clearCompletion();
}

void MatrixAnalysisPanel::clearFit() {
    for (int i = 0; i < m_fitTable->rowCount(); ++i)
        m_fitTable->setItem(i, 1, cell(QStringLiteral("—"), true));
}

void MatrixAnalysisPanel::clearCompletion() {
    m_completionTable->setRowCount(0);
    m_completionCaption->setText(
        tr("Press Predict: some tasks are held out, a few of their entries revealed, and the "
           "rest predicted from the other tasks."));
    m_scatter->clearGraphs();
    m_scatter->legend->setVisible(false);
    m_scatter->xAxis->setRange(-1, 1);
    m_scatter->yAxis->setRange(-1, 1);
    m_scatter->replot(QCustomPlot::rpQueuedReplot);
}

void MatrixAnalysisPanel::setFit(const FitData& fit) {
    clearFit();
    if (!fit.valid) return;
    for (int k = 0; k < kRanks; ++k) m_fitTable->setItem(k, 1, cell(at(fit.r2Rank, k, 3), true));
    m_fitTable->setItem(kRanks, 1, cell(fixed(fit.additive, 3), true));
    m_fitTable->setItem(kRanks + 1, 1, cell(fixed(fit.taskOnly, 3), true));
    m_fitTable->setItem(kRanks + 2, 1, cell(fixed(fit.exampleOnly, 3), true));
}

QString MatrixAnalysisPanel::completionCaption() const {
    return m_completionCaption->text();
}

void MatrixAnalysisPanel::setCompletion(const CompletionData& c) {
    clearCompletion();
    if (!c.valid) return;
    m_completionCaption->setText(tr("%1 held-out tasks, %2 observed entries each, mean over %3 "
                                    "seeds")
                                     .arg(c.holdout)
                                     .arg(c.observed)
                                     .arg(c.seeds));
    const int methods = c.methods.size();
    m_completionTable->setRowCount(methods);
    for (int m = 0; m < methods; ++m) {
        m_completionTable->setItem(m, 0, cell(c.methods[m], false));
        m_completionTable->setItem(m, 1, cell(at(c.rmse, m, 4), true));
        m_completionTable->setItem(m, 2, cell(at(c.f1, m, 3), true));
        m_completionTable->setItem(m, 3, cell(at(c.auc, m, 3), true));
    }
    fitHeight(m_completionTable, std::max(3, methods));

    // Scatter: every method's predictions against the same actual values.
    const int n = c.actual.size();
    const int stride = std::max(1, (n + kMaxScatterPoints - 1) / kMaxScatterPoints);
    double lo = 0, hi = 0;
    bool any = false;
    for (int m = 0; m < methods && m < c.predicted.size(); ++m) {
        const QVector<double>& pred = c.predicted[m];
        QVector<double> xs, ys;
        xs.reserve(n / stride + 1);
        ys.reserve(n / stride + 1);
        for (int i = 0; i < n && i < pred.size(); i += stride) {
            if (!std::isfinite(c.actual[i]) || !std::isfinite(pred[i])) continue;
            xs << c.actual[i];
            ys << pred[i];
            const double a = std::min(c.actual[i], pred[i]), b = std::max(c.actual[i], pred[i]);
            lo = any ? std::min(lo, a) : a;
            hi = any ? std::max(hi, b) : b;
            any = true;
        }
        QCPGraph* g = m_scatter->addGraph();
        g->setName(c.methods[m]);
        g->setLineStyle(QCPGraph::lsNone);
        QColor color = runColor(m);
        QColor fill = color;
        fill.setAlpha(110);
        g->setPen(QPen(color));
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, fill, fill, 4));
        g->setAdaptiveSampling(false);
        g->setData(xs, ys);
    }
    if (!any) lo = -1, hi = 1;
    const double pad = std::max(1e-9, 0.05 * (hi - lo));
    lo -= pad;
    hi += pad;
    QCPGraph* diagonal = m_scatter->addGraph();
    diagonal->setName(tr("y = x (perfect)"));
    diagonal->setPen(QPen(QColor(0x61, 0x61, 0x61), 1.2, Qt::DashLine));
    diagonal->setData({lo, hi}, {lo, hi});
    m_scatter->legend->setVisible(true);
    m_scatter->xAxis->setRange(lo, hi);
    m_scatter->yAxis->setRange(lo, hi);
    m_scatter->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace forgetlab::ui
