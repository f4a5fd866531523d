#include "ui/common/plot_style.h"

#include "ui/common/qcp.h"

namespace forgetlab::ui {

QColor runColor(int index) {
    static const QColor palette[] = {
        QColor(0x1f, 0x77, 0xb4),  // blue
        QColor(0xd6, 0x27, 0x28),  // red
        QColor(0x2c, 0xa0, 0x2c),  // green
        QColor(0x94, 0x67, 0xbd),  // purple
        QColor(0xff, 0x7f, 0x0e),  // orange
        QColor(0x17, 0xbe, 0xcf),  // cyan
        QColor(0x8c, 0x56, 0x4b),  // brown
        QColor(0xe3, 0x77, 0xc2),  // pink
    };
    constexpr int n = sizeof(palette) / sizeof(palette[0]);
    return palette[((index % n) + n) % n];
}

void stylePlot(QCustomPlot* plot, const QString& title, const QString& xLabel,
               const QString& yLabel) {
    plot->setAntialiasedElements(QCP::aeAll);
    plot->setNoAntialiasingOnDrag(true);
    // Polylines in one call: the live plots redraw thousands of points many times a second.
    plot->setPlottingHint(QCP::phFastPolylines, true);
    // One paint buffer per plot: QCustomPlot buffers its "overlay" layer separately (for
    // selection rectangles, which no ForgetLab plot uses), and that second buffer would be
    // cleared and composited at every replot, about a tenth of a live refresh.
    if (QCPLayer* overlay = plot->layer(QStringLiteral("overlay")))
        overlay->setMode(QCPLayer::lmLogical);
    // A replot schedules a paint instead of painting at once, so plots replotted together
    // (the three live plots at every refresh) reach the screen in one paint pass; and the
    // plot fills its whole area, so Qt need not paint the widgets beneath it first.
    plot->setPlottingHint(QCP::phImmediateRefresh, false);
    plot->setAttribute(Qt::WA_OpaquePaintEvent);
    plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot->axisRect()->setRangeDrag(Qt::Horizontal | Qt::Vertical);
    plot->axisRect()->setRangeZoom(Qt::Horizontal | Qt::Vertical);

    QFont titleFont = plot->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() + 1);
    plot->plotLayout()->insertRow(0);
    auto* titleElement = new QCPTextElement(plot, title, titleFont);
    titleElement->setMargins(QMargins(0, 4, 0, 0));
    plot->plotLayout()->addElement(0, 0, titleElement);

    // Fixed side margins so the stacked plots' step axes line up pixel for pixel (the
    // sharpness plot has a right axis, the others do not).
    plot->axisRect()->setAutoMargins(QCP::msTop | QCP::msBottom);
    plot->axisRect()->setMargins(QMargins(76, 0, 70, 0));

    plot->xAxis->setLabel(xLabel);
    plot->yAxis->setLabel(yLabel);
    const QColor grid(0xe4, 0xe4, 0xe4);
    for (QCPAxis* axis : {plot->xAxis, plot->yAxis, plot->yAxis2}) {
        axis->grid()->setPen(QPen(grid, 1, Qt::SolidLine));
        axis->grid()->setSubGridVisible(false);
        axis->setTickLabelColor(QColor(0x40, 0x40, 0x40));
        axis->setLabelColor(QColor(0x20, 0x20, 0x20));
    }
    plot->yAxis2->grid()->setVisible(false);

    // The legend sits in a strip between title and axes, never on top of the curves.
    plot->legend->setVisible(true);
    plot->axisRect()->insetLayout()->take(plot->legend);
    // Centred: empty cells on both sides take the spare width instead of the legend's columns.
    auto* strip = new QCPLayoutGrid;
    plot->plotLayout()->insertRow(1);
    plot->plotLayout()->addElement(1, 0, strip);
    plot->plotLayout()->setRowStretchFactor(1, 0.001);
    strip->addElement(0, 0, new QCPLayoutElement(plot));
    strip->addElement(0, 1, plot->legend);
    strip->addElement(0, 2, new QCPLayoutElement(plot));
    strip->setColumnStretchFactors({1.0, 0.001, 1.0});
    plot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    plot->legend->setWrap(4);
    plot->legend->setBrush(Qt::NoBrush);
    plot->legend->setBorderPen(Qt::NoPen);
    plot->legend->setMargins(QMargins(4, 0, 4, 0));
    plot->legend->setColumnSpacing(16);
    plot->legend->setRowSpacing(0);
    plot->legend->setLayer(QStringLiteral("legend"));
    QFont legendFont = plot->font();
    legendFont.setPointSizeF(legendFont.pointSizeF() - 0.5);
    plot->legend->setFont(legendFont);
}

QCPColorGradient lossGradient() {
    // Eight stops sampled from matplotlib's viridis.
    static const QColor stops[] = {QColor(0x44, 0x01, 0x54), QColor(0x46, 0x33, 0x7e),
                                   QColor(0x36, 0x5c, 0x8d), QColor(0x27, 0x7f, 0x8e),
                                   QColor(0x1f, 0xa1, 0x87), QColor(0x4a, 0xc1, 0x6d),
                                   QColor(0xa0, 0xda, 0x39), QColor(0xfd, 0xe7, 0x25)};
    QCPColorGradient g;
    g.clearColorStops();
    constexpr int n = sizeof(stops) / sizeof(stops[0]);
    for (int i = 0; i < n; ++i) g.setColorStopAt(double(i) / (n - 1), stops[i]);
    g.setColorInterpolation(QCPColorGradient::ciRGB);
    g.setLevelCount(256);
    return g;
}

void styleMatrixPlot(QCustomPlot* plot) {
    plot->setInteractions(QCP::Interactions());
    plot->legend->setVisible(false);
    plot->axisRect()->setAutoMargins(QCP::msAll);
    plot->yAxis->setRangeReversed(true);  // task 0 on top, as a matrix is read
    for (QCPAxis* axis : {plot->xAxis, plot->yAxis}) {
        axis->grid()->setVisible(false);
        axis->setSubTicks(false);
        axis->setTickLength(0, 3);
    }
}

QCPColorScale* addColorScale(QCustomPlot* plot, QCPColorMap* map, const QCPColorGradient& gradient,
                             const QString& label) {
    auto* scale = new QCPColorScale(plot);
    scale->setType(QCPAxis::atRight);
    scale->setGradient(gradient);
    scale->axis()->setLabel(label);
    scale->setBarWidth(12);
    map->setColorScale(scale);
    // The axis rect sits in the last row (title and legend strip above it).
    const int row = plot->plotLayout()->rowCount() - 1;
    plot->plotLayout()->addElement(row, 1, scale);
    auto* group = new QCPMarginGroup(plot);
    plot->axisRect()->setMarginGroup(QCP::msTop | QCP::msBottom, group);
    scale->setMarginGroup(QCP::msTop | QCP::msBottom, group);
    return scale;
}

}  // namespace forgetlab::ui
