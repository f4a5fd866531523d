#include "ui/landscape/landscape_heatmaps.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <limits>

#include "ui/landscape/contour_lines.h"
#include "ui/common/plot_style.h"
#include "ui/common/qcp.h"

namespace forgetlab::ui {

namespace {

constexpr int kContourLevels = 8;

QString num(double v) {
    return QString::number(v, 'g', 3);
}

// Finite min/max of values (positive only when positiveOnly).
QCPRange finiteRange(const std::vector<double>& values, bool positiveOnly, bool* found) {
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (double v : values) {
        if (!std::isfinite(v) || (positiveOnly && v <= 0)) continue;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
    *found = lo <= hi;
    if (!*found) return QCPRange(0, 1);
    if (hi == lo) hi = lo + (lo == 0 ? 1.0 : std::abs(lo) * 1e-3);
    return QCPRange(lo, hi);
}

}  // namespace

LandscapeHeatmaps::LandscapeHeatmaps(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);

    auto* options = new QHBoxLayout;
    m_logBox = new QCheckBox(tr("Logarithmic colour scale"));
    m_logBox->setObjectName(QStringLiteral("heatmapLogScale"));
    m_logBox->setToolTip(
        tr("Colours by log(loss): shows the shape of the basin floor when the "
           "edges of the slice reach much higher losses"));
    m_sharedBox = new QCheckBox(tr("Shared colour range"));
    m_sharedBox->setObjectName(QStringLiteral("heatmapSharedRange"));
    m_sharedBox->setToolTip(tr("One colour range for both maps, so equal colours mean equal loss"));
    m_contourBox = new QCheckBox(tr("Contour lines"));
    m_contourBox->setObjectName(QStringLiteral("heatmapContours"));
    m_contourBox->setChecked(m_contours);
    options->addWidget(m_logBox);
    options->addWidget(m_sharedBox);
    options->addWidget(m_contourBox);
    options->addStretch(1);
    layout->addLayout(options);

    m_plot = new QCustomPlot(this);
    m_plot->setObjectName(QStringLiteral("heatmapPlot"));
    m_plot->setMinimumHeight(260);
    layout->addWidget(m_plot, 1);

    auto* flat = new QHBoxLayout;
    const char* names[kSideCount] = {"upFlatness", "downFlatness"};
    for (int s = 0; s < kSideCount; ++s) {
        m_flatness[s] = new QLabel;
        m_flatness[s]->setObjectName(QString::fromLatin1(names[s]));
        m_flatness[s]->setTextInteractionFlags(Qt::TextSelectableByMouse);
        m_flatness[s]->setToolTip(
            tr("Flatness around the centre of the slice, from finite differences on the grid: "
               "mean gradient magnitude |∇L| and mean absolute curvature |∂²L/∂a²| + |∂²L/∂b²|. "
               "Lower is flatter."));
        flat->addWidget(m_flatness[s], 1, Qt::AlignHCenter);
    }
    layout->addLayout(flat);

    connect(m_logBox, &QCheckBox::toggled, this, &LandscapeHeatmaps::setLogScale);
    connect(m_sharedBox, &QCheckBox::toggled, this, &LandscapeHeatmaps::setSharedRange);
    connect(m_contourBox, &QCheckBox::toggled, this, &LandscapeHeatmaps::setContoursVisible);
    buildPlot();
}

void LandscapeHeatmaps::buildPlot() {
    m_plot->setAntialiasedElements(QCP::aeAll);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->plotLayout()->clear();  // deletes the default axis rect

    QFont bold = m_plot->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() + 1);
    m_caption = new QCPTextElement(m_plot, tr("2-D loss landscape"), bold);
    m_plot->plotLayout()->addElement(0, 0, m_caption);
    auto* grid = new QCPLayoutGrid;
    m_plot->plotLayout()->addElement(1, 0, grid);
    m_plot->plotLayout()->setRowStretchFactors({0.001, 1.0});

