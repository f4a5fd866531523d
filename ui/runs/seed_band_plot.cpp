#include "ui/runs/seed_band_plot.h"

#include <QVBoxLayout>
#include <algorithm>

#include "ui/common/plot_style.h"
#include "ui/common/qcp.h"

namespace forgetlab::ui {

SeedBandPlot::SeedBandPlot(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_plot = new QCustomPlot(this);
    m_plot->setObjectName(QStringLiteral("seedBandPlot"));
    m_plot->setMinimumHeight(200);
    layout->addWidget(m_plot);
    stylePlot(m_plot, tr("Upstream accuracy over seeds (mean ± std)"), tr("fine-tuning step"),
              tr("upstream accuracy"));
    // stylePlot puts the title in the first layout row.
    m_title = qobject_cast<QCPTextElement*>(m_plot->plotLayout()->element(0, 0));
    m_plot->axisRect()->setAutoMargins(QCP::msAll);

    const QColor c = runColor(0);
    QColor fill = c;
    fill.setAlpha(60);
    m_lower = m_plot->addGraph();
    m_lower->setPen(QPen(fill, 1.0));
    m_lower->removeFromLegend();
    m_upper = m_plot->addGraph();
    m_upper->setPen(QPen(fill, 1.0));
    m_upper->setBrush(fill);
    m_upper->setChannelFillGraph(m_lower);  // the band: filled between the two
    m_upper->setName(tr("± 1 std"));
    m_mean = m_plot->addGraph();
    m_mean->setPen(QPen(c, 2.4));
    m_mean->setName(tr("mean over seeds"));

    m_message = new QCPItemText(m_plot);
    m_message->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_message->position->setCoords(0.5, 0.5);
    m_message->setColor(QColor(0x75, 0x75, 0x75));
    clear();
}

void SeedBandPlot::clear(const QString& message) {
    m_band = {};
    m_mean->data()->clear();
    m_upper->data()->clear();
    m_lower->data()->clear();
    m_title->setText(tr("Upstream accuracy over seeds (mean ± std)"));
    m_message->setText(message.isEmpty()
                           ? tr("Run → Run over seeds… trains the current setup once per seed\n"
                                "and shows the spread of upstream accuracy here.")
                           : message);
    m_message->setVisible(true);
    m_plot->xAxis->setRange(0, 100);
    m_plot->yAxis->setRange(0, 1.05);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void SeedBandPlot::setBand(const SeedBand& band) {
    m_band = band;
    QVector<double> lo(band.mean.size()), hi(band.mean.size());
    for (int i = 0; i < band.mean.size(); ++i) {
        lo[i] = band.mean[i] - band.stddev.value(i);
        hi[i] = band.mean[i] + band.stddev.value(i);
    }
    m_lower->setData(band.steps, lo, true);
    m_upper->setData(band.steps, hi, true);
    m_mean->setData(band.steps, band.mean, true);
    double meanStd = 0.0;
    for (double s : band.stddev) meanStd += s;
    if (!band.stddev.isEmpty()) meanStd /= band.stddev.size();
    m_mean->setName(tr("mean of %1 seeds").arg(band.seeds));
    m_upper->setName(tr("± 1 std (average %1)").arg(meanStd, 0, 'f', 3));
    m_title->setText(tr("Upstream accuracy over seeds: %1").arg(band.title));
    m_message->setVisible(band.steps.isEmpty());
    const double end = band.steps.isEmpty() ? 100.0 : std::max(1.0, band.steps.last());
    m_plot->xAxis->setRange(0, end * 1.01);
    m_plot->yAxis->setRange(0, 1.05);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace forgetlab::ui
