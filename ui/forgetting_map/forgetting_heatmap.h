#pragma once
// ForgettingHeatmap: the forgetting matrix Z (rows = fine-tuning tasks, columns = upstream
// examples) as a heatmap, or one of its rank-one terms s_k u_k v_k^T. Rows and columns can
// be sorted by their mean or by the leading singular vector, which makes the low-rank
// structure visible as a smooth gradient. Colours diverge from white at 0: red = the task
// made the model forget the example (its loss rose), blue = the example got easier.
//
// Colour range: symmetric ±m, m = the 99th percentile of |value| over the shown cells
// (nearest rank), so a handful of outliers do not wash the map out; cells beyond saturate.
// For small matrices (fewer than 100 cells) this is the maximum |value|. m never collapses
// to 0 (falls back to the maximum, then to 1).
//
// Wide matrices (e.g. 100 x 100,000) are binned for display: when there are more columns
// than the plot has pixels, runs of ceil(columns / pixels) consecutive columns (in display
// order) are averaged into one bin, and the x axis title says so. Rebinned when the plot is
// resized.

#include <QVector>
#include <QWidget>

#include "ui/forgetting_map/forgetting_map_types.h"

class QCustomPlot;
class QCPColorGradient;
class QCPColorMap;
class QCPColorScale;
class QCPItemText;
class QCPRange;
class QLabel;
class QMouseEvent;
class QTimer;

namespace forgetlab::ui {

class ForgettingHeatmap : public QWidget {
    Q_OBJECT
public:
    // Display order of rows / columns, always ascending; ties keep the original order.
    // Singular sorts by u_1 (rows) / v_1 (columns); without singular vectors it falls
    // back to Original.
    enum class SortMode { Original, Mean, Singular };

    explicit ForgettingHeatmap(QWidget* parent = nullptr);

    // False (and cleared) when values does not hold rows * cols numbers. Singular triplets
    // of the wrong size are dropped (rank 0). Sort orders always come from Z, so they stay
    // put when switching components.
    bool setMatrix(const MatrixData& matrix);
    void clear();
    void setRowSort(SortMode mode);
    void setColumnSort(SortMode mode);
    // 0 = Z itself, k = 1..rank = the rank-one term s_k u_k v_k^T (clamped to 0 if k is out
    // of range).
    void setComponent(int k);

    const MatrixData& matrix() const { return m_data; }
    bool hasMatrix() const { return m_data.rows > 0 && m_data.cols > 0; }
    SortMode rowSort() const { return m_rowSort; }
    SortMode columnSort() const { return m_colSort; }
    int component() const { return m_component; }

    // Display order as original indices (display row r shows original row rowOrder()[r]).
    QVector<int> rowOrder() const { return m_rowOrder; }
    QVector<int> columnOrder() const { return m_colOrder; }
    // Columns drawn (bins when binned) and how many original columns the widest bin holds.
    int shownColumns() const { return m_bins; }
    int columnsPerBin() const { return m_perBin; }
    bool isBinned() const { return m_bins < m_data.cols; }
    // The value drawn at a display cell (a bin mean when binned; NaN outside or when the
    // cell is not measured).
    double shownValue(int displayRow, int displayCol) const;
    // The display-order column positions [binStart, binEnd) averaged into display column c.
    int binStart(int displayCol) const;
    int binEnd(int displayCol) const;
    QCPRange colorRange() const;
    QString hoverText() const;
    // The text the hover readout would show for a display cell.
    QString describeCell(int displayRow, int displayCol) const;
    QCustomPlot* plot() const { return m_plot; }
    QCPColorMap* colorMap() const { return m_map; }
    QCPColorScale* colorScale() const { return m_scale; }

    // Blue-white-red, white exactly at the middle; with a range symmetric about 0, white is 0.
    static QCPColorGradient divergingGradient();

Q_SIGNALS:
    // The display changed (matrix, sort, component or binning).
    void redrawn();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void recomputeOrders();
    void rebuildDisplay();
    void updateAxes();
    int targetBins() const;
    int binWidthFor(int pixels) const;
    QString rowName(int row) const;
    QString colName(int col) const;
    QString sortText(SortMode mode, bool rows, bool brief) const;
    void onMouseMove(QMouseEvent* event);

    QCustomPlot* m_plot;
    QCPColorMap* m_map;
    QCPColorScale* m_scale;
    QCPItemText* m_placeholder;
    QLabel* m_readout;
    QTimer* m_rebinTimer;
    MatrixData m_data;
    SortMode m_rowSort = SortMode::Original;
    SortMode m_colSort = SortMode::Original;
    int m_component = 0;
    QVector<int> m_rowOrder, m_colOrder;
    int m_bins = 0;
    int m_perBin = 1;
    QVector<double> m_shown;  // rows x m_bins, display order, row-major
    double m_range = 1.0;
};

}  // namespace forgetlab::ui
