#include "app/bridge/jobs/forgetting_map_controller.h"

#include <QFileInfo>
#include <QPointer>
#include <QThread>
#include <chrono>
#include <cmath>
#include <exception>
#include <nlohmann/json.hpp>

#include "engine/forgetting/forgetting_matrix.h"
#include "engine/sessions/forgetting_sweep.h"
#include "engine/core/run_control.h"
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

}  // namespace

ForgettingMapController::ForgettingMapController(ui::ForgettingMapTab* tab, QObject* parent)
    : QObject(parent), m_tab(tab) {
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
    setSourceRun(0, {}, {});
}

ForgettingMapController::~ForgettingMapController() {
    if (m_sweepControl) m_sweepControl->requestStop();
    if (m_jobCancel) *m_jobCancel = true;
    if (m_sweepThread) m_sweepThread->wait();
    if (m_jobThread) m_jobThread->wait();
}

void ForgettingMapController::setDatabasePath(const QString& path) {
    m_dbPath = path;
    refresh();
}

void ForgettingMapController::setSourceRun(qint64 runId, const QString& name,
                                           const QString& status) {
    const bool usable = runId > 0 && status != QStringLiteral("running");
    m_sourceRun = usable ? runId : 0;
    m_tab->setSweepSource(
        usable ? tr("run #%1 %2 (its pre-trained checkpoint)").arg(runId).arg(name) : QString());
}

