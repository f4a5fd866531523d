#include "ui/runs/comparison_view.h"

#include <QGridLayout>
#include <QLabel>
#include <QVBoxLayout>
#include <algorithm>

#include "ui/common/plot_style.h"
#include "ui/common/qcp.h"
#include "ui/runs/seed_band_plot.h"

namespace forgetlab::ui {

namespace {

// Bar labels must fit under their bars: drop the part all names share up to a separator
// ("split-fmnist-sgd", "split-fmnist-sam" -> "sgd", "sam"); the legends keep full names.
QStringList shortNames(const QStringList& names) {
    if (names.size() < 2) return names;
    int common = 0;
    const QString& first = names.first();
    while (common < first.size() && std::all_of(names.begin(), names.end(), [&](const QString& n) {
               return n.size() > common && n[common] == first[common];
           }))
        ++common;
    int cut = 0;
    for (int i = 0; i < common; ++i)
        if (first[i] == QLatin1Char('-') || first[i] == QLatin1Char(' ') ||
            first[i] == QLatin1Char('_'))
            cut = i + 1;
    QStringList out;
    for (const QString& n : names) out << (n.size() > cut ? n.mid(cut) : n);
    return out;
}

}  // namespace

ComparisonView::ComparisonView(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("comparisonView"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    m_hint = new QLabel;
    m_hint->setObjectName(QStringLiteral("comparisonHint"));
    m_hint->setWordWrap(true);
    layout->addWidget(m_hint);

    auto* grid = new QGridLayout;
    grid->setSpacing(4);
    m_up = new QCustomPlot;
    m_up->setObjectName(QStringLiteral("compareUpstreamPlot"));
    m_down = new QCustomPlot;
    m_down->setObjectName(QStringLiteral("compareDownstreamPlot"));
    m_bars = new QCustomPlot;
    m_bars->setObjectName(QStringLiteral("compareBarPlot"));
    m_seeds = new SeedBandPlot;
    for (QCustomPlot* p : {m_up, m_down, m_bars}) p->setMinimumSize(300, 220);
    stylePlot(m_up, tr("Upstream accuracy (old task) — drop = forgetting"), tr("fine-tuning step"),
              tr("accuracy"));
    stylePlot(m_down, tr("Downstream accuracy (new task)"), tr("fine-tuning step"), tr("accuracy"));
    stylePlot(m_bars, tr("Final forgetting and downstream accuracy"), QString(), tr("fraction"));
    for (QCustomPlot* p : {m_up, m_down, m_bars}) p->axisRect()->setAutoMargins(QCP::msAll);
    m_up->legend->setWrap(2);
    m_down->legend->setWrap(2);

    m_forgettingBars = new QCPBars(m_bars->xAxis, m_bars->yAxis);
    m_forgettingBars->setName(tr("forgetting (upstream accuracy lost)"));
    m_forgettingBars->setPen(QPen(QColor(0xb7, 0x1c, 0x1c)));
    m_forgettingBars->setBrush(QColor(0xe5, 0x73, 0x73));
    m_downBars = new QCPBars(m_bars->xAxis, m_bars->yAxis);
    m_downBars->setName(tr("downstream accuracy"));
    m_downBars->setPen(QPen(QColor(0x1b, 0x5e, 0x20)));
    m_downBars->setBrush(QColor(0x81, 0xc7, 0x84));
    auto* group = new QCPBarsGroup(m_bars);
    group->setSpacingType(QCPBarsGroup::stAbsolute);
    group->setSpacing(2);
    m_forgettingBars->setWidth(0.36);
    m_downBars->setWidth(0.36);
    m_forgettingBars->setBarsGroup(group);
    m_downBars->setBarsGroup(group);
    m_bars->setInteractions(QCP::Interactions());
    m_bars->xAxis->grid()->setVisible(false);
    m_bars->xAxis->setSubTicks(false);
    m_bars->xAxis->setTickLength(0, 4);

    grid->addWidget(m_up, 0, 0);
    grid->addWidget(m_down, 0, 1);
    grid->addWidget(m_bars, 1, 0);
    grid->addWidget(m_seeds, 1, 1);
    grid->setRowStretch(0, 1);
    grid->setRowStretch(1, 1);
    layout->addLayout(grid, 1);
    setRuns({});
}

void ComparisonView::setRuns(const QList<ComparedRun>& runs) {
    m_runs = runs;
    m_hint->setText(runs.isEmpty()
                        ? tr("<b>Compare runs:</b> check two or more runs in the run list "
                             "(right) to overlay them here.")
                        : tr("<b>%n run(s) compared.</b> Colours match the run list; bars use "
                             "each run's final stored values.",
                             nullptr, int(runs.size())));
    fillCurves(m_up, true);
    fillCurves(m_down, false);
    fillBars();
}

void ComparisonView::fillCurves(QCustomPlot* plot, bool upstream) {
    plot->clearGraphs();
    double end = 1;
    for (const ComparedRun& r : m_runs) {
        QCPGraph* g = plot->addGraph();
        g->setName(QStringLiteral("%1 #%2").arg(r.name).arg(r.id));
        const QVector<double>& xs = upstream ? r.upSteps : r.downSteps;
        const QVector<double>& ys = upstream ? r.upAcc : r.downAcc;
        g->setData(xs, ys, /*alreadySorted=*/true);
        g->setPen(QPen(r.color, upstream ? 2.2 : 1.8));
        if (xs.size() <= 40)
            g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, r.color, Qt::white, 5));
        if (!xs.isEmpty()) end = std::max(end, xs.last());
    }
    plot->xAxis->setRange(0, end * 1.01);
    plot->yAxis->setRange(0, 1.05);
    plot->replot(QCustomPlot::rpQueuedReplot);
}

