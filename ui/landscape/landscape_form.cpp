#include "ui/landscape/landscape_form.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <cmath>

#include "ui/common/form_helpers.h"

namespace forgetlab::ui {

QString formatSeconds(double seconds) {
    if (seconds < 10) return QObject::tr("%1 s").arg(seconds, 0, 'f', seconds < 1 ? 2 : 1);
    if (seconds < 120) return QObject::tr("%1 s").arg(std::lround(seconds));
    const long total = std::lround(seconds);
    return QObject::tr("%1 min %2 s").arg(total / 60).arg(total % 60);
}

LandscapeForm::LandscapeForm(QWidget* parent) : QWidget(parent) {
    m_kind = makeChoice({{"2d", tr("2-D plane (two random directions)")},
                         {"1d", tr("1-D random direction")},
                         {"interp", tr("Interpolation pre-trained → fine-tuned")}});
    m_kind->setObjectName(QStringLiteral("landscape.kind"));
    m_kind->setToolTip(
        tr("Filter-normalised random directions around the chosen weights (Li et "
           "al. 2018), or the straight line between the pre-trained and the "
           "chosen weights, α in [−0.5, 1.5]"));
    m_grid = makeIntSpin(3, 101);
    m_grid->setObjectName(QStringLiteral("landscape.grid"));
    m_grid->setToolTip(
        tr("Points per axis (the 2-D plane has grid × grid points); the "
           "reference uses 51, 21 is quick"));
    m_range = new QDoubleSpinBox;
    m_range->setObjectName(QStringLiteral("landscape.range"));
    m_range->setRange(0.01, 100);
    m_range->setDecimals(2);
    m_range->setSingleStep(0.25);
    m_range->setToolTip(tr("a and b run over [−range, range] in units of the filter norms"));
    m_subset = makeIntSpin(1, 10000);
    m_subset->setObjectName(QStringLiteral("landscape.subset"));
    m_subset->setToolTip(tr("Test examples of each task evaluated at every point"));
    m_seed = makeIntSpin(0, 1'000'000);
    m_seed->setObjectName(QStringLiteral("landscape.seed"));
    m_seed->setToolTip(tr("Seed of the random directions: the same seed gives the same slice"));
    m_cost = new QLabel;
    m_cost->setObjectName(QStringLiteral("landscapeCost"));
    m_cost->setTextFormat(Qt::RichText);
    m_compute = new QPushButton(tr("Compute landscape"));
    m_compute->setObjectName(QStringLiteral("computeLandscapeButton"));
    m_compute->setDefault(true);

    auto* grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setHorizontalSpacing(6);
    grid->setVerticalSpacing(3);
    int col = 0;
    const std::pair<QString, QWidget*> fields[] = {{tr("Kind"), m_kind},
                                                   {tr("Grid"), m_grid},
                                                   {tr("Range ±"), m_range},
                                                   {tr("Examples"), m_subset},
                                                   {tr("Seed"), m_seed}};
    for (const auto& [text, widget] : fields) {
        auto* label = new QLabel(text);
        label->setBuddy(widget);
        grid->addWidget(label, 0, col++, Qt::AlignRight);
        grid->addWidget(widget, 0, col++);
    }
    grid->addWidget(m_compute, 0, col);
    grid->addWidget(m_cost, 1, 0, 1, col + 1);
    grid->setColumnStretch(1, 1);

    setRequest(LandscapeRequest{});
    for (QWidget* w : {static_cast<QWidget*>(m_kind), static_cast<QWidget*>(m_grid),
                       static_cast<QWidget*>(m_subset), static_cast<QWidget*>(m_seed)})
        watchEdits(w, this, [this] {
            updateRangeEnabled();
            Q_EMIT requestChanged();
        });
    connect(m_range, &QDoubleSpinBox::valueChanged, this, [this] { Q_EMIT requestChanged(); });
    connect(m_compute, &QPushButton::clicked, this, [this] { Q_EMIT computeRequested(); });
}

LandscapeRequest LandscapeForm::request() const {
    LandscapeRequest r;
    r.kind = choice(m_kind);
    r.grid = m_grid->value();
    r.range = m_range->value();
    r.subset = m_subset->value();
    r.seed = static_cast<uint64_t>(m_seed->value());
    return r;
}

void LandscapeForm::setRequest(const LandscapeRequest& r) {
    setChoice(m_kind, r.kind);
    m_grid->setValue(r.grid);
    m_range->setValue(r.range);
    m_subset->setValue(r.subset);
    m_seed->setValue(static_cast<int>(r.seed));
    updateRangeEnabled();
}

void LandscapeForm::updateRangeEnabled() {
    // The interpolation line has a fixed span, [-0.5, 1.5].
    m_range->setEnabled(choice(m_kind) != "interp");
}

void LandscapeForm::setCost(qint64 evaluations, double secondsPerPass, bool measuring) {
    QString text = tr("Cost: <b>%1</b> evaluation passes (upstream + downstream, %2 examples "
                      "each)")
                       .arg(evaluations)
                       .arg(m_subset->value());
    if (secondsPerPass >= 0) {
        text += tr(" ≈ <b>%1</b> (%2 ms per pass, timed)")
                    .arg(formatSeconds(evaluations * secondsPerPass))
                    .arg(secondsPerPass * 1000, 0, 'f', 1);
    } else if (measuring) {
        text += tr(" — timing one pass…");
    }
    m_cost->setText(text);
}

QString LandscapeForm::costText() const {
    return m_cost->text();
}

}  // namespace forgetlab::ui
