#pragma once
// RunList: the runs kept in the database, one row each (id, name, status, forgetting).
// The selected row is the run to look at; checked rows are overlaid in the plots. Rows
// keep their check marks and selection across refreshes. Its context menu resumes a run
// that stopped early (interrupted, failed, stopped) from its last resume point.

#include <QAction>
#include <QColor>
#include <QList>
#include <QString>
#include <QTreeWidget>
#include <optional>

namespace forgetlab::ui {

struct RunRow {
    qint64 id = 0;
    QString name;
    QString status;                    // running, done, stopped, diverged, failed, interrupted
    QString created;                   // ISO 8601
    std::optional<double> forgetting;  // upstream accuracy lost, when finished
    QString details;                   // tooltip text
    bool resumable = false;            // it can go on from a resume point
    QString resumeNote;                // why it cannot, for an early-ended run
};

class RunList : public QTreeWidget {
    Q_OBJECT
public:
    enum Column { kIdColumn, kNameColumn, kStatusColumn, kForgettingColumn };

    explicit RunList(QWidget* parent = nullptr);

    void setRuns(const QList<RunRow>& runs);
    QList<qint64> runIds() const;
    QList<qint64> checkedRunIds() const;
    void setChecked(qint64 id, bool checked);
    // 0 when nothing is selected.
    qint64 currentRunId() const;
    // The run to work on: the selected one, else the only checked one, else 0.
    qint64 targetRunId() const;
    void selectRun(qint64 id);
    QString runStatus(qint64 id) const;
    // Marks rows with the colour their curves have in the plots (invalid colour: none).
    void setRunColors(const QHash<qint64, QColor>& colors);

    // Resume (in the context menu): enabled when the selected run is resumable and resuming
    // is allowed now (no run going, a database open); triggering it asks for resumeRequested.
    QAction* resumeAction() const { return m_resume; }
    void setResumeAllowed(bool allowed);

Q_SIGNALS:
    void checkedRunsChanged();
    void currentRunChanged(qint64 id);
    void resumeRequested(qint64 id);

private:
    QTreeWidgetItem* itemFor(qint64 id) const;
    void updateResumeAction();
    bool m_filling = false;
    bool m_resumeAllowed = false;
    QAction* m_resume = nullptr;
};

}  // namespace forgetlab::ui
