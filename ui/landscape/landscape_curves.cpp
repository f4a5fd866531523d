#include "ui/landscape/landscape_curves.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "ui/common/plot_style.h"
#include "ui/common/qcp.h"

namespace forgetlab::ui {

namespace {

const QColor kUpColor(0xd6, 0x27, 0x28);    // red, as upstream in the live plots
const QColor kDownColor(0x2c, 0xa0, 0x2c);  // green, as downstream

QVector<double> toVector(const std::vector<double>& v, size_t n) {
    QVector<double> out(int(std::min(n, v.size())));
    for (int i = 0; i < out.size(); ++i) out[i] = v[size_t(i)];
    return out;
}

}  // namespace

LandscapeCurves::LandscapeCurves(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    auto* options = new QHBoxLayout;
    m_accBox = new QCheckBox(tr("Show accuracies (right axis)"));
    m_accBox->setObjectName(QStringLiteral("curvesShowAccuracy"));
    options->addWidget(m_accBox);
    options->addStretch(1);
    layout->addLayout(options);

    m_plot = new QCustomPlot(this);
    m_plot->setObjectName(QStringLiteral("curvesPlot"));
    m_plot->setMinimumHeight(260);
    stylePlot(m_plot, tr("1-D loss landscape"), tr("a"), tr("cross-entropy loss (nats)"));
    m_plot->yAxis2->setLabel(tr("accuracy (fraction)"));
    m_plot->yAxis2->setRange(0, 1.05);
    layout->addWidget(m_plot, 1);

    m_upLoss = m_plot->addGraph();
    m_downLoss = m_plot->addGraph();
    m_upAcc = m_plot->addGraph(m_plot->xAxis, m_plot->yAxis2);
    m_downAcc = m_plot->addGraph(m_plot->xAxis, m_plot->yAxis2);
    m_upLoss->setName(tr("upstream loss (old task)"));
    m_downLoss->setName(tr("downstream loss (new task)"));
    m_upAcc->setName(tr("upstream accuracy"));
    m_downAcc->setName(tr("downstream accuracy"));
    const QCPScatterStyle dot(QCPScatterStyle::ssCircle, 4);
    m_upLoss->setPen(QPen(kUpColor, 2.2));
    m_downLoss->setPen(QPen(kDownColor, 2.2));
    m_upAcc->setPen(QPen(kUpColor, 1.4, Qt::DashLine));
    m_downAcc->setPen(QPen(kDownColor, 1.4, Qt::DashLine));
    for (QCPGraph* g : {m_upLoss, m_downLoss}) g->setScatterStyle(dot);

    connect(m_accBox, &QCheckBox::toggled, this, &LandscapeCurves::setAccuraciesVisible);
    setAccuraciesVisible(false);
}

void LandscapeCurves::setAccuraciesVisible(bool visible) {
    m_showAcc = visible;
    if (m_accBox->isChecked() != visible) m_accBox->setChecked(visible);
    for (QCPGraph* g : {m_upAcc, m_downAcc}) {
        g->setVisible(visible);
        if (visible)
            g->addToLegend();
        else
            g->removeFromLegend();
    }
    m_plot->yAxis2->setVisible(visible);
    m_plot->yAxis2->setTickLabels(visible);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void LandscapeCurves::clearMarkers() {
    for (QCPAbstractItem* item : m_markers) m_plot->removeItem(item);
    m_markers.clear();
    m_markerXs.clear();
}

void LandscapeCurves::addMarker(double x, const QString& text) {
    auto* line = new QCPItemStraightLine(m_plot);
    line->point1->setCoords(x, 0);
    line->point2->setCoords(x, 1);
    line->setPen(QPen(QColor(0x55, 0x55, 0x55), 1.2, Qt::DashLine));
    auto* label = new QCPItemText(m_plot);
    label->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    label->position->setCoords(x, 0.0);
    label->setPositionAlignment(Qt::AlignHCenter | Qt::AlignTop);
    label->setPadding(QMargins(4, 4, 4, 2));
    label->setBrush(QColor(255, 255, 255, 220));
    label->setText(text);
    label->setColor(QColor(0x30, 0x30, 0x30));
    m_markers << line << label;
    m_markerXs << x;
}

void LandscapeCurves::setResult(const LandscapeResult& r, const QString& caption) {
    const bool interp = r.request.kind == "interp";
    const size_t n = r.xs.size();
    QVector<double> xs = toVector(r.xs, n);
    const auto set = [&](QCPGraph* g, const std::vector<double>& v) {
        const QVector<double> ys = toVector(v, n);
        g->setData(xs.mid(0, ys.size()), ys, true);
    };
    set(m_upLoss, r.up_loss);
    set(m_downLoss, r.down_loss);
    set(m_upAcc, r.up_acc);
    set(m_downAcc, r.down_acc);

    auto* title = qobject_cast<QCPTextElement*>(m_plot->plotLayout()->element(0, 0));
    if (title) title->setText(caption);
    m_plot->xAxis->setLabel(interp
                                ? tr("α  (weights (1 − α)·pre-trained + α·fine-tuned)")
                                : tr("a  (distance along a random filter-normalised direction)"));
    clearMarkers();
    if (interp) {
        addMarker(0.0, tr("pre-trained (α = 0)"));
        addMarker(1.0, tr("fine-tuned (α = 1)"));
    } else {
        addMarker(0.0, tr("analysed weights (a = 0)"));
    }
    if (!xs.isEmpty()) m_plot->xAxis->setRange(xs.front(), xs.back());
    bool found = false;
    QCPRange lo = m_upLoss->data()->valueRange(found);
    bool found2 = false;
    QCPRange lo2 = m_downLoss->data()->valueRange(found2);
    if (found || found2) {
        double lower = found ? lo.lower : lo2.lower, upper = found ? lo.upper : lo2.upper;
        if (found2) {
            lower = std::min(lower, lo2.lower);
            upper = std::max(upper, lo2.upper);
        }
        lower = std::min(0.0, lower);
        // Headroom on top for the marker labels.
        m_plot->yAxis->setRange(lower, upper + (upper - lower) * 0.15 + 1e-9);
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace forgetlab::ui
