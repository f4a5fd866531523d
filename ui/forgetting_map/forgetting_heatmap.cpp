#include "ui/forgetting_map/forgetting_heatmap.h"

#include <QEvent>
#include <QFontMetrics>
#include <QLabel>
#include <QMouseEvent>
#include <QTimer>
#include <QToolTip>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "ui/common/plot_style.h"
#include "ui/common/qcp.h"

namespace forgetlab::ui {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Row names become y tick labels up to this many rows (more would overlap).
constexpr int kMaxNamedRows = 60;
// Column names become x tick labels up to this many columns.
constexpr int kMaxNamedCols = 30;

QString num(double v) {
    return std::isfinite(v) ? QString::number(v, 'g', 4) : QStringLiteral("—");
}

// k in subscript digits (s₁, u₁₂).
QString subscript(int k) {
    QString digits = QString::number(k);
    for (QChar& c : digits) c = QChar(0x2080 + c.digitValue());
    return digits;
}

// Ascending by key, NaN last, ties by original index.
QVector<int> orderBy(const QVector<double>& key) {
    QVector<int> order(key.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&key](int a, int b) {
        const double ka = key[a], kb = key[b];
        if (std::isnan(ka)) return false;
        if (std::isnan(kb)) return true;
        return ka < kb;
    });
    return order;
}

QVector<int> identity(int n) {
    QVector<int> order(n);
    std::iota(order.begin(), order.end(), 0);
    return order;
}

}  // namespace

QCPColorGradient ForgettingHeatmap::divergingGradient() {
    // ColorBrewer RdBu (reversed: blue negative, red positive). 257 levels put level 128
    // exactly on position 0.5; the white plateau of ±0.5 % of the range keeps 0 white under
    // the rounding of QCPColorMap's bulk colouring too.
    QCPColorGradient g;
    g.clearColorStops();
    g.setColorStopAt(0.0, QColor(0x05, 0x30, 0x61));
    g.setColorStopAt(0.2, QColor(0x21, 0x66, 0xac));
    g.setColorStopAt(0.35, QColor(0x92, 0xc5, 0xde));
    g.setColorStopAt(0.495, QColor(0xff, 0xff, 0xff));
    g.setColorStopAt(0.5, QColor(0xff, 0xff, 0xff));
    g.setColorStopAt(0.505, QColor(0xff, 0xff, 0xff));
    g.setColorStopAt(0.65, QColor(0xf4, 0xa5, 0x82));
    g.setColorStopAt(0.8, QColor(0xb2, 0x18, 0x2b));
    g.setColorStopAt(1.0, QColor(0x67, 0x00, 0x1f));
    g.setColorInterpolation(QCPColorGradient::ciRGB);
    g.setLevelCount(257);
    return g;
}

ForgettingHeatmap::ForgettingHeatmap(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("fmap.heatmap"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    m_plot = new QCustomPlot(this);
    m_plot->setObjectName(QStringLiteral("fmap.heatmap.plot"));
    m_plot->setMinimumSize(320, 260);
    m_plot->setMouseTracking(true);
    layout->addWidget(m_plot, 1);
    m_readout = new QLabel;
    m_readout->setObjectName(QStringLiteral("fmap.heatmap.readout"));
    m_readout->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_readout->setStyleSheet(QStringLiteral("QLabel { color: #424242; }"));
    m_readout->setText(tr("Point at a cell to read its task, example and value."));
    layout->addWidget(m_readout);

    stylePlot(m_plot, tr("No forgetting matrix loaded"), QString(), QString());
    styleMatrixPlot(m_plot);
    m_map = new QCPColorMap(m_plot->xAxis, m_plot->yAxis);
    m_map->setGradient(divergingGradient());
    m_map->setInterpolate(false);
    m_map->setTightBoundary(false);  // cells centred on their coordinates
    m_map->removeFromLegend();

    m_scale = addColorScale(m_plot, m_map, divergingGradient(), tr("forgetting z (loss increase)"));

    m_placeholder = new QCPItemText(m_plot);
    m_placeholder->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_placeholder->position->setCoords(0.5, 0.5);
    m_placeholder->setPositionAlignment(Qt::AlignCenter);
    m_placeholder->setText(
        tr("Choose a stored matrix above, build one with a sweep below, or import a CSV."));
    m_placeholder->setColor(QColor(0x75, 0x75, 0x75));

    // Rebinning follows the plot's width, once the resize has settled.
    m_rebinTimer = new QTimer(this);
    m_rebinTimer->setSingleShot(true);
    m_rebinTimer->setInterval(40);
    connect(m_rebinTimer, &QTimer::timeout, this, [this] {
        if (hasMatrix() && binWidthFor(targetBins()) != m_perBin) {
            rebuildDisplay();
        } else {
            updateAxes();  // texts fitted to the new width
            m_plot->replot(QCustomPlot::rpQueuedReplot);
        }
    });
    m_plot->installEventFilter(this);
    connect(m_plot, &QCustomPlot::mouseMove, this, &ForgettingHeatmap::onMouseMove);
    clear();
}

bool ForgettingHeatmap::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_plot) {
        if (event->type() == QEvent::Resize) m_rebinTimer->start();
        if (event->type() == QEvent::Leave) QToolTip::hideText();
    }
    return QWidget::eventFilter(watched, event);
}

