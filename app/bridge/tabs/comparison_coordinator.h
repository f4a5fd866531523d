#pragma once
// ComparisonCoordinator: feeds the Compare tab (ui::ComparisonView) with the runs checked
// in the run list, read from the database (cached per run and status, so a refresh does
// not re-read finished runs), in the colours the live plots give them; and turns the runs
// of a "Run over seeds" sweep into the mean ± standard deviation band of upstream
// accuracy over steps.

#include <QHash>
#include <QList>
#include <QObject>

#include "ui/runs/comparison_view.h"

namespace forgetlab::ui {
class LivePlots;
}

namespace forgetlab::app {

class RunDatabase;

class ComparisonCoordinator : public QObject {
    Q_OBJECT
public:
    ComparisonCoordinator(ui::ComparisonView* view, RunDatabase* db, ui::LivePlots* plots,
                          QObject* parent = nullptr);

    // Shows exactly these runs (in this order).
    void showRuns(const QList<qint64>& runIds);
    // Mean ± std of upstream accuracy over the given runs, at the steps all of them have.
    bool showSeedBand(const QList<qint64>& runIds, const QString& title);
    void reset();

Q_SIGNALS:
    void errorReported(const QString& message);

private:
    bool load(qint64 id, ui::ComparedRun& run);

    ui::ComparisonView* m_view;
    RunDatabase* m_db;
    ui::LivePlots* m_plots;
    QHash<qint64, ui::ComparedRun> m_cache;  // finished runs only
};

}  // namespace forgetlab::app