void ForgettingMapController::refresh() {
    if (m_dbPath.isEmpty()) return;
    try {
        Store store(m_dbPath.toStdString());
        QVector<ui::MatrixListEntry> list;
        for (const MatrixInfo& m : store.listMatrices()) {
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
    } catch (const std::exception& e) {
        m_tab->showError(tr("Cannot list the forgetting matrices: %1").arg(e.what()));
    }
}

void ForgettingMapController::runJob(std::function<void()> fn, std::function<void()> onDone,
                                     std::shared_ptr<std::atomic<bool>> cancel) {
    m_jobCancel = cancel ? cancel : std::make_shared<std::atomic<bool>>(false);
    m_jobThread = QThread::create(std::move(fn));
    QThread* t = m_jobThread;
    connect(t, &QThread::finished, this, [this, t, onDone] {
        if (m_jobThread == t) m_jobThread = nullptr;
        t->deleteLater();
        onDone();
        if (m_reloadWhenIdle && !m_jobThread && m_current > 0) {
            m_reloadWhenIdle = false;
            chooseMatrix(m_current);
        }
        if (m_pendingCompletion && !m_jobThread) {
            const auto [h, k, n] = *m_pendingCompletion;
            m_pendingCompletion.reset();
            runCompletion(h, k, n);
        }
    });
    t->start();
}

void ForgettingMapController::chooseMatrix(qint64 matrixId) {
    if (matrixId <= 0) return;
    if (m_jobThread) {  // one analysis at a time; the newest choice wins afterwards
        m_current = matrixId;
        m_reloadWhenIdle = true;
        return;
    }
    m_current = matrixId;
    struct Out {
        ui::MatrixData matrix;
        ui::FitData fit;
        QString error, fitNote;
    };
    auto out = std::make_shared<Out>();
    const std::string db = m_dbPath.toStdString();
    runJob(
        [db, matrixId, out] {
            try {
                Store store(db);
                const MatrixInfo info = store.matrixInfo(matrixId);
                const ForgetMatrix z = loadStoredMatrix(store, matrixId);
                if (z.rows == 0) {
                    out->matrix = toView(matrixId, info.name, z, nullptr);
                    out->fitNote = "no finished rows yet";
                    return;
                }
                if (z.missingCount() > 0) {
                    out->matrix = toView(matrixId, info.name, z, nullptr);
                    z.requireComplete();  // throws with the first missing cell
                }
                const SvdComponents svd = leadingComponents(z, 5);
                out->matrix = toView(matrixId, info.name, z, &svd);
                out->fit = toView(fitMatrix(z));
            } catch (const std::exception& e) {
                out->error = QString::fromUtf8(e.what());
            }
        },
        [this, out, matrixId] {
            if (matrixId != m_current) return;  // another was chosen meanwhile
            if (out->matrix.id == matrixId) m_tab->setMatrix(out->matrix);
            if (out->fit.valid) m_tab->setFit(out->fit);
            if (!out->error.isEmpty())
                m_tab->showError(out->error);
            else if (!out->fitNote.isEmpty())
                m_tab->showMessage(tr("Matrix #%1: %2").arg(matrixId).arg(out->fitNote));
            Q_EMIT matrixLoaded(matrixId, out->matrix.rows, out->matrix.cols);
        });
}

void ForgettingMapController::runCompletion(int holdout, int observed, int seeds) {
    if (m_current <= 0) {
        m_tab->showError(tr("Choose a matrix first (or build one with a sweep)."));
        Q_EMIT completionFinished(false);
        return;
    }
    if (m_jobThread) {  // the matrix is still loading: predict right after
        m_pendingCompletion = {holdout, observed, seeds};
        m_tab->setCompletionRunning(true);
        return;
    }
    struct Out {
        ui::CompletionData data;
        QString error;
    };
    auto out = std::make_shared<Out>();
    const std::string db = m_dbPath.toStdString();
    const qint64 id = m_current;
    m_tab->setCompletionRunning(true);
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    runJob(
        [db, id, holdout, observed, seeds, out, cancel] {
            try {
                Store store(db);
                const ForgetMatrix z = loadStoredMatrix(store, id);
                CompletionOptions o;
                o.holdout_rows = holdout;
                o.observed = observed;
                o.seeds = seeds;
                out->data = toView(completeMatrix(z, o, {}, cancel.get()));
            } catch (const std::exception& e) {
                out->error = QString::fromUtf8(e.what());
            }
        },
        [this, out] {
            m_tab->setCompletionRunning(false);
            if (out->data.valid) m_tab->setCompletion(out->data);
            if (!out->error.isEmpty()) m_tab->showError(out->error);
            Q_EMIT completionFinished(out->data.valid);
        },
        cancel);
}

void ForgettingMapController::startSweep(const ui::SweepRequest& request) {
    if (m_sweepThread) {
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
    if (m_sweepThread) {
        m_tab->showError(tr("A sweep is already running; cancel it first."));
        return;
    }
    launchSweep(matrixId, nullptr);
}

void ForgettingMapController::cancelSweep() {
    if (m_sweepControl) m_sweepControl->requestStop();
}

void ForgettingMapController::launchSweep(qint64 existingId,
                                          std::shared_ptr<ui::SweepRequest> request) {
    m_sweepControl = std::make_shared<RunControl>();
    auto control = m_sweepControl;
    const std::string db = m_dbPath.toStdString();
    const qint64 source = m_sourceRun;
    QPointer<ForgettingMapController> self(this);
    struct Out {
        qint64 id = 0;
        QString status, error;
        QStringList skipped;
    };
    auto out = std::make_shared<Out>();
    m_tab->setSweepRunning(true);
    m_tab->setSweepProgress(0, 0, tr("preparing the sweep…"));
    m_sweepThread = QThread::create([=] {
        try {
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
            out->id = id;
            // The new (or resumed) matrix shows up in the chooser at once.
            QMetaObject::invokeMethod(self, [self, id] {
                if (!self) return;
                self->m_sweeping = id;
                self->refresh();
                self->m_tab->selectMatrix(id);
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
                QMetaObject::invokeMethod(self, [self, done, total, frac, text, rowDone, id] {
                    if (!self) return;
                    self->m_tab->setSweepProgress(
                        done, total, text + QStringLiteral(" (%1%)").arg(int(frac * 100)));
                    if (rowDone) {  // a new row: the list count and, if shown, the heatmap
                        self->refresh();
                        if (self->m_current == id) self->chooseMatrix(id);
                    }
                });
            });
            out->status = QString::fromStdString(r.status);
            for (const auto& s : r.skipped) out->skipped << QString::fromStdString(s);
            if (!r.error.empty()) out->error = QString::fromStdString(r.error);
        } catch (const std::exception& e) {
            out->error = QString::fromUtf8(e.what());
            out->status = QStringLiteral("failed");
        }
    });
    QThread* t = m_sweepThread;
    connect(t, &QThread::finished, this, [this, t, out] {
        m_sweepThread = nullptr;
        m_sweepControl.reset();
        m_sweeping = 0;
        t->deleteLater();
        m_tab->setSweepRunning(false);
        refresh();
        if (out->id > 0) {
            m_tab->selectMatrix(out->id);
            chooseMatrix(out->id);
        }
        if (!out->error.isEmpty())
            m_tab->showError(tr("Sweep: %1").arg(out->error));
        else if (!out->skipped.isEmpty())
            m_tab->showError(tr("Sweep %1; skipped: %2")
                                 .arg(out->status, out->skipped.join(QStringLiteral("; "))));
        else
            m_tab->showMessage(
                out->status == QStringLiteral("stopped")
                    ? tr("Sweep stopped; its finished rows are kept. Resume to go on.")
                    : tr("Sweep finished."));
        Q_EMIT sweepFinished(out->id, out->status);
    });
    t->start();
}

void ForgettingMapController::importCsv(const QString& path) {
    try {
        const ForgetMatrix z = readMatrixCsv(path.toStdString());
        Store store(m_dbPath.toStdString());
        const int64_t id = importMatrix(store, z, QFileInfo(path).fileName().toStdString());
        refresh();
        m_tab->selectMatrix(id);
        chooseMatrix(id);
        m_tab->showMessage(
            tr("Imported %1 tasks x %2 examples as matrix #%3").arg(z.rows).arg(z.cols).arg(id));
    } catch (const std::exception& e) {
        m_tab->showError(tr("Cannot import %1: %2").arg(path, QString::fromUtf8(e.what())));
    }
}

void ForgettingMapController::exportCsv(const QString& path) {
    if (m_current <= 0) {
        m_tab->showError(tr("Choose a matrix to export first."));
        return;
    }
    try {
        Store store(m_dbPath.toStdString());
        writeMatrixCsv(loadStoredMatrix(store, m_current), path.toStdString());
        m_tab->showMessage(tr("Wrote matrix #%1 to %2").arg(m_current).arg(path));
    } catch (const std::exception& e) {
        m_tab->showError(tr("Cannot export to %1: %2").arg(path, QString::fromUtf8(e.what())));
    }
}

}  // namespace forgetlab::app