void ForgettingHeatmap::clear() {
    m_data = MatrixData();
    m_component = 0;
    m_rowOrder.clear();
    m_colOrder.clear();
    rebuildDisplay();
}

bool ForgettingHeatmap::setMatrix(const MatrixData& matrix) {
    const bool sizesOk = matrix.rows >= 0 && matrix.cols >= 0 &&
                         qint64(matrix.values.size()) == qint64(matrix.rows) * matrix.cols;
    if (!sizesOk) {
        clear();
        return false;
    }
    m_data = matrix;
    const int r = m_data.rank;
    if (r <= 0 || m_data.singular.size() < r || m_data.u.size() != qint64(m_data.rows) * r ||
        m_data.v.size() != qint64(m_data.cols) * r) {
        m_data.rank = 0;
        m_data.singular.clear();
        m_data.u.clear();
        m_data.v.clear();
    }
    if (m_data.rowNames.size() != m_data.rows) m_data.rowNames.clear();
    if (m_data.colNames.size() != m_data.cols) m_data.colNames.clear();
    if (m_component > m_data.rank) m_component = 0;
    recomputeOrders();
    rebuildDisplay();
    return true;
}

void ForgettingHeatmap::setRowSort(SortMode mode) {
    m_rowSort = mode;
    recomputeOrders();
    rebuildDisplay();
}

void ForgettingHeatmap::setColumnSort(SortMode mode) {
    m_colSort = mode;
    recomputeOrders();
    rebuildDisplay();
}

void ForgettingHeatmap::setComponent(int k) {
    k = (k >= 1 && k <= m_data.rank) ? k : 0;
    if (k == m_component) return;
    m_component = k;
    rebuildDisplay();
}

void ForgettingHeatmap::recomputeOrders() {
    const int rows = m_data.rows, cols = m_data.cols;
    const auto effective = [this](SortMode m) {
        return m == SortMode::Singular && m_data.rank < 1 ? SortMode::Original : m;
    };
    switch (effective(m_rowSort)) {
        case SortMode::Original:
            m_rowOrder = identity(rows);
            break;
        case SortMode::Mean: {
            QVector<double> key(rows, kNaN);
            for (int i = 0; i < rows; ++i) {
                double sum = 0;
                int n = 0;
                const double* row = m_data.values.constData() + qint64(i) * cols;
                for (int j = 0; j < cols; ++j)
                    if (std::isfinite(row[j])) sum += row[j], ++n;
                if (n > 0) key[i] = sum / n;
            }
            m_rowOrder = orderBy(key);
            break;
        }
        case SortMode::Singular: {
            QVector<double> key(rows);
            for (int i = 0; i < rows; ++i) key[i] = m_data.u[qint64(i) * m_data.rank];
            m_rowOrder = orderBy(key);
            break;
        }
    }
    switch (effective(m_colSort)) {
        case SortMode::Original:
            m_colOrder = identity(cols);
            break;
        case SortMode::Mean: {
            // Row-major pass: one sweep over memory even for 100 x 100,000.
            QVector<double> sum(cols, 0.0);
            QVector<int> count(cols, 0);
            for (int i = 0; i < rows; ++i) {
                const double* row = m_data.values.constData() + qint64(i) * cols;
                for (int j = 0; j < cols; ++j)
                    if (std::isfinite(row[j])) sum[j] += row[j], ++count[j];
            }
            QVector<double> key(cols, kNaN);
            for (int j = 0; j < cols; ++j)
                if (count[j] > 0) key[j] = sum[j] / count[j];
            m_colOrder = orderBy(key);
            break;
        }
        case SortMode::Singular: {
            QVector<double> key(cols);
            for (int j = 0; j < cols; ++j) key[j] = m_data.v[qint64(j) * m_data.rank];
            m_colOrder = orderBy(key);
            break;
        }
    }
}

