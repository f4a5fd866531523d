#include "app/bridge/run_database.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>
#include <exception>
#include <utility>

#include "engine/forgetting/forgetting_matrix.h"
#include "engine/sessions/forgetting_sweep.h"

namespace forgetlab::app {

namespace {

QString tr(const char* text) {
    return QCoreApplication::translate("RunDatabase", text);
}

// Runs fn; on an exception, error = what, separator and the exception's message.
template <class F>
bool guarded(QString* error, const QString& what, F&& fn,
             const QString& separator = QStringLiteral("\n\n")) {
    try {
        fn();
        return true;
    } catch (const std::exception& e) {
        if (error) *error = what + separator + QString::fromStdString(e.what());
    } catch (...) {
        if (error) *error = what;
    }
    return false;
}

// The Forgetting map tab shows its errors in one line beside its controls.
const QString kOneLine = QStringLiteral(" ");

// guarded, in one line, for a call that needs an open database.
template <class F>
bool guardedLine(Store* store, QString* error, const QString& what, F&& fn) {
    if (!store) {
        if (error) *error = what + kOneLine + tr("No database is open.");
        return false;
    }
    return guarded(error, what, std::forward<F>(fn), kOneLine);
}

}  // namespace

RunDatabase::RunDatabase() = default;
RunDatabase::~RunDatabase() = default;

bool RunDatabase::open(const QString& path, QString* error) {
    std::unique_ptr<Store> store;
    const bool ok = guarded(error, tr("Cannot open the run database %1.").arg(path), [&] {
        store = std::make_unique<Store>(path.toStdString());
        store->listRuns();  // a file that is not a database fails here at the latest
    });
    if (!ok) return false;
    m_store = std::move(store);
    m_path = path;
    return true;
}

bool RunDatabase::runRows(QList<ui::RunRow>& rows, QString* error) {
    rows.clear();
    if (!m_store) return true;
    std::vector<RunInfo> runs;
    if (!guarded(error, tr("Cannot read the list of runs."), [&] { runs = m_store->listRuns(); }))
        return false;
    // Newest first: the run just made is the one people look for.
    std::sort(runs.begin(), runs.end(),
              [](const RunInfo& a, const RunInfo& b) { return a.id > b.id; });
    for (const RunInfo& r : runs) {
        ui::RunRow row;
        row.id = r.id;
        row.name = QString::fromStdString(r.name);
        row.status = QString::fromStdString(r.status);
        row.created = QString::fromStdString(r.created);
        const QJsonObject summary =
            QJsonDocument::fromJson(QByteArray::fromStdString(r.summary_json)).object();
        if (summary.contains(QStringLiteral("upstream_logppl_before"))) {
            // A language model: log-perplexities (nats/token) say more than accuracies.
            row.forgetting = summary.value(QStringLiteral("forgetting")).toDouble();
            row.details =
                tr("upstream log-perplexity %1 → %2 nats/token, downstream %3; next-token "
                   "accuracy %4 → %5; %6 steps")
                    .arg(summary.value(QStringLiteral("upstream_logppl_before")).toDouble(), 0, 'f',
                         3)
                    .arg(summary.value(QStringLiteral("upstream_logppl_after")).toDouble(), 0, 'f',
                         3)
                    .arg(summary.value(QStringLiteral("downstream_logppl_after")).toDouble(), 0,
                         'f', 3)
                    .arg(summary.value(QStringLiteral("upstream_acc_before")).toDouble(), 0, 'f', 3)
                    .arg(summary.value(QStringLiteral("upstream_acc_after")).toDouble(), 0, 'f', 3)
                    .arg(summary.value(QStringLiteral("steps")).toInteger());
        } else if (summary.contains(QStringLiteral("forgetting"))) {
            row.forgetting = summary.value(QStringLiteral("forgetting")).toDouble();
            row.details =
                tr("upstream accuracy %1 → %2, downstream %3, %4 steps")
                    .arg(summary.value(QStringLiteral("upstream_acc_before")).toDouble(), 0, 'f', 3)
                    .arg(summary.value(QStringLiteral("upstream_acc_after")).toDouble(), 0, 'f', 3)
                    .arg(summary.value(QStringLiteral("downstream_acc_after")).toDouble(), 0, 'f',
                         3)
                    .arg(summary.value(QStringLiteral("steps")).toInteger());
        }
        if (summary.contains(QStringLiteral("error"))) {
            row.details += QLatin1Char('\n') + summary.value(QStringLiteral("error")).toString();
        }
        if (isResumableStatus(r.status)) {
            QString why;
            guarded(&why, tr("Cannot tell whether run #%1 can be resumed.").arg(r.id),
                    [&] { why = QString::fromStdString(resumeRefusal(*m_store, r.id)); });
            row.resumable = why.isEmpty();
            row.resumeNote = why;
        }
        rows << row;
    }
    return true;
}

bool RunDatabase::resumePoint(qint64 id, ResumePoint& point, std::vector<MetricPoint>& kept,
                              QString* error) {
    if (!m_store) {
        if (error) *error = tr("No database is open.");
        return false;
    }
    std::string why;
    const bool ok = guarded(error, tr("Cannot read run #%1.").arg(id), [&] {
        why = resumeRefusal(*m_store, id, &point);
        if (why.empty()) kept = keptOnResume(*m_store, id, point);
    });
    if (!ok) return false;
    if (!why.empty()) {
        if (error)
            *error = tr("Run #%1 cannot be resumed: %2").arg(id).arg(QString::fromStdString(why));
        return false;
    }
    std::stable_sort(kept.begin(), kept.end(), [](const MetricPoint& a, const MetricPoint& b) {
        return a.key != b.key ? a.key < b.key : a.step < b.step;
    });
    return true;
}

bool RunDatabase::runInfo(qint64 id, RunInfo& info, QString* error) {
    if (!m_store) return false;
    return guarded(error, tr("Cannot read run #%1.").arg(id), [&] { info = m_store->run(id); });
}

bool RunDatabase::metrics(qint64 id, std::vector<MetricPoint>& points, QString* error) {
    if (!m_store) return false;
    const bool ok = guarded(error, tr("Cannot read the metrics of run #%1.").arg(id),
                            [&] { points = m_store->metrics(id); });
    if (ok) {
        std::stable_sort(points.begin(), points.end(),
                         [](const MetricPoint& a, const MetricPoint& b) {
                             return a.key != b.key ? a.key < b.key : a.step < b.step;
                         });
    }
    return ok;
}

bool RunDatabase::exportCsv(qint64 id, const QString& csvPath, QString* error) {
    if (!m_store) {
        if (error) *error = tr("No database is open.");
        return false;
    }
    return guarded(error, tr("Cannot export run #%1 to %2.").arg(id).arg(csvPath),
                   [&] { exportRunCsv(*m_store, id, csvPath.toStdString()); });
}

bool RunDatabase::checkpoints(qint64 id, std::vector<CheckpointRow>& rows, QString* error) {
    rows.clear();
    if (!m_store) return true;
    const bool ok = guarded(error, tr("Cannot read the checkpoints of run #%1.").arg(id),
                            [&] { rows = m_store->checkpoints(id); });
    if (ok) {
        // Pre-trained first among rows of one step (step 0 is also where fine-tuning starts).
        std::stable_sort(rows.begin(), rows.end(),
                         [](const CheckpointRow& a, const CheckpointRow& b) {
                             if (a.step != b.step) return a.step < b.step;
                             return a.tag == "pretrained" && b.tag != "pretrained";
                         });
    }
    return ok;
}

bool RunDatabase::analyses(qint64 id, std::vector<AnalysisRow>& landscapes,
                           std::vector<AnalysisRow>& hessians, QString* error) {
    landscapes.clear();
    hessians.clear();
    if (!m_store) return true;
    return guarded(error, tr("Cannot read the stored analyses of run #%1.").arg(id), [&] {
        landscapes = m_store->landscapes(id);
        hessians = m_store->hessians(id);
    });
}

bool RunDatabase::events(qint64 id, const std::string& kind, std::vector<EventRow>& rows,
                         QString* error) {
    rows.clear();
    if (!m_store) return true;
    std::vector<EventRow> all;
    const bool ok = guarded(error, tr("Cannot read the events of run #%1.").arg(id),
                            [&] { all = m_store->events(id); });
    if (!ok) return false;
    for (EventRow& e : all)
        if (e.kind == kind) rows.push_back(std::move(e));
    std::stable_sort(rows.begin(), rows.end(),
                     [](const EventRow& a, const EventRow& b) { return a.step < b.step; });
    return true;
}

bool RunDatabase::matrices(std::vector<MatrixInfo>& rows, QString* error) {
    rows.clear();
    if (!m_store) return true;
    return guarded(
        error, tr("Cannot list the forgetting matrices:"), [&] { rows = m_store->listMatrices(); },
        kOneLine);
}

bool RunDatabase::importMatrixCsv(const QString& csvPath, MatrixInfo& info, QString* error) {
    return guardedLine(m_store.get(), error, tr("Cannot import %1:").arg(csvPath), [&] {
        const ForgetMatrix z = readMatrixCsv(csvPath.toStdString());
        const int64_t id = importMatrix(*m_store, z, QFileInfo(csvPath).fileName().toStdString());
        info = m_store->matrixInfo(id);
    });
}

bool RunDatabase::exportMatrixCsv(qint64 matrixId, const QString& csvPath, QString* error) {
    return guardedLine(m_store.get(), error, tr("Cannot export to %1:").arg(csvPath), [&] {
        writeMatrixCsv(loadStoredMatrix(*m_store, matrixId), csvPath.toStdString());
    });
}

}  // namespace forgetlab::app
