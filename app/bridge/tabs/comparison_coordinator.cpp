#include "app/bridge/tabs/comparison_coordinator.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <map>

#include "app/bridge/run_database.h"
#include "engine/core/config.h"
#include "engine/sessions/seed_set.h"
#include "ui/live/live_plots.h"
#include "ui/common/plot_style.h"
#include "ui/runs/seed_band_plot.h"

namespace forgetlab::app {

ComparisonCoordinator::ComparisonCoordinator(ui::ComparisonView* view, RunDatabase* db,
                                             ui::LivePlots* plots, QObject* parent)
    : QObject(parent), m_view(view), m_db(db), m_plots(plots) {}

void ComparisonCoordinator::reset() {
    m_cache.clear();
    m_view->setRuns({});
    m_view->seedBands()->clear();
}

bool ComparisonCoordinator::load(qint64 id, ui::ComparedRun& run) {
    RunInfo info;
    std::vector<MetricPoint> points;
    QString error;
    if (!m_db->runInfo(id, info, &error) || !m_db->metrics(id, points, &error)) {
        Q_EMIT errorReported(error);
        return false;
    }
    run = {};
    run.id = id;
    run.name = QString::fromStdString(info.name);
    // Sequences: the first task plays "upstream" (what may be forgotten), the last one
    // "downstream" (what was learnt last).
    std::string upKey = keys::kUpTestAcc, downKey = keys::kDownTestAcc;
    const ConfigParseResult parsed = parseStoredConfig(info.config_json);
    if (parsed.ok() && parsed.config.sequence.tasks > 0) {
        upKey = "task0_acc";
        downKey = "task" + std::to_string(parsed.config.sequence.tasks - 1) + "_acc";
    }
    for (const MetricPoint& p : points) {  // sorted by key, then step
        if (p.key == upKey) {
            run.upSteps << double(p.step);
            run.upAcc << p.value;
        } else if (p.key == downKey) {
            run.downSteps << double(p.step);
            run.downAcc << p.value;
        }
    }
    const QJsonObject summary =
        QJsonDocument::fromJson(QByteArray::fromStdString(info.summary_json)).object();
    if (summary.contains(QStringLiteral("forgetting"))) {
        run.finished = true;
        run.forgetting = summary.value(QStringLiteral("forgetting")).toDouble();
        run.downAccFinal = summary.value(QStringLiteral("downstream_acc_after")).toDouble();
    }
    return true;
}

void ComparisonCoordinator::showRuns(const QList<qint64>& runIds) {
    QList<ui::ComparedRun> runs;
    int index = 0;
    for (qint64 id : runIds) {
        ui::ComparedRun run;
        auto it = m_cache.constFind(id);
        if (it != m_cache.constEnd()) {
            run = *it;
        } else if (!load(id, run)) {
            continue;
        } else if (run.finished) {
            m_cache.insert(id, run);
        }
        // The colour the run has in the live plots (and beside it in the run list).
        const QColor shown = m_plots->runColor(id);
        run.color = shown.isValid() ? shown : ui::runColor(index);
        ++index;
        runs << run;
    }
    m_view->setRuns(runs);
}

bool ComparisonCoordinator::showSeedBand(const QList<qint64>& runIds, const QString& title) {
    std::map<int64_t, std::vector<double>> byStep;
    int n = 0;
    for (qint64 id : runIds) {
        std::vector<MetricPoint> points;
        QString error;
        if (!m_db->metrics(id, points, &error)) {
            Q_EMIT errorReported(error);
            return false;
        }
        ++n;
        for (const MetricPoint& p : points)
            if (p.key == keys::kUpTestAcc) byStep[p.step].push_back(p.value);
    }
    ui::SeedBand band;
    band.title = title;
    band.seeds = n;
    for (const auto& [step, values] : byStep) {
        if (int(values.size()) != n || n == 0) continue;  // a step not every run measured
        const MeanStd m = meanAndStd(values);             // the CLI's aggregate, sample std
        band.steps << double(step);
        band.mean << m.mean;
        band.stddev << m.std;
    }
    if (band.steps.isEmpty()) {
        m_view->seedBands()->clear(
            tr("The seed runs have no upstream accuracy in common "
               "(task sequences have none)."));
        return false;
    }
    m_view->seedBands()->setBand(band);
    return true;
}

}  // namespace forgetlab::app