int ForgettingHeatmap::targetBins() const {
    // The axis rect's width once laid out; before the first layout, a guess from the plot.
    int px = m_plot->axisRect()->width();
    if (px < 50) px = m_plot->width() - 160;
    return std::max(50, px);
}

int ForgettingHeatmap::binWidthFor(int pixels) const {
    // Whole columns per bin, all bins equal (but the last): uneven bins would stripe.
    return std::max(1, (m_data.cols + pixels - 1) / std::max(1, pixels));
}

int ForgettingHeatmap::binStart(int displayCol) const {
    return int(std::min<qint64>(m_data.cols, qint64(displayCol) * m_perBin));
}

int ForgettingHeatmap::binEnd(int displayCol) const {
    return binStart(displayCol + 1);
}

void ForgettingHeatmap::rebuildDisplay() {
    const int rows = m_data.rows, cols = m_data.cols;
    m_perBin = binWidthFor(targetBins());
    m_bins = hasMatrix() ? (cols + m_perBin - 1) / m_perBin : 0;
    m_shown.fill(kNaN, qint64(rows) * m_bins);
    double* shown = m_shown.data();
    const int* order = m_colOrder.constData();
    if (m_component == 0) {
        for (int r = 0; r < rows; ++r) {
            const double* row = m_data.values.constData() + qint64(m_rowOrder[r]) * cols;
            for (int b = 0; b < m_bins; ++b) {
                const int first = binStart(b), last = binEnd(b);
                double sum = 0;
                int n = 0;
                for (int c = first; c < last; ++c) {
                    const double v = row[order[c]];
                    if (std::isfinite(v)) sum += v, ++n;
                }
                if (n > 0) shown[qint64(r) * m_bins + b] = sum / n;
            }
        }
    } else if (hasMatrix()) {
        // A bin mean of s u_i v_j is s u_i (mean of v_j over the bin).
        const int k = m_component - 1, rank = m_data.rank;
        QVector<double> binV(m_bins, 0.0);
        for (int b = 0; b < m_bins; ++b) {
            const int first = binStart(b), last = binEnd(b);
            for (int c = first; c < last; ++c) binV[b] += m_data.v[qint64(order[c]) * rank + k];
            binV[b] /= std::max(1, last - first);
        }
        for (int r = 0; r < rows; ++r) {
            const double su = m_data.singular[k] * m_data.u[qint64(m_rowOrder[r]) * rank + k];
            for (int b = 0; b < m_bins; ++b) shown[qint64(r) * m_bins + b] = su * binV[b];
        }
    }

    // Colour range: nearest-rank 99th percentile of |shown|, symmetric about 0.
    QVector<double> magnitudes;
    magnitudes.reserve(m_shown.size());
    double maxAbs = 0;
    for (double v : m_shown) {
        if (!std::isfinite(v)) continue;
        magnitudes << std::abs(v);
        maxAbs = std::max(maxAbs, std::abs(v));
    }
    m_range = 0;
    if (!magnitudes.isEmpty()) {
        const qint64 rank = qint64(std::ceil(0.99 * magnitudes.size())) - 1;
        auto nth = magnitudes.begin() + std::clamp<qint64>(rank, 0, magnitudes.size() - 1);
        std::nth_element(magnitudes.begin(), nth, magnitudes.end());
        m_range = *nth;
    }
    if (!(m_range > 0) || !std::isfinite(m_range)) m_range = maxAbs;
    if (!(m_range > 0) || !std::isfinite(m_range)) m_range = 1.0;

    QCPColorMapData* data = m_map->data();
    const int keys = std::max(1, m_bins), values = std::max(1, rows);
    data->setSize(keys, values);
    // Bin b's centre, in units of display column position: b * perBin + (perBin - 1) / 2.
    const double half = 0.5 * (m_perBin - 1);
    data->setRange(QCPRange(half, double(keys - 1) * m_perBin + half), QCPRange(0, values - 1));
    data->fill(0.0);
    data->fillAlpha(0);
    for (int r = 0; r < rows; ++r) {
        for (int b = 0; b < m_bins; ++b) {
            const double v = m_shown[qint64(r) * m_bins + b];
            if (!std::isfinite(v)) continue;  // unmeasured: transparent
            data->setCell(b, r, v);
            data->setAlpha(b, r, 255);
        }
    }
    m_map->setDataRange(QCPRange(-m_range, m_range));
    updateAxes();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
    Q_EMIT redrawn();
}

