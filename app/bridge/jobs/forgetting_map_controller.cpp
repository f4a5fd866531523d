#include "app/bridge/jobs/forgetting_map_controller.h"

#include <QFileInfo>
#include <chrono>
#include <string>

#include "app/bridge/run_database.h"
#include "engine/core/names.h"
#include "engine/core/run_control.h"
#include "engine/forgetting/forgetting_matrix.h"
#include "engine/sessions/forgetting_sweep.h"
#include "engine/store/store.h"
#include "ui/forgetting_map/forgetting_map_tab.h"
#include "ui/forgetting_map/forgetting_map_types.h"

namespace forgetlab::app {

namespace {

ui::MatrixData toView(int64_t id, const std::string& name, const ForgetMatrix& z,
                      const SvdComponents* svd) {
    ui::MatrixData d;
    d.id = id;
    d.name = QString::fromStdString(name);
    d.rows = static_cast<int>(z.rows);
    d.cols = static_cast<int>(z.cols);
    d.values = QVector<double>(z.values.begin(), z.values.end());
    for (const auto& n : z.row_names) d.rowNames << QString::fromStdString(n);
    for (const auto& n : z.col_names) d.colNames << QString::fromStdString(n);
    if (svd) {
        d.rank = svd->rank;
        d.singular = QVector<double>(svd->singular.begin(), svd->singular.end());
        d.u = QVector<double>(svd->u.begin(), svd->u.end());
        d.v = QVector<double>(svd->v.begin(), svd->v.end());
    }
    return d;
}

ui::FitData toView(const FitReport& r) {
    ui::FitData f;
    f.valid = true;
    f.r2Rank = QVector<double>(r.r2_rank.begin(), r.r2_rank.end());
    f.additive = r.r2_additive;
    f.taskOnly = r.r2_task_only;
    f.exampleOnly = r.r2_example_only;
    return f;
}

ui::CompletionData toView(const CompletionReport& r) {
    ui::CompletionData c;
    c.valid = true;
    c.holdout = r.holdout_rows;
    c.observed = r.observed;
    c.seeds = r.seeds;
    for (const MethodScores& m : r.methods) {
        c.methods << QString::fromLatin1(completionMethodName(m.method));
        c.rmse << m.rmse;
        c.f1 << m.f1;
        c.auc << m.auc;
    }
    c.actual = QVector<double>(r.actual.begin(), r.actual.end());
    for (const auto& p : r.predicted) c.predicted << QVector<double>(p.begin(), p.end());
    return c;
}

QString statusText(const MatrixInfo& m) {
    return QString::fromStdString(m.source == "csv" ? std::string("imported") : m.status);
}

JobErrorText errorText() {
    // No database wording: these jobs have always shown what the engine said.
    return {QString(), QStringLiteral("%1"),
            ForgettingMapController::tr("The forgetting-map job failed with an unknown error.")};
}

// A stored matrix as far as it could be prepared: shown even when its fit is impossible.
struct LoadedMatrix {
    ui::MatrixData matrix;
    ui::FitData fit;
    QString error, fitNote;
};

// On the job thread: the matrix with its SVD and fit.
LoadedMatrix loadMatrix(const std::string& db, qint64 matrixId) {
    Store store(db);
    const MatrixInfo info = store.matrixInfo(matrixId);
    const ForgetMatrix z = loadStoredMatrix(store, matrixId);
    LoadedMatrix out;
    if (z.rows == 0) {
        out.matrix = toView(matrixId, info.name, z, nullptr);
        out.fitNote = QStringLiteral("no finished rows yet");
        return out;
    }
    if (z.missingCount() > 0) {
        out.matrix = toView(matrixId, info.name, z, nullptr);
        try {
            z.requireComplete();  // names the first missing cell
        } catch (const MatrixError& e) {
            out.error = QString::fromStdString(e.what());
        }
        return out;
    }
    const SvdComponents svd = leadingComponents(z, 5);
    out.matrix = toView(matrixId, info.name, z, &svd);
    out.fit = toView(fitMatrix(z));
    return out;
}

struct SweepOutcome {
    qint64 id = 0;
    QString status, error;
    QStringList skipped;
};

}  // namespace

ForgettingMapController::ForgettingMapController(ui::ForgettingMapTab* tab, RunDatabase* db,
                                                 QObject* parent)
    : QObject(parent),
      m_tab(tab),
      m_db(db),
      m_sweep(QStringLiteral("forgetlab-sweep"), errorText()),
      m_analysis(QStringLiteral("forgetlab-matrix"), errorText()) {
    connect(tab, &ui::ForgettingMapTab::matrixChosen, this, &ForgettingMapController::chooseMatrix);
    connect(tab, &ui::ForgettingMapTab::sweepRequested, this, &ForgettingMapController::startSweep);
    connect(tab, &ui::ForgettingMapTab::sweepCancelRequested, this,
            &ForgettingMapController::cancelSweep);
    connect(tab, &ui::ForgettingMapTab::resumeRequested, this,
            &ForgettingMapController::resumeSweep);
    connect(tab, &ui::ForgettingMapTab::completionRequested, this,
            &ForgettingMapController::runCompletion);
    connect(tab, &ui::ForgettingMapTab::importCsvRequested, this,
            &ForgettingMapController::importCsv);
    connect(tab, &ui::ForgettingMapTab::exportCsvRequested, this,
            &ForgettingMapController::exportCsv);
    connect(&m_analysis, &BackgroundJob::ended, this, &ForgettingMapController::onAnalysisEnded);
    setSourceRun(0, {}, {});
}

ForgettingMapController::~ForgettingMapController() {
    // Both asked at once, so the two waits overlap (the members' destructors wait).
    m_sweep.cancel();
    m_analysis.cancel();
}

void ForgettingMapController::setDatabasePath(const QString& path) {
    m_dbPath = path;
    refresh();
}

void ForgettingMapController::setSourceRun(qint64 runId, const QString& name,
                                           const QString& status) {
    const bool usable = runId > 0 && status != QLatin1String(status::kRunning);
    m_sourceRun = usable ? runId : 0;
    m_tab->setSweepSource(
        usable ? tr("run #%1 %2 (its pre-trained checkpoint)").arg(runId).arg(name) : QString());
}

void ForgettingMapController::refresh() {
    if (m_dbPath.isEmpty()) return;
    std::vector<MatrixInfo> matrices;
    QString error;
    if (!m_db->matrices(matrices, &error)) {
        m_tab->showError(error);
        return;
    }
    QVector<ui::MatrixListEntry> list;
    for (const MatrixInfo& m : matrices) {
        ui::MatrixListEntry e;
        e.id = m.id;
        e.name = QString::fromStdString(m.name);
        e.rows = static_cast<int>(m.rows_done);
        e.rowsPlanned = static_cast<int>(m.rows_planned);
        e.cols = static_cast<int>(m.cols);
        e.status = statusText(m);
        list << e;
    }
    m_tab->setMatrices(list);
}

void ForgettingMapController::onAnalysisEnded() {
    if (m_reloadWhenIdle && !m_analysis.isBusy() && m_current > 0) {
        m_reloadWhenIdle = false;
        chooseMatrix(m_current);
    }
    if (m_pendingCompletion && !m_analysis.isBusy()) {
        const auto [h, k, n] = *m_pendingCompletion;
        m_pendingCompletion.reset();
        runCompletion(h, k, n);
    }
}

void ForgettingMapController::chooseMatrix(qint64 matrixId) {
    if (matrixId <= 0) return;
    m_current = matrixId;
    if (m_analysis.isBusy()) {  // one analysis at a time; the newest choice wins afterwards
        m_reloadWhenIdle = true;
        return;
    }
    const auto show = [this, matrixId](const LoadedMatrix& out) {
        if (matrixId != m_current) return;  // another was chosen meanwhile
        if (out.matrix.id == matrixId) m_tab->setMatrix(out.matrix);
        if (out.fit.valid) m_tab->setFit(out.fit);
        if (!out.error.isEmpty())
            m_tab->showError(out.error);
        else if (!out.fitNote.isEmpty())
            m_tab->showMessage(tr("Matrix #%1: %2").arg(matrixId).arg(out.fitNote));
        Q_EMIT matrixLoaded(matrixId, out.matrix.rows, out.matrix.cols);
    };
    const std::string db = m_dbPath.toStdString();
    m_analysis.start([db, matrixId](const CancelToken&) { return loadMatrix(db, matrixId); }, show,
                     [show](const QString& message) {
                         LoadedMatrix failed;
                         failed.error = message;
                         show(failed);
                     });
}

void ForgettingMapController::runCompletion(int holdout, int observed, int seeds) {
    if (m_current <= 0) {
        m_tab->showError(tr("Choose a matrix first (or build one with a sweep)."));
        Q_EMIT completionFinished(false);
        return;
    }
    if (m_analysis.isBusy()) {  // the matrix is still loading: predict right after
        m_pendingCompletion = {holdout, observed, seeds};
        m_tab->setCompletionRunning(true);
        return;
    }
    const auto show = [this](const ui::CompletionData& data, const QString& error) {
        m_tab->setCompletionRunning(false);
        if (data.valid) m_tab->setCompletion(data);
        if (!error.isEmpty()) m_tab->showError(error);
        Q_EMIT completionFinished(data.valid);
    };
    const std::string db = m_dbPath.toStdString();
    const qint64 id = m_current;
    m_tab->setCompletionRunning(true);
    m_analysis.start(
        [db, id, holdout, observed, seeds](const CancelToken& cancel) {
            Store store(db);
            const ForgetMatrix z = loadStoredMatrix(store, id);
            CompletionOptions o;
            o.holdout_rows = holdout;
            o.observed = observed;
            o.seeds = seeds;
            return toView(completeMatrix(z, o, {}, cancel.flag()));
        },
        [show](const ui::CompletionData& data) { show(data, QString()); },
        [show](const QString& message) { show(ui::CompletionData(), message); });
}

void ForgettingMapController::startSweep(const ui::SweepRequest& request) {
    if (m_sweep.isBusy()) {
        m_tab->showError(tr("A sweep is already running; cancel it first."));
        return;
    }
    if (m_sourceRun <= 0) {
        m_tab->showError(
            tr("Select a finished run in the run list first: the sweep fine-tunes "
               "its pre-trained model."));
        return;
    }
    launchSweep(0, std::make_shared<ui::SweepRequest>(request));
}

void ForgettingMapController::resumeSweep(qint64 matrixId) {
    if (m_sweep.isBusy()) {
        m_tab->showError(tr("A sweep is already running; cancel it first."));
        return;
    }
    launchSweep(matrixId, nullptr);
}

void ForgettingMapController::cancelSweep() {
    m_sweep.cancel();
}

void ForgettingMapController::launchSweep(qint64 existingId,
                                          std::shared_ptr<ui::SweepRequest> request) {
    auto control = std::make_shared<RunControl>();
    const std::string db = m_dbPath.toStdString();
    const qint64 source = m_sourceRun;
    m_tab->setSweepRunning(true);
    m_tab->setSweepProgress(0, 0, tr("preparing the sweep…"));
    const auto work = [this, db, source, existingId, request, control](const CancelToken&) {
        Store store(db);
        qint64 id = existingId;
        if (!id) {
            SweepConfig s;
            s.families.clear();
            for (const QString& f : request->families) s.families.push_back(f.toStdString());
            s.per_family = request->perFamily;
            s.steps = request->steps;
            s.examples = request->examples;
            id = createSweep(store, source, s);
        }
        // The new (or resumed) matrix shows up in the chooser at once.
        m_sweep.post([this, id] {
            m_sweeping = id;
            refresh();
            m_tab->selectMatrix(id);
        });
        auto last = std::chrono::steady_clock::now() - std::chrono::seconds(1);
        int lastDone = -1;
        const SweepResult r = runSweep(store, id, *control, [&](const SweepProgress& p) {
            const auto now = std::chrono::steady_clock::now();
            const bool rowDone = p.done != lastDone;
            if (!rowDone && now - last < std::chrono::milliseconds(200)) return;
            last = now;
            lastDone = p.done;
            const QString text =
                QString::fromStdString("task " + std::to_string(p.row + 1) + " / " +
                                       std::to_string(p.total) + ": " + p.current);
            const int done = p.done, total = p.total;
            const double frac = p.row_fraction;
            m_sweep.post([this, done, total, frac, text, rowDone, id] {
                m_tab->setSweepProgress(done, total,
                                        text + QStringLiteral(" (%1%)").arg(int(frac * 100)));
                if (rowDone) {  // a new row: the list count and, if shown, the heatmap
                    refresh();
                    if (m_current == id) chooseMatrix(id);
                }
            });
        });
        SweepOutcome out;
        out.id = id;
        out.status = QString::fromStdString(r.status);
        for (const auto& s : r.skipped) out.skipped << QString::fromStdString(s);
        if (!r.error.empty()) out.error = QString::fromStdString(r.error);
        return out;
    };
    const auto finish = [this](const SweepOutcome& out) {
        m_sweeping = 0;
        m_tab->setSweepRunning(false);
        refresh();
        if (out.id > 0) {
            m_tab->selectMatrix(out.id);
            chooseMatrix(out.id);
        }
        if (!out.error.isEmpty())
            m_tab->showError(tr("Sweep: %1").arg(out.error));
        else if (!out.skipped.isEmpty())
            m_tab->showError(tr("Sweep %1; skipped: %2")
                                 .arg(out.status, out.skipped.join(QStringLiteral("; "))));
        else
            m_tab->showMessage(
                out.status == QLatin1String(status::kStopped)
                    ? tr("Sweep stopped; its finished rows are kept. Resume to go on.")
                    : tr("Sweep finished."));
        Q_EMIT sweepFinished(out.id, out.status);
    };
    m_sweep.start(
        work, finish,
        [this, finish](const QString& message) {
            SweepOutcome out;
            out.id = m_sweeping;  // known once the matrix was created
            out.status = QString::fromLatin1(status::kFailed);
            out.error = message;
            finish(out);
        },
        control->stopToken());
}

void ForgettingMapController::importCsv(const QString& path) {
    MatrixInfo info;
    QString error;
    if (!m_db->importMatrixCsv(path, info, &error)) {
        m_tab->showError(error);
        return;
    }
    refresh();
    m_tab->selectMatrix(info.id);
    chooseMatrix(info.id);
    m_tab->showMessage(tr("Imported %1 tasks x %2 examples as matrix #%3")
                           .arg(info.rows_done)
                           .arg(info.cols)
                           .arg(info.id));
}

void ForgettingMapController::exportCsv(const QString& path) {
    if (m_current <= 0) {
        m_tab->showError(tr("Choose a matrix to export first."));
        return;
    }
    QString error;
    if (!m_db->exportMatrixCsv(m_current, path, &error)) {
        m_tab->showError(error);
        return;
    }
    m_tab->showMessage(tr("Wrote matrix #%1 to %2").arg(m_current).arg(path));
}

}  // namespace forgetlab::app
