#include "ui/live/live_plots.h"

#include <QPdfWriter>
#include <QPainter>
#include <QVBoxLayout>
#include <cmath>
#include <limits>

#include "ui/common/plot_style.h"
#include "ui/common/qcp.h"
#include "ui/live/benchmark_curves.h"

namespace forgetlab::ui {

struct LivePlots::RunGraphs {
    QString name;
    bool languageModel = false;
    int colorIndex = 0;
    QCPGraph* trainLoss = nullptr;
    QCPGraph* testLoss = nullptr;
    QCPGraph* upAcc = nullptr;
    QCPGraph* upAccBefore = nullptr;  // dashed reference: upstream accuracy at step 0
    QCPGraph* downAcc = nullptr;
    QCPGraph* sharpness = nullptr;
    QCPGraph* hessian = nullptr;  // on the sharpness plot's right axis
    // Further eigenvalues λ2..λ5 (eval.hessian_topk > 1), also on the right axis, and the
    // Hutchinson trace on its own axis (further right) with ± standard-error bars: made
    // when the run first reports them, so runs without them keep a plain plot.
    QCPGraph* hessianK[4] = {};
    QCPGraph* trace = nullptr;
    QCPErrorBars* traceErrors = nullptr;
    BenchmarkCurves benchmarks;  // eval.benchmarks: per benchmark and their mean
    double upBefore = std::numeric_limits<double>::quiet_NaN();
    int64_t maxStep = 0;
    int64_t totalSteps = 0;