QString ForgettingHeatmap::sortText(SortMode mode, bool rows, bool brief) const {
    if (mode == SortMode::Singular && m_data.rank < 1) mode = SortMode::Original;
    switch (mode) {
        case SortMode::Mean:
            return brief ? tr("by mean") : tr("sorted by mean forgetting");
        case SortMode::Singular:
            return rows ? (brief ? tr("by u₁") : tr("sorted by u₁"))
                        : (brief ? tr("by v₁") : tr("sorted by v₁"));
        case SortMode::Original:
            break;
    }
    return brief ? tr("as listed") : tr("original order");
}

void ForgettingHeatmap::updateAxes() {
    const int rows = m_data.rows, cols = m_data.cols;
    // QCustomPlot does not wrap or elide texts: the longest candidate that fits is shown.
    const auto fitting = [](const QStringList& candidates, const QFont& font, int width) {
        const QFontMetrics metrics(font);
        for (const QString& text : candidates)
            if (metrics.horizontalAdvance(text) <= width) return text;
        return candidates.last();
    };
    const int plotWidth = std::max(100, m_plot->width() - 16);
    const int axisWidth =
        m_plot->axisRect()->width() > 50 ? m_plot->axisRect()->width() : plotWidth - 160;
    const int axisHeight =
        m_plot->axisRect()->height() > 50 ? m_plot->axisRect()->height() : m_plot->height() - 120;

    auto* title = qobject_cast<QCPTextElement*>(m_plot->plotLayout()->element(0, 0));
    if (title) {
        QStringList texts;
        if (!hasMatrix()) {
            texts << tr("No forgetting matrix loaded");
        } else if (m_component == 0) {
            texts << tr("Forgetting matrix Z: %1  (%2 tasks × %3 examples)")
                         .arg(m_data.name)
                         .arg(rows)
                         .arg(cols)
                  << tr("Z: %1  (%2 × %3)").arg(m_data.name).arg(rows).arg(cols)
                  << tr("Z (%1 × %2)").arg(rows).arg(cols);
        } else {
            const QString k = subscript(m_component);
            const QString s = num(m_data.singular[m_component - 1]);
            texts << tr("Rank-one component %1 of Z: s%2·u%2·v%2ᵀ,  s%2 = %3  (%4)")
                         .arg(m_component)
                         .arg(k, s, m_data.name)
                  << tr("Component %1: s%2·u%2·v%2ᵀ,  s%2 = %3").arg(m_component).arg(k, s)
                  << tr("s%1·u%1·v%1ᵀ").arg(k);
        }
        title->setText(fitting(texts, title->font(), plotWidth));
    }

    QStringList xLabels;
    const QString xLong = tr("upstream example (%1)").arg(sortText(m_colSort, false, false));
    const QString xShort = tr("upstream example (%1)").arg(sortText(m_colSort, false, true));
    if (isBinned())
        xLabels << xLong + tr(" — binned: %1 examples in %2 bins of %3, bin means")
                               .arg(cols)
                               .arg(m_bins)
                               .arg(m_perBin)
                << xLong + tr(" — binned, %1 per column").arg(m_perBin)
                << xShort + tr(", binned %1 per column").arg(m_perBin);
    else
        xLabels << xLong << xShort;
    m_plot->xAxis->setLabel(fitting(xLabels, m_plot->xAxis->labelFont(), axisWidth));
    m_plot->yAxis->setLabel(
        fitting({tr("fine-tuning task (%1)").arg(sortText(m_rowSort, true, false)),
                 tr("fine-tuning task (%1)").arg(sortText(m_rowSort, true, true))},
                m_plot->yAxis->labelFont(), axisHeight));

    m_plot->xAxis->setRange(-0.5, std::max(1, cols) - 0.5);
    m_plot->yAxis->setRange(-0.5, std::max(1, rows) - 0.5);

    m_placeholder->setVisible(!hasMatrix());
    if (!hasMatrix()) {
        m_plot->xAxis->setTicker(QSharedPointer<QCPAxisTickerText>::create());
        m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTickerText>::create());
    } else if (rows <= kMaxNamedRows) {
        QFont font = m_plot->font();
        if (rows > 30) font.setPointSizeF(font.pointSizeF() - 2);
        m_plot->yAxis->setTickLabelFont(font);
        // Every row named when they fit, else every step-th row.
        const double rowPixels = double(std::max(1, axisHeight)) / rows;
        const int step = std::max(1, int(std::ceil(QFontMetrics(font).height() / rowPixels)));
        auto ticker = QSharedPointer<QCPAxisTickerText>::create();
        for (int r = 0; r < rows; r += step) ticker->addTick(r, rowName(m_rowOrder[r]));
        m_plot->yAxis->setTicker(ticker);
    } else {
        // Many rows: positions in display order.
        m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
        m_plot->yAxis->setTickLabelFont(m_plot->font());
    }
    if (!hasMatrix()) {
        // No ticks (set above).
    } else if (cols <= kMaxNamedCols) {
        auto ticker = QSharedPointer<QCPAxisTickerText>::create();
        for (int c = 0; c < cols; ++c) ticker->addTick(c, colName(m_colOrder[c]));
        m_plot->xAxis->setTicker(ticker);
        m_plot->xAxis->setTickLabelRotation(cols > 12 ? 60 : 0);
    } else {
        m_plot->xAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
        m_plot->xAxis->setTickLabelRotation(0);
    }
    m_scale->setDataRange(QCPRange(-m_range, m_range));
}

