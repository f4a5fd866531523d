#include "ui/plot_style.h"

#include "ui/qcp.h"

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

    plot->legend->setVisible(true);
    plot->legend->setBrush(QColor(255, 255, 255, 215));
    plot->legend->setBorderPen(QPen(QColor(0xc8, 0xc8, 0xc8)));
    QFont legendFont = plot->font();
    legendFont.setPointSizeF(legendFont.pointSizeF() - 1);
    plot->legend->setFont(legendFont);
    plot->legend->setRowSpacing(0);
    plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
}

}  // namespace forgetlab::ui
