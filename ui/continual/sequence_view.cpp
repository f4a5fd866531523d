#include "ui/continual/sequence_view.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QSplitter>
#include <QVBoxLayout>
#include <algorithm>
#include <limits>

#include "ui/continual/accuracy_matrix_view.h"
#include "ui/common/plot_style.h"
#include "ui/common/qcp.h"

namespace forgetlab::ui {

namespace {

// "task3_acc" -> 3; -1 for any other key.
int taskOfKey(const std::string& key) {
    const std::string prefix = keys::kTaskAccPrefix;
    const std::string suffix = "_acc";
    if (key.size() <= prefix.size() + suffix.size() || key.compare(0, prefix.size(), prefix) != 0 ||
        key.compare(key.size() - suffix.size(), suffix.size(), suffix) != 0)
        return -1;
    const std::string digits =
        key.substr(prefix.size(), key.size() - prefix.size() - suffix.size());
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) return -1;
    return std::stoi(digits);
}

QString numberCard(const QString& name, double value, const QString& unit, const QString& note) {
    const QString v =
        std::isnan(value) ? QStringLiteral("—") : QString::number(value * 100.0, 'f', 1) + unit;
    return QStringLiteral(
               "<div style='color:#616161'>%1</div>"
               "<div style='font-size:17pt; font-weight:600'>%2</div>"
               "<div style='color:#757575; font-size:8pt'>%3</div>")
        .arg(name, v, note);
}

}  // namespace

SequenceView::SequenceView(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("sequenceView"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    m_title = new QLabel;
    m_title->setObjectName(QStringLiteral("sequenceTitle"));
    layout->addWidget(m_title);
    m_message = new QLabel;
    m_message->setObjectName(QStringLiteral("sequenceMessage"));
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);
    m_message->setStyleSheet(QStringLiteral("QLabel { color: #616161; font-size: 12pt; }"));
    layout->addWidget(m_message, 1);

    m_content = new QWidget;
    auto* content = new QVBoxLayout(m_content);
    content->setContentsMargins(0, 0, 0, 0);
    auto* cards = new QHBoxLayout;
    const char* names[4] = {"avgAccuracy", "clForgetting", "bwt", "fwt"};
    for (int i = 0; i < 4; ++i) {
        m_numbers[i] = new QLabel;
        m_numbers[i]->setObjectName(QString::fromLatin1(names[i]));
        m_numbers[i]->setAlignment(Qt::AlignCenter);
        m_numbers[i]->setFrameShape(QFrame::StyledPanel);
        m_numbers[i]->setMinimumWidth(130);
        m_numbers[i]->setTextInteractionFlags(Qt::TextSelectableByMouse);
        cards->addWidget(m_numbers[i], 1);
    }
    m_numbers[0]->setToolTip(
        tr("Mean accuracy over all tasks after the last one: mean_j R[T-1][j]"));
    m_numbers[1]->setToolTip(
        tr("Chaudhry et al. 2018: mean over earlier tasks of the best "
           "accuracy they ever had minus the final one"));
    m_numbers[2]->setToolTip(
        tr("Backward transfer (Lopez-Paz & Ranzato 2017): mean of "
           "R[T-1][j] − R[j][j]; negative = forgetting"));
    m_numbers[3]->setToolTip(
        tr("Forward transfer: mean of R[j-1][j] − b_j (b_j = accuracy of "
           "the untrained model on task j); known when the run ends"));
    content->addLayout(cards);

    auto* split = new QSplitter(Qt::Horizontal);
    m_matrix = new AccuracyMatrixView;
    m_curves = new QCustomPlot;
    m_curves->setObjectName(QStringLiteral("taskCurvesPlot"));
    m_curves->setMinimumSize(320, 260);
    stylePlot(m_curves, tr("Accuracy on each task while training the sequence"),
              tr("training step (all tasks)"), tr("test accuracy (fraction)"));
    m_curves->yAxis->setRange(0, 1.05);
    split->addWidget(m_matrix);
    split->addWidget(m_curves);
    // The matrix wants to be square; the curves take what is left.
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    content->addWidget(split, 1);
    layout->addWidget(m_content, 1);

    connect(m_matrix, &AccuracyMatrixView::rowsChanged, this, &SequenceView::rowsChanged);
    showMessage(
        tr("Select a task-sequence run in the run list, or start one "
           "(Setup → Sequence tab, e.g. the \"five tasks\" preset)."));
}

void SequenceView::showMessage(const QString& message) {
    m_tasks = 0;
    m_stepsPerTask = 0;
    m_pending.clear();
    m_matrix->setTaskCount(0);
    rebuildCurves();
    m_title->clear();
    m_message->setText(message);
    m_message->show();
    m_content->hide();
}