    auto* margins = new QCPMarginGroup(m_plot);
    const QString titles[kSideCount] = {tr("Upstream loss (old task)"),
                                        tr("Downstream loss (new task)")};
    const QString scaleLabels[kSideCount] = {tr("upstream loss (nats)"),
                                             tr("downstream loss (nats)")};
    QFont subtitle = m_plot->font();
    subtitle.setBold(true);
    for (int s = 0; s < kSideCount; ++s) {
        m_titles[s] = new QCPTextElement(m_plot, titles[s], subtitle);
        grid->addElement(0, 2 * s, m_titles[s]);
        auto* rect = new QCPAxisRect(m_plot);
        rect->setupFullAxesBox(true);
        rect->axis(QCPAxis::atBottom)->setLabel(tr("a  (direction 1, filter-normalised)"));
        rect->axis(QCPAxis::atLeft)->setLabel(tr("b  (direction 2)"));
        rect->setMarginGroup(QCP::msTop | QCP::msBottom, margins);
        grid->addElement(1, 2 * s, rect);
        m_rects[s] = rect;

        auto* scale = new QCPColorScale(m_plot);
        scale->setType(QCPAxis::atRight);
        scale->setBarWidth(12);
        scale->setLabel(scaleLabels[s]);
        scale->setGradient(lossGradient());
        scale->setMarginGroup(QCP::msTop | QCP::msBottom, margins);
        grid->addElement(1, 2 * s + 1, scale);
        m_scales[s] = scale;

        auto* map = new QCPColorMap(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
        map->setColorScale(scale);
        map->setGradient(lossGradient());
        map->setInterpolate(true);
        map->setTightBoundary(false);
        m_maps[s] = map;
    }
    grid->setColumnStretchFactors({1.0, 0.001, 1.0, 0.001});
    grid->setRowStretchFactors({0.001, 1.0});
    grid->setColumnSpacing(8);
}

void LandscapeHeatmaps::setResult(const LandscapeResult& result, const QString& caption) {
    m_result = result;
    m_hasResult = true;
    m_caption->setText(caption);
    redraw();
}

void LandscapeHeatmaps::setLogScale(bool logarithmic) {
    m_log = logarithmic;
    if (m_logBox->isChecked() != logarithmic) m_logBox->setChecked(logarithmic);
    redraw();
}

void LandscapeHeatmaps::setSharedRange(bool shared) {
    m_shared = shared;
    if (m_sharedBox->isChecked() != shared) m_sharedBox->setChecked(shared);
    redraw();
}

void LandscapeHeatmaps::setContoursVisible(bool visible) {
    m_contours = visible;
    if (m_contourBox->isChecked() != visible) m_contourBox->setChecked(visible);
    redraw();
}

int LandscapeHeatmaps::contourCount(Side side) const {
    return m_contourCurves[side].size();
}

QString LandscapeHeatmaps::flatnessText(Side side) const {
    return m_flatness[side]->text();
}

void LandscapeHeatmaps::clearOverlays() {
    for (int s = 0; s < kSideCount; ++s) {
        for (QCPAbstractPlottable* p : m_contourCurves[s]) m_plot->removePlottable(p);
        m_contourCurves[s].clear();
    }
    for (QCPAbstractItem* item : m_items) m_plot->removeItem(item);
    m_items.clear();
}

void LandscapeHeatmaps::redraw() {
    clearOverlays();
    if (!m_hasResult) return;
    const LandscapeResult& r = m_result;
    const size_t nx = r.xs.size(), ny = r.ys.size();
    const std::vector<double>* values[kSideCount] = {&r.up_loss, &r.down_loss};
    if (nx < 2 || ny < 2) return;

    // Log colours need positive losses; cross-entropy always is, but a partial
    // (cancelled) grid or a degenerate model might not be.
    bool found[kSideCount];
    QCPRange ranges[kSideCount];
    bool logOk = m_log;
    for (int s = 0; s < kSideCount; ++s) {
        ranges[s] = finiteRange(*values[s], false, &found[s]);
        if (found[s] && ranges[s].lower <= 0) logOk = false;
    }
    if (m_shared && found[0] && found[1]) {
        const QCPRange both(std::min(ranges[0].lower, ranges[1].lower),
                            std::max(ranges[0].upper, ranges[1].upper));
        ranges[0] = ranges[1] = both;
    }

    const double flatGrad[kSideCount] = {r.up_mean_grad, r.down_mean_grad};
    const double flatCurv[kSideCount] = {r.up_mean_curvature, r.down_mean_curvature};
    const QString titles[kSideCount] = {tr("Upstream loss (old task)"),
                                        tr("Downstream loss (new task)")};
    for (int s = 0; s < kSideCount; ++s) {
        QCPColorMap* map = m_maps[s];
        QCPColorMapData* data = map->data();
        data->setSize(int(nx), int(ny));
        data->setRange(QCPRange(r.xs.front(), r.xs.back()), QCPRange(r.ys.front(), r.ys.back()));
        const std::vector<double>& v = *values[s];
        for (size_t j = 0; j < ny; ++j)
            for (size_t i = 0; i < nx; ++i) {
                const size_t k = j * nx + i;
                data->setCell(int(i), int(j),
                              k < v.size() ? v[k] : std::numeric_limits<double>::quiet_NaN());
            }
        const QCPAxis::ScaleType type = logOk ? QCPAxis::stLogarithmic : QCPAxis::stLinear;
        m_scales[s]->setDataScaleType(type);
        m_scales[s]->axis()->setTicker(logOk ? QSharedPointer<QCPAxisTicker>(new QCPAxisTickerLog)
                                             : QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
        map->setDataRange(ranges[s]);
        map->setDataScaleType(type);

        if (m_contours && found[s]) {
            const QVector<double> levels =
                contourLevels(ranges[s].lower, ranges[s].upper, kContourLevels, logOk);
            for (const ContourLine& line : contourLines(r.xs, r.ys, v, levels)) {
                if (line.points.size() < 2) continue;
                auto* curve = new QCPCurve(m_rects[s]->axis(QCPAxis::atBottom),
                                           m_rects[s]->axis(QCPAxis::atLeft));
                QVector<double> t(line.points.size()), x(t.size()), y(t.size());
                for (int k = 0; k < t.size(); ++k) {
                    t[k] = k;
                    x[k] = line.points[k].x();
                    y[k] = line.points[k].y();
                }
                curve->setData(t, x, y, true);
                curve->setPen(QPen(QColor(255, 255, 255, 170), 1.0));
                curve->setSelectable(QCP::stNone);
                m_contourCurves[s] << curve;
            }
        }

        // The analysed weights: the centre of the plane.
        auto* marker = new QCPItemTracer(m_plot);
        marker->setClipAxisRect(m_rects[s]);
        marker->position->setAxes(m_rects[s]->axis(QCPAxis::atBottom),
                                  m_rects[s]->axis(QCPAxis::atLeft));
        marker->position->setCoords(0, 0);
        marker->setStyle(QCPItemTracer::tsCircle);
        marker->setSize(9);
        marker->setPen(QPen(QColor(0xd6, 0x27, 0x28), 2.2));
        marker->setBrush(Qt::white);
        m_items << marker;
        auto* label = new QCPItemText(m_plot);
        label->setClipAxisRect(m_rects[s]);
        label->position->setAxes(m_rects[s]->axis(QCPAxis::atBottom),
                                 m_rects[s]->axis(QCPAxis::atLeft));
        label->position->setCoords(0, 0);
        label->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
        label->setPadding(QMargins(8, 0, 0, 6));
        label->setText(tr("analysed weights"));
        label->setColor(Qt::white);
        QFont f = m_plot->font();
        f.setBold(true);
        label->setFont(f);
        m_items << label;

        m_rects[s]->axis(QCPAxis::atBottom)->setRange(data->keyRange());
        m_rects[s]->axis(QCPAxis::atLeft)->setRange(data->valueRange());
        if (!r.cancelled) {
            const QString summary =
                tr("mean |∇L| %1 · mean |curvature| %2").arg(num(flatGrad[s]), num(flatCurv[s]));
            m_titles[s]->setText(titles[s] + QLatin1Char('\n') + summary);
            m_flatness[s]->setText(
                tr("<b>%1</b> flatness: mean |∇L| <b>%2</b>, mean |curvature| <b>%3</b>")
                    .arg(s == kUpstream ? tr("Upstream") : tr("Downstream"), num(flatGrad[s]),
                         num(flatCurv[s])));
        } else {
            m_titles[s]->setText(titles[s] + QLatin1Char('\n') + tr("(cancelled: partial grid)"));
            m_flatness[s]->setText(tr("%1: cancelled, no flatness summary")
                                       .arg(s == kUpstream ? tr("Upstream") : tr("Downstream")));
        }
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace forgetlab::ui
