#include "app/bridge/tabs/sequence_coordinator.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <cmath>

#include "app/bridge/run_database.h"
#include "engine/measure/cl_metrics.h"
#include "ui/continual/accuracy_matrix_view.h"
#include "ui/continual/sequence_view.h"

namespace forgetlab::app {

SequenceCoordinator::SequenceCoordinator(ui::SequenceView* view, RunDatabase* db, QObject* parent)
    : QObject(parent), m_view(view), m_db(db) {
    connect(m_view, &ui::SequenceView::rowsChanged, this, &SequenceCoordinator::updateNumbers);
}

void SequenceCoordinator::reset() {
    m_shownId = 0;
    m_shownStatus.clear();
    m_showsLive = false;
}

void SequenceCoordinator::liveStarted(const ExperimentConfig& config) {
    m_liveConfig = config;
    m_liveIsSequence = config.sequence.tasks > 0;
    m_liveFresh = true;
}

void SequenceCoordinator::livePoints(const std::vector<MetricPoint>& points) {
    if (m_showsLive && m_liveIsSequence) m_view->appendPoints(points);
}

void SequenceCoordinator::sync(bool liveRunning, qint64 liveRunId, qint64 selectedRunId) {
    if (liveRunning && (selectedRunId == 0 || selectedRunId == liveRunId)) {
        showLive();
        return;
    }
    if (selectedRunId == 0) {
        if (m_showsLive || m_shownId != 0) {
            m_view->showMessage(
                tr("Select a task-sequence run in the run list, or start one "
                   "(Setup → Sequence tab, e.g. the \"five tasks\" preset)."));
        }
        m_showsLive = false;
        m_shownId = 0;
        return;
    }
    showStored(selectedRunId);
}

void SequenceCoordinator::showLive() {
    if (m_showsLive && !m_liveFresh) return;
    m_showsLive = true;
    m_liveFresh = false;
    m_shownId = 0;
    m_haveSummary = false;
    if (!m_liveIsSequence) {
        m_view->showMessage(
            tr("The live run is not a task sequence (its Sequence tab in the "
               "setup is off)."));
        return;
    }
    m_view->startSequence(tr("<b>%1</b> (live) — %2 tasks, %3 steps each")
                              .arg(QString::fromStdString(m_liveConfig.name).toHtmlEscaped())
                              .arg(m_liveConfig.sequence.tasks)
                              .arg(m_liveConfig.sequence.steps_per_task),
                          m_liveConfig.sequence.tasks, m_liveConfig.sequence.steps_per_task);
}

void SequenceCoordinator::showStored(qint64 runId) {
    RunInfo info;
    QString error;
    if (!m_db->runInfo(runId, info, &error)) {
        m_view->showMessage(error);
        return;
    }
    const QString status = QString::fromStdString(info.status);
    if (!m_showsLive && runId == m_shownId && status == m_shownStatus) return;  // unchanged
    m_showsLive = false;
    m_shownId = runId;
    m_shownStatus = status;
    m_haveSummary = false;

    const ConfigParseResult parsed = parseStoredConfig(info.config_json);
    const SequenceConfig& sq = parsed.config.sequence;
    const QString name = QString::fromStdString(info.name).toHtmlEscaped();
    if (!parsed.ok() || sq.tasks <= 0) {
        m_view->showMessage(tr("Run #%1 %2 is not a task sequence. Select one trained with the "
                               "Sequence tab on (e.g. the \"five tasks\" preset).")
                                .arg(runId)
                                .arg(name));
        return;
    }
    m_view->startSequence(tr("<b>%1</b> #%2 (%3) — %4 tasks, %5 steps each")
                              .arg(name)
                              .arg(runId)
                              .arg(status)
                              .arg(sq.tasks)
                              .arg(sq.steps_per_task),
                          sq.tasks, sq.steps_per_task);
    std::vector<MetricPoint> points;
    if (m_db->metrics(runId, points, &error)) m_view->appendPoints(points);

    // The stored matrix is the reference (rows derived from the curves agree with it).
    const QJsonObject summary =
        QJsonDocument::fromJson(QByteArray::fromStdString(info.summary_json)).object();
    const QJsonArray matrix = summary.value(QStringLiteral("accuracy_matrix")).toArray();
    for (int i = 0; i < matrix.size(); ++i) {
        QVector<double> row;
        for (const QJsonValue& v : matrix.at(i).toArray()) row << v.toDouble();
        m_view->setRow(i, row);
    }
    if (matrix.size() == sq.tasks && summary.contains(QStringLiteral("avg_acc"))) {
        m_haveSummary = true;
        m_summary[0] = summary.value(QStringLiteral("avg_acc")).toDouble();
        m_summary[1] = summary.value(QStringLiteral("forgetting")).toDouble();
        m_summary[2] = summary.value(QStringLiteral("bwt")).toDouble();
        m_summary[3] = summary.value(QStringLiteral("fwt")).toDouble();
    }
    updateNumbers();
}

// Over the first k tasks done (k rows filled in order): the k x k block of R is the
// matrix of a k-task sequence. FWT needs the untrained model's accuracies, which only
// the stored summary has.
void SequenceCoordinator::updateNumbers() {
    const ui::AccuracyMatrixView* m = m_view->matrix();
    const int tasks = m->taskCount();
    ui::SequenceNumbers n;
    n.tasks = tasks;
    if (m_haveSummary) {
        n.afterTasks = tasks;
        n.avgAcc = m_summary[0];
        n.forgetting = m_summary[1];
        n.bwt = m_summary[2];
        n.fwt = m_summary[3];
        m_view->setNumbers(n);
        return;
    }
    int k = 0;
    while (k < tasks && m->hasRow(k)) ++k;
    if (k > 0) {
        AccuracyMatrix block(k, std::vector<double>(k));
        for (int i = 0; i < k; ++i)
            for (int j = 0; j < k; ++j) block[i][j] = m->cell(i, j);
        try {
            const ContinualMetrics cm = continualMetrics(block);
            n.afterTasks = k;
            n.avgAcc = cm.avg_acc;
            n.forgetting = k > 1 ? cm.forgetting : NAN;
            n.bwt = k > 1 ? cm.bwt : NAN;
        } catch (const std::exception&) {
            // Not square: cannot happen for a block; leave the numbers unknown.
        }
    }
    m_view->setNumbers(n);
}

}  // namespace forgetlab::app