void SequenceView::startSequence(const QString& title, int tasks, int stepsPerTask) {
    m_tasks = std::max(0, tasks);
    m_stepsPerTask = std::max(1, stepsPerTask);
    m_pending.clear();
    m_title->setText(title);
    m_message->hide();
    m_content->show();
    m_matrix->setTaskCount(m_tasks);
    rebuildCurves();
    setNumbers({});
}

void SequenceView::rebuildCurves() {
    m_curves->clearGraphs();
    m_curves->clearItems();
    m_graphs.clear();
    for (int j = 0; j < m_tasks; ++j) {
        QCPGraph* g = m_curves->addGraph();
        g->setName(tr("task %1").arg(j));
        const QColor c = runColor(j);
        g->setPen(QPen(c, 2.0));
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, c, Qt::white, 4));
        m_graphs << g;
    }
    // Task boundaries; which task is being trained is labelled at the top.
    for (int i = 1; i < m_tasks; ++i) {
        auto* line = new QCPItemStraightLine(m_curves);
        const double x = double(i) * m_stepsPerTask;
        line->point1->setCoords(x, 0);
        line->point2->setCoords(x, 1);
        line->setPen(QPen(QColor(0x9e, 0x9e, 0x9e), 1, Qt::DashLine));
    }
    for (int i = 0; i < m_tasks; ++i) {
        auto* label = new QCPItemText(m_curves);
        label->position->setCoords((i + 0.5) * m_stepsPerTask, 1.02);
        label->setText(m_tasks <= 6 ? tr("task %1").arg(i) : QString::number(i));
        label->setColor(QColor(0x61, 0x61, 0x61));
        QFont small = m_curves->font();
        small.setPointSizeF(small.pointSizeF() - 0.5);
        label->setFont(small);
        label->setPositionAlignment(Qt::AlignHCenter | Qt::AlignBottom);
        label->setClipToAxisRect(true);
    }
    m_curves->legend->setWrap(std::max(1, std::min(m_tasks, 10)));
    m_curves->xAxis->setRange(0, std::max(1, m_tasks * m_stepsPerTask));
    m_curves->yAxis->setRange(0, 1.08);
    m_curves->replot(QCustomPlot::rpQueuedReplot);
}

void SequenceView::appendPoints(const std::vector<MetricPoint>& points) {
    if (m_tasks <= 0) return;
    QVector<QVector<double>> xs(m_tasks), ys(m_tasks);
    for (const MetricPoint& p : points) {
        const int j = taskOfKey(p.key);
        if (j < 0 || j >= m_tasks) continue;
        xs[j] << double(p.step);
        ys[j] << p.value;
        // The evaluation at the end of task i is row i of the matrix.
        if (p.step > 0 && p.step % m_stepsPerTask == 0) {
            QVector<double>& row = m_pending[p.step];
            if (row.isEmpty())
                row = QVector<double>(m_tasks, std::numeric_limits<double>::quiet_NaN());
            row[j] = p.value;
        }
    }
    for (int j = 0; j < m_tasks; ++j)
        if (!xs[j].isEmpty()) m_graphs[j]->addData(xs[j], ys[j], /*alreadySorted=*/true);
    for (auto it = m_pending.begin(); it != m_pending.end();) {
        const bool complete = std::none_of(it->second.begin(), it->second.end(),
                                           [](double v) { return std::isnan(v); });
        if (!complete) {
            ++it;
            continue;
        }
        const int i = int(it->first / m_stepsPerTask) - 1;
        if (!m_matrix->hasRow(i)) m_matrix->setRow(i, it->second);
        it = m_pending.erase(it);
    }
    m_curves->replot(QCustomPlot::rpQueuedReplot);
}

void SequenceView::setRow(int i, const QVector<double>& row) {
    m_matrix->setRow(i, row);
}

void SequenceView::setNumbers(const SequenceNumbers& n) {
    const QString over = n.afterTasks > 0 && n.afterTasks < n.tasks
                             ? tr("after task %1 of %2 so far").arg(n.afterTasks - 1).arg(n.tasks)
                         : n.afterTasks > 0 ? tr("over all %1 tasks").arg(n.tasks)
                                            : QString();
    m_numbers[0]->setText(numberCard(tr("Average accuracy"), n.avgAcc, QStringLiteral(" %"), over));
    m_numbers[1]->setText(numberCard(tr("Forgetting"), n.forgetting, tr(" pts"), over));
    m_numbers[2]->setText(numberCard(tr("BWT"), n.bwt, tr(" pts"), over));
    m_numbers[3]->setText(numberCard(tr("FWT"), n.fwt, tr(" pts"),
                                     std::isnan(n.fwt) ? tr("when the run ends") : over));
}

QString SequenceView::numbersText() const {
    QStringList parts;
    for (QLabel* l : m_numbers) parts << l->text();
    return parts.join(QLatin1Char('\n'));
}

int SequenceView::curvePointCount(int task) const {
    return task >= 0 && task < m_graphs.size() ? m_graphs[task]->dataCount() : 0;
}

}  // namespace forgetlab::ui
