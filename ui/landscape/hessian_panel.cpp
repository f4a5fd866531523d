#include "ui/landscape/hessian_panel.h"

#include <QComboBox>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

#include "ui/common/form_helpers.h"

namespace forgetlab::ui {

namespace {

QTableWidgetItem* cell(const QString& text, bool number) {
    auto* item = new QTableWidgetItem(text);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    if (number) item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

}  // namespace

HessianPanel::HessianPanel(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("hessianPanel"));
    m_probe = makeChoice(
        {{"downstream", tr("downstream (new task)")}, {"upstream", tr("upstream (old task)")}});
    m_probe->setObjectName(QStringLiteral("hessian.probe"));
    m_probe->setToolTip(tr("Training examples whose loss the Hessian is taken of"));
    m_topk = makeIntSpin(1, 5);
    m_topk->setObjectName(QStringLiteral("hessian.topk"));
    m_topk->setValue(3);
    m_topk->setToolTip(tr("Largest eigenvalues, by power iteration with deflation"));
    m_traceSamples = makeIntSpin(0, 10000);
    m_traceSamples->setObjectName(QStringLiteral("hessian.trace_samples"));
    m_traceSamples->setValue(20);
    m_traceSamples->setSpecialValueText(tr("off"));
    m_traceSamples->setToolTip(
        tr("Rademacher samples of Hutchinson's trace estimator (0 = no "
           "trace; at least 2 for a standard error)"));
    m_probeSize = makeIntSpin(1, 60000);
    m_probeSize->setObjectName(QStringLiteral("hessian.probe_size"));
    m_probeSize->setValue(256);
    m_maxIters = makeIntSpin(1, 10000);
    m_maxIters->setObjectName(QStringLiteral("hessian.max_iters"));
    m_maxIters->setValue(100);
    m_maxIters->setToolTip(
        tr("Power-iteration limit per eigenvalue (stops earlier when the "
           "relative change is below 1e-3)"));
    m_compute = new QPushButton(tr("Compute Hessian"));
    m_compute->setObjectName(QStringLiteral("computeHessianButton"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* form = new QGridLayout;
    form->setHorizontalSpacing(6);
    form->setVerticalSpacing(3);
    const std::pair<QString, QWidget*> fields[] = {{tr("Probe"), m_probe},
                                                   {tr("Top k"), m_topk},
                                                   {tr("Trace samples"), m_traceSamples},
                                                   {tr("Examples"), m_probeSize},
                                                   {tr("Max iterations"), m_maxIters}};
    int i = 0;
    for (const auto& [text, widget] : fields) {
        auto* label = new QLabel(text);
        label->setBuddy(widget);
        form->addWidget(label, i / 2, (i % 2) * 2, Qt::AlignRight);
        form->addWidget(widget, i / 2, (i % 2) * 2 + 1);
        ++i;
    }
    form->addWidget(m_compute, 2, 2, 1, 2);
    layout->addLayout(form);

    m_caption = new QLabel;
    m_caption->setObjectName(QStringLiteral("hessianCaption"));
    m_caption->setWordWrap(true);
    layout->addWidget(m_caption);
    m_table = new QTableWidget(0, 3);
    m_table->setObjectName(QStringLiteral("hessianTable"));
    m_table->setHorizontalHeaderLabels({tr("Quantity"), tr("Value"), tr("Iterations / samples")});
    m_table->verticalHeader()->setVisible(false);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->setAlternatingRowColors(true);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    layout->addWidget(m_table, 1);

    connect(m_compute, &QPushButton::clicked, this, [this] { Q_EMIT computeRequested(); });
}

HessianRequest HessianPanel::request() const {
    HessianRequest r;
    r.probe = choice(m_probe);
    r.topk = m_topk->value();
    r.trace_samples = m_traceSamples->value();
    r.probe_size = m_probeSize->value();
    r.max_iters = m_maxIters->value();
    return r;
}

void HessianPanel::clearResult() {
    m_table->setRowCount(0);
    m_caption->clear();
    m_eigenvalues.clear();
}

void HessianPanel::setResult(const HessianResult& r, const QString& caption) {
    clearResult();
    m_caption->setText(caption);
    for (size_t k = 0; k < r.eigenvalues.size(); ++k) {
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        m_table->setItem(row, 0, cell(k == 0 ? tr("λ_max (λ1)") : tr("λ%1").arg(k + 1), false));
        m_table->setItem(row, 1, cell(QString::number(r.eigenvalues[k], 'g', 5), true));
        const QString iters =
            k < r.iterations.size() ? QString::number(r.iterations[k]) : QString();
        m_table->setItem(row, 2, cell(iters, true));
        m_eigenvalues << r.eigenvalues[k];
    }
    if (r.request.trace_samples > 0 && !r.cancelled) {
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        m_table->setItem(row, 0, cell(tr("trace (Hutchinson)"), false));
        m_table->setItem(
            row, 1,
            cell(QStringLiteral("%1 ± %2").arg(QString::number(r.trace_mean, 'g', 5),
                                               QString::number(r.trace_stderr, 'g', 2)),
                 true));
        m_table->setItem(row, 2, cell(QString::number(r.request.trace_samples), true));
    }
}

QVector<double> HessianPanel::shownEigenvalues() const {
    return m_eigenvalues;
}

}  // namespace forgetlab::ui