void ComparisonView::fillBars() {
    QVector<double> keys, forgetting, down;
    QVector<double> tickKeys;
    m_barLabels.clear();
    m_bars->clearItems();
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    QStringList names;
    for (const ComparedRun& r : m_runs)
        if (r.finished) names << r.name;
    const QStringList shortened = shortNames(names);
    int k = 0;
    double top = 0.0, bottom = 0.0;
    for (const ComparedRun& r : m_runs) {
        if (!r.finished) continue;
        ++k;
        keys << k;
        forgetting << r.forgetting;
        down << r.downAccFinal;
        const QString label = QStringLiteral("%1\n#%2").arg(shortened.value(k - 1)).arg(r.id);
        ticker->addTick(k, label);
        m_barLabels << label;
        top = std::max({top, r.forgetting, r.downAccFinal});
        bottom = std::min({bottom, r.forgetting, r.downAccFinal});
        // The numbers on the bars: easier to compare than bar heights.
        const double offsets[2] = {-0.19, 0.19};
        const double values[2] = {r.forgetting, r.downAccFinal};
        for (int b = 0; b < 2; ++b) {
            auto* text = new QCPItemText(m_bars);
            text->position->setCoords(k + offsets[b], values[b]);
            text->setPositionAlignment(Qt::AlignHCenter |
                                       (values[b] >= 0 ? Qt::AlignBottom : Qt::AlignTop));
            text->setText(QString::number(values[b], 'f', 3));
            text->setColor(QColor(0x30, 0x30, 0x30));
            text->setClipToAxisRect(false);
        }
    }
    m_forgettingBars->setData(keys, forgetting, true);
    m_downBars->setData(keys, down, true);
    m_bars->xAxis->setTicker(ticker);
    m_bars->xAxis->setRange(0.4, std::max(1, k) + 0.6);
    m_bars->yAxis->setRange(std::min(0.0, bottom * 1.2), std::max(0.1, top) * 1.18);
    m_bars->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace forgetlab::ui