    QList<QCPGraph*> all() const {
        QList<QCPGraph*> graphs = {trainLoss, testLoss,  upAcc,  upAccBefore,
                                   downAcc,   sharpness, hessian};
        for (QCPGraph* g : {hessianK[0], hessianK[1], hessianK[2], hessianK[3], trace})
            if (g) graphs << g;
        return graphs + benchmarks.graphs();
    }
};

namespace {

// Markers show where measurements were taken while they are sparse; on dense series they
// only turn the line into a bead chain.
constexpr int kMaxMarkedPoints = 40;

void setLook(QCPGraph* g, const QColor& color, double width, Qt::PenStyle style,
             QCPScatterStyle::ScatterShape shape = QCPScatterStyle::ssNone) {
    QPen pen(color, width, style);
    pen.setCapStyle(Qt::FlatCap);
    pen.setJoinStyle(Qt::BevelJoin);
    g->setPen(pen);
    if (shape == QCPScatterStyle::ssNone || g->dataCount() > kMaxMarkedPoints) {
        g->setScatterStyle(QCPScatterStyle());
    } else {
        g->setScatterStyle(QCPScatterStyle(shape, color, Qt::white, 5));
    }
}

QColor withAlpha(QColor c, int alpha) {
    c.setAlpha(alpha);
    return c;
}

// Value range of the given graphs' data; found is false when they hold no data.
QCPRange valueRange(const QList<QCPGraph*>& graphs, bool* found) {
    QCPRange total;
    *found = false;
    for (QCPGraph* g : graphs) {
        bool ok = false;
        const QCPRange r = g->data()->valueRange(ok);
        if (!ok) continue;
        total =
            *found ? QCPRange(std::min(total.lower, r.lower), std::max(total.upper, r.upper)) : r;
        *found = true;
    }
    return total;
}

// Sets an axis to `wanted`, unless sticky and the data (`data`) still lie inside the current
// range and the wanted span is at least 60% of it (in decades on a log axis): while points
// stream in, axes that moved at every refresh would be hard to read, and every move repaints
// the whole plot instead of only its curves.
void setRange(QCPAxis* axis, const QCPRange& wanted, const QCPRange& data, bool sticky) {
    const QCPRange current = axis->range();
    if (sticky && data.lower >= current.lower && data.upper <= current.upper) {
        const bool log = axis->scaleType() == QCPAxis::stLogarithmic;
        const auto span = [log](const QCPRange& r) {
            return log ? std::log10(r.upper / r.lower) : r.size();
        };
        if (span(wanted) >= 0.6 * span(current)) return;
    }
    axis->setRange(wanted);
}

// Puts 0 at the bottom for non-negative quantities and leaves headroom for the legend.
void fitNonNegative(QCPAxis* axis, const QCPRange& r, bool sticky = false) {
    const double lower = std::min(0.0, r.lower);
    double upper = r.upper > lower ? r.upper : lower + 1.0;
    upper += (upper - lower) * 0.12;
    setRange(axis, QCPRange(lower, upper), r, sticky);
}

// What a plot shows apart from its data: the ranges of its axes, which axes are visible, and
// its plottables' markers. When this is unchanged after new points, only the curves need
// redrawing; axes, grid, legend and title stay as painted.
QVector<double> frameState(QCustomPlot* plot) {
    QVector<double> state;
    for (QCPAxis* axis : plot->axisRect()->axes())
        state << axis->range().lower << axis->range().upper << double(axis->visible());
    for (int i = 0; i < plot->plottableCount(); ++i) {
        const auto* graph = qobject_cast<QCPGraph*>(plot->plottable(i));
        state << (graph ? double(graph->scatterStyle().shape()) : -1.0);
    }
    return state;
}

}  // namespace

LivePlots::LivePlots(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    const QString step = tr("fine-tuning step");
    const QString titles[kPlotCount] = {
        tr("Downstream loss"), tr("Accuracy — upstream drop = forgetting"), tr("Sharpness")};
    const QString yLabels[kPlotCount] = {tr("cross-entropy loss (nats)"), tr("accuracy (fraction)"),
                                         tr("SAM sharpness (Δ loss)")};
    const char* names[kPlotCount] = {"lossPlot", "accuracyPlot", "sharpnessPlot"};
    for (int i = 0; i < kPlotCount; ++i) {
        auto* plot = new QCustomPlot(this);
        plot->setObjectName(QString::fromLatin1(names[i]));
        plot->setMinimumHeight(160);
        stylePlot(plot, titles[i], step, yLabels[i]);
        m_titles[i] = qobject_cast<QCPTextElement*>(plot->plotLayout()->element(0, 0));
        plot->xAxis->setRange(0, 100);
        layout->addWidget(plot, 1);
        m_plots[i] = plot;
        connect(plot, &QCustomPlot::mousePress, this, [this] { setFollow(false); });
        connect(plot, &QCustomPlot::mouseWheel, this, [this] { setFollow(false); });
        connect(plot, &QCustomPlot::mouseDoubleClick, this, [this] { resetView(); });
        plot->setToolTip(tr("Drag to pan, wheel to zoom, double-click to follow the run again"));
        // The curves on a paint buffer of their own: a refresh that only adds points
        // redraws them alone (see appendPoints).
        plot->layer(QStringLiteral("main"))->setMode(QCPLayer::lmBuffered);
    }
    m_plots[kAccuracyPlot]->yAxis->setRange(0, 1.05);
    QCustomPlot* sharp = m_plots[kSharpnessPlot];
    sharp->yAxis2->setVisible(true);
    sharp->yAxis2->setTickLabels(true);
    sharp->yAxis2->setLabel(tr("Hessian λ_max"));
    m_traceAxis = sharp->axisRect()->addAxis(QCPAxis::atRight);
    m_traceAxis->setLabel(tr("Hessian trace"));
    m_traceAxis->setTickLabelColor(QColor(0x40, 0x40, 0x40));
    m_traceAxis->grid()->setVisible(false);
    m_traceAxis->setVisible(false);  // until a run reports a trace
    sharp->axisRect()->setRangeZoomAxes({sharp->xAxis, sharp->yAxis, sharp->yAxis2, m_traceAxis});
    sharp->axisRect()->setRangeDragAxes({sharp->xAxis, sharp->yAxis, sharp->yAxis2, m_traceAxis});
    linkXAxes();
    // Losses span orders of magnitude (a fresh head on new classes starts near 10 nats).
    setLogLossAxis(true);
}

LivePlots::~LivePlots() = default;

void LivePlots::linkXAxes() {
    for (QCustomPlot* source : m_plots) {
        connect(source->xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this,
                [this, source](const QCPRange& range) {
                    for (QCustomPlot* other : m_plots) {
                        if (other == source || other->xAxis->range() == range) continue;
                        other->xAxis->setRange(range);
                        other->replot(QCustomPlot::rpQueuedReplot);
                    }
                });
    }
}

QList<qint64> LivePlots::runKeys() const {
    QList<qint64> keys;
    for (const auto& [key, run] : m_runs) keys << key;
    return keys;
}

void LivePlots::addRun(qint64 key, const QString& name, bool languageModel) {
    if (hasRun(key)) return;
    auto run = std::make_unique<RunGraphs>();
    run->name = name;
    run->languageModel = languageModel;
    // The lowest colour not used by a shown run, so overlaid runs always differ.
    QSet<int> used;
    for (const auto& [k, r] : m_runs) used.insert(r->colorIndex);
    while (used.contains(run->colorIndex)) ++run->colorIndex;

    QCustomPlot* loss = m_plots[kLossPlot];
    QCustomPlot* acc = m_plots[kAccuracyPlot];
    QCustomPlot* sharp = m_plots[kSharpnessPlot];
    run->trainLoss = loss->addGraph();
    run->testLoss = loss->addGraph();
    run->upAcc = acc->addGraph();
    run->upAccBefore = acc->addGraph();
    run->downAcc = acc->addGraph();
    run->sharpness = sharp->addGraph();
    run->hessian = sharp->addGraph(sharp->xAxis, sharp->yAxis2);
    m_runs.emplace(key, std::move(run));
    restyle();
    updateLabels();
    replotAll();
}

void LivePlots::removeRun(qint64 key) {
    auto it = m_runs.find(key);
    if (it == m_runs.end()) return;
    if (it->second->traceErrors) m_plots[kSharpnessPlot]->removePlottable(it->second->traceErrors);
    for (QCPGraph* g : it->second->all()) g->parentPlot()->removeGraph(g);
    m_runs.erase(it);
    updateTraceAxis();
    restyle();
    updateLabels();
    if (m_follow) applyAutoRange();
    replotAll();
}

void LivePlots::clearRuns() {
    for (const auto& [key, run] : m_runs)
        if (run->traceErrors) m_plots[kSharpnessPlot]->removePlottable(run->traceErrors);
    for (QCustomPlot* plot : m_plots) plot->clearGraphs();
    m_runs.clear();
    updateLabels();
    replotAll();
}

QColor LivePlots::runColor(qint64 key) const {
    auto it = m_runs.find(key);
    return it == m_runs.end() ? QColor() : ui::runColor(it->second->colorIndex);
}

// One run: each metric its own colour, names without the run. Several runs: each run its
// own colour and each metric its own line style, names prefixed with the run.
void LivePlots::restyle() {
    const bool single = m_runs.size() == 1;
    const int perRun[kPlotCount] = {2, 3, 2};  // legend entries of one run per plot
    for (int i = 0; i < kPlotCount; ++i) {
        QCPLegend* legend = m_plots[i]->legend;
        const int wrap = single ? 4 : perRun[i];
        if (legend->wrap() != wrap) {
            legend->setWrap(wrap);
            legend->setFillOrder(QCPLayoutGrid::foColumnsFirst, /*rearrange=*/true);
        }
    }
    for (const auto& [key, run] : m_runs) {
        const QColor c = ui::runColor(run->colorIndex);
        const QString prefix = single ? QString() : run->name + QStringLiteral(" · ");
        const QColor trainC = single ? QColor(0x1f, 0x77, 0xb4) : c;
        const QColor testC = single ? QColor(0xff, 0x7f, 0x0e) : c;
        const QColor upC = single ? QColor(0xd6, 0x27, 0x28) : c;
        const QColor downC = single ? QColor(0x2c, 0xa0, 0x2c) : c;
        const QColor sharpC = single ? QColor(0x94, 0x67, 0xbd) : c;
        const QColor hessC = single ? QColor(0x8c, 0x56, 0x4b) : c;
        setLook(run->trainLoss, withAlpha(trainC, single ? 170 : 120), 1.1, Qt::SolidLine);
        setLook(run->testLoss, testC, 2.2, Qt::SolidLine, QCPScatterStyle::ssCircle);
        setLook(run->upAcc, upC, 2.4, Qt::SolidLine, QCPScatterStyle::ssCircle);
        setLook(run->upAccBefore, upC, 1.3, Qt::DashLine);
        setLook(run->downAcc, downC, 1.8, single ? Qt::SolidLine : Qt::DashDotLine,
                QCPScatterStyle::ssSquare);
        setLook(run->sharpness, sharpC, 2.0, Qt::SolidLine, QCPScatterStyle::ssCircle);
        setLook(run->hessian, hessC, 1.5, Qt::DashLine, QCPScatterStyle::ssDiamond);
        for (int k = 0; k < 4; ++k) {
            if (!run->hessianK[k]) continue;
            setLook(run->hessianK[k], withAlpha(hessC, 200 - 35 * k), 1.1, Qt::DotLine,
                    QCPScatterStyle::ssDiamond);
            run->hessianK[k]->setName(
                prefix + (single ? tr("λ%1 (right axis)").arg(k + 2) : tr("λ%1").arg(k + 2)));
        }
        if (run->trace) {
            const QColor traceC = single ? QColor(0x17, 0x8f, 0x9f) : c;
            setLook(run->trace, traceC, 1.6, Qt::SolidLine, QCPScatterStyle::ssSquare);
            run->trace->setName(
                prefix + (single ? tr("Hessian trace ± s.e. (far right)") : tr("trace ± s.e.")));
            run->traceErrors->setPen(QPen(withAlpha(traceC, 190), 1.1));
            run->traceErrors->setWhiskerWidth(5);
        }
        // Several runs: one legend row per run with short metric names, so nothing is clipped.
        run->trainLoss->setName(prefix + tr("train loss"));
        run->testLoss->setName(prefix + tr("test loss"));
        run->upAcc->setName(prefix + (single ? tr("upstream (old task)") : tr("upstream")));
        run->upAccBefore->setName(prefix +
                                  (single ? tr("upstream before fine-tuning") : tr("before")));
        run->downAcc->setName(prefix + (single ? tr("downstream (new task)") : tr("downstream")));
        run->sharpness->setName(prefix + (single ? tr("SAM sharpness") : tr("sharpness")));
        run->hessian->setName(prefix +
                              (single ? tr("Hessian λ_max (right axis)") : tr("λ_max (right)")));
    }
}

// A language model's loss is the mean negative log-likelihood per token (its
// log-perplexity) and its accuracy the share of next tokens guessed right. Mixed overlays
// keep the general wording, which is true of both.
void LivePlots::updateLabels() {
    bool language = !m_runs.empty();
    for (const auto& [key, run] : m_runs) language = language && run->languageModel;
    m_languageLabels = language;
    QCPAxis* loss = m_plots[kLossPlot]->yAxis;
    QCPAxis* acc = m_plots[kAccuracyPlot]->yAxis;
    if (language) {
        m_titles[kLossPlot]->setText(tr("Downstream loss — log-perplexity (nats/token)"));
        // The log scale shows in the ticks; the long label would be clipped on short plots.
        loss->setLabel(tr("log-perplexity (nats/token)"));
        m_titles[kAccuracyPlot]->setText(tr("Next-token accuracy — upstream drop = forgetting"));
        acc->setLabel(tr("next-token accuracy"));
    } else {
        m_titles[kLossPlot]->setText(tr("Downstream loss"));
        loss->setLabel(m_logLoss ? tr("cross-entropy loss (nats, log scale)")
                                 : tr("cross-entropy loss (nats)"));
        m_titles[kAccuracyPlot]->setText(tr("Accuracy — upstream drop = forgetting"));
        acc->setLabel(tr("accuracy (fraction)"));
    }
}

void LivePlots::appendPoints(qint64 key, const std::vector<MetricPoint>& points) {
    auto it = m_runs.find(key);
    if (it == m_runs.end() || points.empty()) return;
    RunGraphs& run = *it->second;
    struct Series {
        QCPGraph* graph;
        QVector<double> steps, values;
    };
    Series series[] = {{run.trainLoss, {}, {}}, {run.testLoss, {}, {}},  {run.upAcc, {}, {}},
                       {run.downAcc, {}, {}},   {run.sharpness, {}, {}}, {run.hessian, {}, {}}};
    const std::string names[] = {keys::kTrainLoss,   keys::kDownTestLoss, keys::kUpTestAcc,
                                 keys::kDownTestAcc, keys::kSharpness,    keys::kHessianLmax};
    for (const MetricPoint& p : points) {
        for (int i = 0; i < 6; ++i) {
            if (p.key != names[i]) continue;
            series[i].steps.push_back(static_cast<double>(p.step));
            series[i].values.push_back(p.value);
            run.maxStep = std::max(run.maxStep, p.step);
            if (i == 2 && p.step == 0) run.upBefore = p.value;
            break;
        }
    }
    // Only plots that got points are redrawn: during a run the loss plot changes every
    // pull, the other two only at evaluations, and painting is the GUI's main cost.
    const int plotOf[6] = {kLossPlot,     kLossPlot,      kAccuracyPlot,
                           kAccuracyPlot, kSharpnessPlot, kSharpnessPlot};
    bool dirty[kPlotCount] = {false, false, false};
    for (int i = 0; i < 6; ++i) {
        if (series[i].steps.isEmpty()) continue;
        series[i].graph->addData(series[i].steps, series[i].values, /*alreadySorted=*/true);
        dirty[plotOf[i]] = true;
    }
    const std::string hessianPrefix = keys::kHessianPrefix;
    for (const MetricPoint& p : points)
        if (p.key.rfind(hessianPrefix, 0) == 0) {
            dirty[kSharpnessPlot] = true;
            break;
        }
    QVector<double> framesBefore[kPlotCount];
    for (int i = 0; i < kPlotCount; ++i) framesBefore[i] = frameState(m_plots[i]);
    appendHessianExtras(run, points);
    dirty[kAccuracyPlot] |= run.benchmarks.append(m_plots[kAccuracyPlot], run.name,
                                                  ui::runColor(run.colorIndex), points);
    const double upBefore = run.upBefore;
    updateReference(run);
    if (!(std::isnan(upBefore) && std::isnan(run.upBefore)) && upBefore != run.upBefore)
        dirty[kAccuracyPlot] = true;
    restyle();  // markers go once a series is dense
    if (m_follow) applyAutoRange(/*sticky=*/m_live);
    // A plot whose frame changed is replotted whole; one that only got points redraws its
    // curve layer ("main", buffered on its own) and not its axes, grid, legend and title.
    for (int i = 0; i < kPlotCount; ++i) {
        if (frameState(m_plots[i]) != framesBefore[i])
            m_plots[i]->replot(QCustomPlot::rpQueuedReplot);
        else if (dirty[i])
            m_plots[i]->layer(QStringLiteral("main"))->replot();
    }
}

// λ2..λ5 and the trace with its standard error (present when the run tracks them).
void LivePlots::appendHessianExtras(RunGraphs& run, const std::vector<MetricPoint>& points) {
    const std::string prefix = keys::kHessianPrefix;
    QVector<double> ks[4], kv[4], ts, tv, te;
    std::map<int64_t, double> errors;
    for (const MetricPoint& p : points)
        if (p.key == keys::kHessianTraceStderr) errors[p.step] = p.value;
    for (const MetricPoint& p : points) {
        if (p.key == keys::kHessianTrace) {
            ts << double(p.step);
            tv << p.value;
            const auto e = errors.find(p.step);
            te << (e == errors.end() ? 0.0 : e->second);
            run.maxStep = std::max(run.maxStep, p.step);
        } else if (p.key.size() == prefix.size() + 1 &&
                   p.key.compare(0, prefix.size(), prefix) == 0) {
            const int k = p.key.back() - '2';
            if (k < 0 || k > 3) continue;
            ks[k] << double(p.step);
            kv[k] << p.value;
        }
    }
    QCustomPlot* sharp = m_plots[kSharpnessPlot];
    for (int k = 0; k < 4; ++k) {
        if (ks[k].isEmpty()) continue;
        if (!run.hessianK[k]) run.hessianK[k] = sharp->addGraph(sharp->xAxis, sharp->yAxis2);
        run.hessianK[k]->addData(ks[k], kv[k], true);
    }
    if (!ts.isEmpty()) {
        if (!run.trace) {
            run.trace = sharp->addGraph(sharp->xAxis, m_traceAxis);
            run.traceErrors = new QCPErrorBars(sharp->xAxis, m_traceAxis);
            run.traceErrors->setDataPlottable(run.trace);
            run.traceErrors->removeFromLegend();
        }
        // Error bars pair with the trace graph's points by index.
        run.trace->addData(ts, tv, true);
        run.traceErrors->addData(te);
        updateTraceAxis();
    }
}

void LivePlots::updateTraceAxis() {
    bool any = false;
    for (const auto& [key, run] : m_runs) any |= run->trace && run->trace->dataCount() > 0;
    if (any == m_traceAxis->visible()) return;
    m_traceAxis->setVisible(any);
    // All three plots keep the same side margins so their step axes stay aligned.
    for (QCustomPlot* plot : m_plots)
        plot->axisRect()->setMargins(QMargins(76, 0, any ? 150 : 70, 0));
}

void LivePlots::setRunSteps(qint64 key, int64_t totalSteps) {
    auto it = m_runs.find(key);
    // Called on every live pull: nothing to redraw unless the length really changed.
    if (it == m_runs.end() || it->second->totalSteps == totalSteps) return;
    it->second->totalSteps = totalSteps;
    updateReference(*it->second);
    if (m_follow) applyAutoRange();
    replotAll();
}

void LivePlots::updateReference(RunGraphs& run) {
    if (std::isnan(run.upBefore)) return;
    const double end = static_cast<double>(std::max<int64_t>({run.maxStep, run.totalSteps, 1}));
    run.upAccBefore->setData({0.0, end}, {run.upBefore, run.upBefore}, true);
}

int LivePlots::pointCount(qint64 key, const QString& metricKey) const {
    auto it = m_runs.find(key);
    if (it == m_runs.end()) return 0;
    const RunGraphs& r = *it->second;
    const std::string k = metricKey.toStdString();
    QCPGraph* g = k == keys::kTrainLoss      ? r.trainLoss
                  : k == keys::kDownTestLoss ? r.testLoss
                  : k == keys::kUpTestAcc    ? r.upAcc
                  : k == keys::kDownTestAcc  ? r.downAcc
                  : k == keys::kSharpness    ? r.sharpness
                  : k == keys::kHessianLmax  ? r.hessian
                  : k == keys::kHessianTrace ? r.trace
                                             : r.benchmarks.graph(k);
    if (!g && k.size() == 10 && k.rfind(keys::kHessianPrefix, 0) == 0) {
        const int i = k.back() - '2';
        if (i >= 0 && i < 4) g = r.hessianK[i];
    }
    return g ? g->dataCount() : 0;
}

void LivePlots::applyAutoRange(bool sticky) {
    int64_t end = 0;
    QList<QCPGraph*> loss, sharp, hess, trace;
    for (const auto& [key, run] : m_runs) {
        end = std::max({end, run->maxStep, run->totalSteps});
        loss << run->trainLoss << run->testLoss;
        sharp << run->sharpness;
        hess << run->hessian;
        for (QCPGraph* g : run->hessianK)
            if (g) hess << g;
        if (run->trace) trace << run->trace;
    }
    const double xEnd = end > 0 ? static_cast<double>(end) : 100.0;
    // Setting one x axis is enough: the others follow through the link.
    m_plots[kLossPlot]->xAxis->setRange(0, xEnd * 1.01);
    bool found = false;
    QCPRange r = valueRange(loss, &found);
    if (found && m_logLoss) {
        const double lower = std::max(r.lower, 1e-4);
        setRange(m_plots[kLossPlot]->yAxis,
                 QCPRange(lower * 0.7, std::max(r.upper, lower * 10) * 1.6),
                 QCPRange(lower, r.upper), sticky);
    } else if (found) {
        fitNonNegative(m_plots[kLossPlot]->yAxis, r, sticky);
    }
    m_plots[kAccuracyPlot]->yAxis->setRange(0, 1.05);
    r = valueRange(sharp, &found);
    if (found) fitNonNegative(m_plots[kSharpnessPlot]->yAxis, r, sticky);
    r = valueRange(hess, &found);
    if (found) fitNonNegative(m_plots[kSharpnessPlot]->yAxis2, r, sticky);
    r = valueRange(trace, &found);
    if (found) fitNonNegative(m_traceAxis, r, sticky);
}

void LivePlots::setLiveMode(bool live) {
    m_live = live;
    for (QCustomPlot* plot : m_plots) {
        plot->setNotAntialiasedElements(live ? QCP::aePlottables : QCP::aeNone);
        plot->replot(QCustomPlot::rpQueuedReplot);
    }
}

void LivePlots::setFollow(bool follow) {
    m_follow = follow;
}

void LivePlots::setLogLossAxis(bool logarithmic) {
    m_logLoss = logarithmic;
    QCPAxis* axis = m_plots[kLossPlot]->yAxis;
    if (logarithmic) {
        axis->setScaleType(QCPAxis::stLogarithmic);
        axis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
    } else {
        axis->setScaleType(QCPAxis::stLinear);
        axis->setTicker(QSharedPointer<QCPAxisTicker>::create());
    }
    updateLabels();
    applyAutoRange();
    replotAll();
}

void LivePlots::resetView() {
    setFollow(true);
    applyAutoRange();
    replotAll();
}

void LivePlots::setLegendsVisible(bool visible) {
    for (QCustomPlot* plot : m_plots) plot->legend->setVisible(visible);
    replotAll();
}

void LivePlots::replotAll() {
    for (QCustomPlot* plot : m_plots) plot->replot(QCustomPlot::rpQueuedReplot);
}

bool LivePlots::exportImage(const QString& path, QString* error) const {
    // Off-screen (never shown) widgets have no useful size: fall back to a readable one.
    int width = m_plots[0]->width() >= 300 ? m_plots[0]->width() : 1000;
    int heights[kPlotCount];
    int total = 0;
    for (int i = 0; i < kPlotCount; ++i) {
        heights[i] = m_plots[i]->height() >= 150 ? m_plots[i]->height() : 320;
        total += heights[i];
    }
    const bool pdf = path.endsWith(QStringLiteral(".pdf"), Qt::CaseInsensitive);
    if (pdf) {
        QPdfWriter writer(path);
        writer.setResolution(72);  // one plot pixel = one PDF point
        writer.setPageSize(QPageSize(QSizeF(width, total), QPageSize::Point));
        writer.setPageMargins(QMarginsF(0, 0, 0, 0));
        writer.setCreator(QStringLiteral("ForgetLab"));
        QCPPainter painter;
        if (!painter.begin(&writer)) {
            if (error) *error = tr("Cannot write %1.").arg(path);
            return false;
        }
        painter.setMode(QCPPainter::pmVectorized);
        painter.setMode(QCPPainter::pmNoCaching);
        int y = 0;
        for (int i = 0; i < kPlotCount; ++i) {
            painter.save();
            painter.translate(0, y);
            m_plots[i]->toPainter(&painter, width, heights[i]);
            painter.restore();
            y += heights[i];
        }
        painter.end();
        return true;
    }
    QImage image(width * 2, total * 2, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    {
        QPainter painter(&image);
        int y = 0;
        for (int i = 0; i < kPlotCount; ++i) {
            painter.drawPixmap(0, y * 2, m_plots[i]->toPixmap(width, heights[i], 2.0));
            y += heights[i];
        }
    }
    if (!image.save(path)) {
        if (error)
            *error = tr("Cannot write %1 (check the folder exists and is writable).").arg(path);
        return false;
    }
    return true;
}

}  // namespace forgetlab::ui