QString ForgettingHeatmap::rowName(int row) const {
    return row < m_data.rowNames.size() ? m_data.rowNames[row] : tr("task %1").arg(row);
}

QString ForgettingHeatmap::colName(int col) const {
    return col < m_data.colNames.size() ? m_data.colNames[col] : tr("example %1").arg(col);
}

double ForgettingHeatmap::shownValue(int displayRow, int displayCol) const {
    if (displayRow < 0 || displayRow >= m_data.rows || displayCol < 0 || displayCol >= m_bins)
        return kNaN;
    return m_shown[qint64(displayRow) * m_bins + displayCol];
}

QCPRange ForgettingHeatmap::colorRange() const {
    return QCPRange(-m_range, m_range);
}

QString ForgettingHeatmap::hoverText() const {
    return m_readout->text();
}

QString ForgettingHeatmap::describeCell(int displayRow, int displayCol) const {
    if (displayRow < 0 || displayRow >= m_data.rows || displayCol < 0 || displayCol >= m_bins)
        return QString();
    const QString what = m_component == 0
                             ? QStringLiteral("z")
                             : QStringLiteral("s%1·u%1·v%1ᵀ").arg(subscript(m_component));
    const QString task = rowName(m_rowOrder[displayRow]);
    const int first = binStart(displayCol), last = binEnd(displayCol);
    const double v = shownValue(displayRow, displayCol);
    if (last - first == 1)
        return tr("task: %1   example: %2   %3 = %4")
            .arg(task, colName(m_colOrder[first]), what, num(v));
    return tr("task: %1   examples %2–%3 of %4 in display order (%5 columns)   mean %6 = %7")
        .arg(task)
        .arg(first + 1)
        .arg(last)
        .arg(m_data.cols)
        .arg(last - first)
        .arg(what, num(v));
}

void ForgettingHeatmap::onMouseMove(QMouseEvent* event) {
    if (!hasMatrix()) return;
    const QPointF pos = event->position();
    const double key = m_plot->xAxis->pixelToCoord(pos.x());
    const double val = m_plot->yAxis->pixelToCoord(pos.y());
    const int r = int(std::floor(val + 0.5));
    const int b = int(std::floor((key + 0.5) / m_perBin));
    const QString text =
        m_plot->axisRect()->rect().contains(pos.toPoint()) ? describeCell(r, b) : QString();
    if (text.isEmpty()) {
        QToolTip::hideText();
        return;
    }
    m_readout->setText(text);
    QToolTip::showText(event->globalPosition().toPoint(), text, m_plot);
}

}  // namespace forgetlab::ui
