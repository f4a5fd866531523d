#include "ui/continual/accuracy_matrix_view.h"

#include <QVBoxLayout>
#include <cmath>
#include <limits>

#include "ui/common/plot_style.h"
#include "ui/common/qcp.h"

namespace forgetlab::ui {

namespace {

// White (0) -> blue (1): cell text stays readable on both ends (dark text on light
// cells, white text on dark ones).
QCPColorGradient accuracyGradient() {
    QCPColorGradient g;
    g.clearColorStops();
    g.setColorStopAt(0.0, QColor(0xfb, 0xfb, 0xfd));
    g.setColorStopAt(0.35, QColor(0xc6, 0xdb, 0xef));
    g.setColorStopAt(0.7, QColor(0x4f, 0x94, 0xc9));
    g.setColorStopAt(1.0, QColor(0x08, 0x30, 0x6b));
    g.setColorInterpolation(QCPColorGradient::ciRGB);
    g.setLevelCount(200);
    return g;
}

}  // namespace

AccuracyMatrixView::AccuracyMatrixView(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_plot = new QCustomPlot(this);
    m_plot->setObjectName(QStringLiteral("accuracyMatrixPlot"));
    m_plot->setMinimumSize(280, 260);
    layout->addWidget(m_plot);

    stylePlot(m_plot, tr("Accuracy matrix R[i][j]"), tr("evaluated on task j"),
              tr("trained up to task i"));
    styleMatrixPlot(m_plot);
    for (QCPAxis* axis : {m_plot->xAxis, m_plot->yAxis}) {
        auto ticker = QSharedPointer<QCPAxisTickerFixed>::create();
        ticker->setTickStep(1.0);
        ticker->setScaleStrategy(QCPAxisTickerFixed::ssNone);
        axis->setTicker(ticker);
    }
    m_map = new QCPColorMap(m_plot->xAxis, m_plot->yAxis);
    m_map->setGradient(accuracyGradient());
    m_map->setDataRange(QCPRange(0.0, 1.0));
    m_map->setInterpolate(false);
    m_map->setTightBoundary(false);  // cell (i, j) centred on the integer coordinates
    m_map->removeFromLegend();

    auto* scale = addColorScale(m_plot, m_map, accuracyGradient(), tr("accuracy"));
    scale->setDataRange(QCPRange(0.0, 1.0));
    setTaskCount(0);
}

void AccuracyMatrixView::setTaskCount(int tasks) {
    m_tasks = std::max(0, tasks);
    m_rows = QVector<QVector<double>>(m_tasks);
    rebuild();
    Q_EMIT rowsChanged(0);
}

void AccuracyMatrixView::clear() {
    setTaskCount(m_tasks);
}

void AccuracyMatrixView::setRow(int i, const QVector<double>& row) {
    if (i < 0 || i >= m_tasks || row.size() != m_tasks) return;
    m_rows[i] = row;
    redrawCells();
    Q_EMIT rowsChanged(filledRows());
}

int AccuracyMatrixView::filledRows() const {
    int n = 0;
    for (const auto& r : m_rows) n += r.isEmpty() ? 0 : 1;
    return n;
}

double AccuracyMatrixView::cell(int i, int j) const {
    if (!hasRow(i) || j < 0 || j >= m_tasks) return std::numeric_limits<double>::quiet_NaN();
    return m_rows[i][j];
}

QString AccuracyMatrixView::cellText(int i, int j) const {
    if (i < 0 || j < 0 || i >= m_tasks || j >= m_tasks) return {};
    return m_labels[i * m_tasks + j]->text();
}

void AccuracyMatrixView::rebuild() {
    for (QCPItemText* t : m_labels) m_plot->removeItem(t);
    for (QCPItemRect* r : m_diagonal) m_plot->removeItem(r);
    m_labels.clear();
    m_diagonal.clear();
    const int n = std::max(1, m_tasks);
    m_map->data()->setSize(n, n);
    m_map->data()->setRange(QCPRange(0, n - 1), QCPRange(0, n - 1));
    m_plot->xAxis->setRange(-0.5, n - 0.5);
    m_plot->yAxis->setRange(-0.5, n - 0.5);
    QFont font = m_plot->font();
    font.setPointSizeF(m_tasks > 8 ? font.pointSizeF() - 1 : font.pointSizeF() + 1);
    for (int i = 0; i < m_tasks; ++i) {
        for (int j = 0; j < m_tasks; ++j) {
            auto* text = new QCPItemText(m_plot);
            text->position->setType(QCPItemPosition::ptPlotCoords);
            text->position->setCoords(j, i);
            text->setPositionAlignment(Qt::AlignCenter);
            text->setFont(font);
            text->setClipToAxisRect(true);
            m_labels << text;
        }
        auto* rect = new QCPItemRect(m_plot);
        rect->topLeft->setCoords(i - 0.5, i - 0.5);
        rect->bottomRight->setCoords(i + 0.5, i + 0.5);
        rect->setPen(QPen(QColor(0xe6, 0x55, 0x0d), 2.0));
        rect->setBrush(Qt::NoBrush);
        rect->setClipToAxisRect(true);
        m_diagonal << rect;
    }
    redrawCells();
}

void AccuracyMatrixView::redrawCells() {
    QCPColorMapData* data = m_map->data();
    data->fill(0.0);
    data->fillAlpha(0);  // blank until known
    for (int i = 0; i < m_tasks; ++i) {
        for (int j = 0; j < m_tasks; ++j) {
            QCPItemText* text = m_labels[i * m_tasks + j];
            if (!hasRow(i)) {
                text->setText(QString());
                continue;
            }
            const double v = m_rows[i][j];
            // Map cell (key index j, value index i): key = column, value = row.
            data->setCell(j, i, v);
            data->setAlpha(j, i, 255);
            text->setText(QString::number(v, 'f', 2));
            text->setColor(v > 0.55 ? Qt::white : QColor(0x21, 0x21, 0x21));
        }
    }
    m_map->setDataRange(QCPRange(0.0, 1.0));
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace forgetlab::ui
