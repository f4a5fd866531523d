#include "ui/continual/wise_ft_panel.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "ui/common/form_helpers.h"
#include "ui/common/plot_style.h"
#include "ui/common/qcp.h"

namespace forgetlab::ui {

namespace {
constexpr int kAlphaTicks = 100;  // α by 0.01
constexpr int kDebounceMs = 150;  // a point is evaluated once the slider rests this long
const QColor kUpColor(0xd6, 0x27, 0x28);
const QColor kDownColor(0x2c, 0xa0, 0x2c);
}  // namespace

WiseFtPanel::WiseFtPanel(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("wiseFtPanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    m_title = new QLabel;
    m_title->setObjectName(QStringLiteral("wiseFtTitle"));
    m_title->setWordWrap(true);
    layout->addWidget(m_title);

    auto* actions = new QHBoxLayout;
    m_compute = new QPushButton(tr("Compute trade-off curve"));
    m_compute->setObjectName(QStringLiteral("wiseFtCompute"));
    m_compute->setToolTip(tr("Evaluate w(α) at α = 0, 0.1, …, 1 on both test sets"));
    m_cancel = new QPushButton(tr("Cancel"));
    m_cancel->setObjectName(QStringLiteral("wiseFtCancel"));
    m_progress = new QProgressBar;
    m_progress->setObjectName(QStringLiteral("wiseFtProgress"));
    m_progress->setRange(0, kCurvePoints);
    m_progress->setValue(0);
    m_progress->setFormat(tr("%v / %m points"));
    m_subset = makeIntSpin(10, 10'000);
    m_subset->setObjectName(QStringLiteral("wiseFtSubset"));
    m_subset->setValue(1000);
    m_subset->setSingleStep(100);
    m_subset->setToolTip(
        tr("Test examples of each task evaluated per point (at most the "
           "run's test sets)"));
    auto* subsetLabel = new QLabel(tr("Examples per task"));
    subsetLabel->setBuddy(m_subset);
    actions->addWidget(m_compute);
    actions->addWidget(m_cancel);
    actions->addWidget(m_progress, 1);
    actions->addWidget(subsetLabel);
    actions->addWidget(m_subset);
    layout->addLayout(actions);

    auto* plots = new QHBoxLayout;
    m_tradeOff = new QCustomPlot;
    m_tradeOff->setObjectName(QStringLiteral("wiseFtTradeOffPlot"));
    m_tradeOff->setMinimumSize(300, 260);
    stylePlot(m_tradeOff, tr("Trade-off along α (labels: α)"), tr("downstream accuracy (new task)"),
              tr("upstream accuracy (old task)"));
    m_tradeOff->axisRect()->setAutoMargins(QCP::msAll);
    m_curveItem = new QCPCurve(m_tradeOff->xAxis, m_tradeOff->yAxis);
    m_curveItem->setName(tr("w(α), α from 0 (pre-trained) to 1 (fine-tuned)"));
    m_curveItem->setPen(QPen(runColor(0), 2.2));
    m_curveItem->setScatterStyle(
        QCPScatterStyle(QCPScatterStyle::ssCircle, runColor(0), Qt::white, 6));
    m_marker = m_tradeOff->addGraph();
    m_marker->setName(tr("slider α"));
    m_marker->setLineStyle(QCPGraph::lsNone);
    m_marker->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDiamond, QColor(0xff, 0x7f, 0x0e),
                                              QColor(0xff, 0x7f, 0x0e), 12));
    m_alphaPlot = new QCustomPlot;
    m_alphaPlot->setObjectName(QStringLiteral("wiseFtAlphaPlot"));
    m_alphaPlot->setMinimumSize(300, 260);
    stylePlot(m_alphaPlot, tr("Accuracy against α"), tr("α  (0 = pre-trained, 1 = fine-tuned)"),
              tr("accuracy"));
    m_alphaPlot->axisRect()->setAutoMargins(QCP::msAll);
    m_upVsAlpha = m_alphaPlot->addGraph();
    m_upVsAlpha->setName(tr("upstream"));
    m_upVsAlpha->setPen(QPen(kUpColor, 2.2));
    m_upVsAlpha->setScatterStyle(
        QCPScatterStyle(QCPScatterStyle::ssCircle, kUpColor, Qt::white, 5));
    m_downVsAlpha = m_alphaPlot->addGraph();
    m_downVsAlpha->setName(tr("downstream"));
    m_downVsAlpha->setPen(QPen(kDownColor, 2.2));
    m_downVsAlpha->setScatterStyle(
        QCPScatterStyle(QCPScatterStyle::ssSquare, kDownColor, Qt::white, 5));
    m_alphaLine = new QCPItemStraightLine(m_alphaPlot);
    m_alphaLine->setPen(QPen(QColor(0xff, 0x7f, 0x0e), 1.5, Qt::DashLine));
    m_alphaPlot->xAxis->setRange(-0.02, 1.02);
    for (QCustomPlot* p : {m_tradeOff, m_alphaPlot}) p->yAxis->setRange(0, 1.05);
    m_tradeOff->xAxis->setRange(0, 1.05);
    plots->addWidget(m_tradeOff, 1);
    plots->addWidget(m_alphaPlot, 1);
    layout->addLayout(plots, 1);

    auto* sliderRow = new QGridLayout;
    m_slider = new QSlider(Qt::Horizontal);
    m_slider->setObjectName(QStringLiteral("wiseFtAlpha"));
    m_slider->setRange(0, kAlphaTicks);
    m_slider->setValue(kAlphaTicks / 2);
    m_slider->setTickPosition(QSlider::TicksBelow);
    m_slider->setTickInterval(10);
    m_slider->setToolTip(tr("α: 0 = pre-trained weights, 1 = fine-tuned weights"));
    m_alphaLabel = new QLabel;
    m_alphaLabel->setMinimumWidth(70);
    m_pointLabel = new QLabel;
    m_pointLabel->setObjectName(QStringLiteral("wiseFtPointLabel"));
    m_pointLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_apply = new QPushButton;
    m_apply->setObjectName(QStringLiteral("wiseFtApply"));
    m_apply->setToolTip(tr("Store w(α) as a new run (with its checkpoints) in the run list"));
    sliderRow->addWidget(new QLabel(tr("α")), 0, 0);
    sliderRow->addWidget(m_slider, 0, 1);
    sliderRow->addWidget(m_alphaLabel, 0, 2);
    sliderRow->addWidget(m_apply, 0, 3);
    sliderRow->addWidget(m_pointLabel, 1, 1, 1, 3);
    sliderRow->setColumnStretch(1, 1);
    layout->addLayout(sliderRow);
    m_message = new QLabel;
    m_message->setObjectName(QStringLiteral("wiseFtMessage"));
    m_message->setWordWrap(true);
    m_message->setStyleSheet(QStringLiteral("QLabel { color: #616161; }"));
    layout->addWidget(m_message);

    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(kDebounceMs);
    connect(m_debounce, &QTimer::timeout, this, [this] {
        if (m_usable) Q_EMIT pointRequested(alpha(), subset());
    });
    connect(m_slider, &QSlider::valueChanged, this, [this] {
        updateAlphaLine();
        m_debounce->start();
    });
    connect(m_compute, &QPushButton::clicked, this,
            [this] { Q_EMIT computeRequested(kCurvePoints, subset()); });
    connect(m_cancel, &QPushButton::clicked, this, &WiseFtPanel::cancelRequested);
    connect(m_apply, &QPushButton::clicked, this,
            [this] { Q_EMIT applyRequested(alpha(), subset()); });
    setRun(0, QString(), false,
           tr("Select a finished run in the run list (or pause the live run)."));
    updateAlphaLine();
}

double WiseFtPanel::alpha() const {
    return double(m_slider->value()) / kAlphaTicks;
}

void WiseFtPanel::setAlpha(double alpha) {
    m_slider->setValue(int(std::lround(std::clamp(alpha, 0.0, 1.0) * kAlphaTicks)));
}

int WiseFtPanel::subset() const {
    return m_subset->value();
}

void WiseFtPanel::setRun(qint64 runId, const QString& title, bool usable, const QString& reason) {
    const bool changed = runId != m_runId;
    m_runId = runId;
    m_usable = usable && runId > 0;
    m_title->setText(tr("<b>Wise-FT</b> &nbsp; w(α) = (1 − α)·w<sub>pre</sub> + α·w<sub>ft</sub> "
                        "&nbsp;—&nbsp; %1")
                         .arg(runId > 0 ? title.toHtmlEscaped() : tr("no run selected")));
    if (changed) {
        m_curve.clear();
        m_curveItem->data()->clear();
        m_upVsAlpha->data()->clear();
        m_downVsAlpha->data()->clear();
        m_marker->data()->clear();
        m_tradeOff->clearItems();
        m_progress->setValue(0);
        m_pointLabel->clear();
        m_tradeOff->replot(QCustomPlot::rpQueuedReplot);
        m_alphaPlot->replot(QCustomPlot::rpQueuedReplot);
    }
    m_message->setText(m_usable ? QString() : reason);
    updateActions();
}

void WiseFtPanel::setBusy(bool busy, const QString& what) {
    m_busy = busy;
    if (busy) m_progress->setValue(0);
    if (!what.isEmpty()) m_message->setText(what);
    updateActions();
}

void WiseFtPanel::setProgress(qint64 done, qint64 total) {
    m_progress->setMaximum(int(std::max<qint64>(1, total)));
    m_progress->setValue(int(done));
}

void WiseFtPanel::setMessage(const QString& message) {
    m_message->setText(message);
}

void WiseFtPanel::updateActions() {
    m_compute->setEnabled(m_usable && !m_busy);
    m_apply->setEnabled(m_usable && !m_busy);
    m_cancel->setEnabled(m_busy);
    m_slider->setEnabled(m_usable);
}

void WiseFtPanel::updateAlphaLine() {
    const double a = alpha();
    m_alphaLabel->setText(QStringLiteral("α = %1").arg(a, 0, 'f', 2));
    m_apply->setText(tr("Apply α = %1 as a new run").arg(a, 0, 'f', 2));
    m_alphaLine->point1->setCoords(a, 0);
    m_alphaLine->point2->setCoords(a, 1);
    m_alphaPlot->replot(QCustomPlot::rpQueuedReplot);
}

void WiseFtPanel::setCurve(const std::vector<WiseFtPoint>& curve, bool cancelled) {
    m_curve = curve;
    QVector<double> t, alphas, up, down;
    m_tradeOff->clearItems();
    for (size_t i = 0; i < curve.size(); ++i) {
        const WiseFtPoint& p = curve[i];
        t << double(i);
        alphas << p.alpha;
        up << p.up_acc;
        down << p.down_acc;
        auto* label = new QCPItemText(m_tradeOff);
        label->position->setCoords(p.down_acc, p.up_acc);
        label->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
        label->setPadding(QMargins(5, 0, 0, 2));
        label->setText(QString::number(p.alpha, 'g', 2));
        label->setColor(QColor(0x42, 0x42, 0x42));
    }
    m_curveItem->setData(t, down, up);
    m_upVsAlpha->setData(alphas, up, true);
    m_downVsAlpha->setData(alphas, down, true);
    m_tradeOff->replot(QCustomPlot::rpQueuedReplot);
    m_alphaPlot->replot(QCustomPlot::rpQueuedReplot);
    m_progress->setValue(int(curve.size()));
    m_message->setText(cancelled ? tr("Cancelled after %n point(s).", nullptr, int(curve.size()))
                                 : tr("%n points. Move the slider to evaluate any α; Apply "
                                      "stores it as a new run.",
                                      nullptr, int(curve.size())));
}

void WiseFtPanel::setPoint(const WiseFtPoint& p) {
    m_marker->setData({p.down_acc}, {p.up_acc});
    m_pointLabel->setText(tr("α = %1:  upstream accuracy %2 (loss %3),  downstream accuracy %4 "
                             "(loss %5)")
                              .arg(p.alpha, 0, 'f', 2)
                              .arg(p.up_acc, 0, 'f', 3)
                              .arg(p.up_loss, 0, 'f', 3)
                              .arg(p.down_acc, 0, 'f', 3)
                              .arg(p.down_loss, 0, 'f', 3));
    m_tradeOff->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace forgetlab::ui
