#pragma once
// RunStatus: the status-bar part that says where a run is: phase, step/total, speed,
// time left and a progress bar.

#include <QWidget>
#include <cstdint>

#include "engine/core/run_types.h"

class QLabel;
class QProgressBar;

namespace forgetlab::ui {

struct RunProgress {
    QString phase;  // "pre-training", "fine-tuning", ...
    int64_t step = 0;
    int64_t total = 0;
    double stepsPerSecond = 0;  // 0 = unknown
    double etaSeconds = -1;     // < 0 = unknown
    bool paused = false;
};

class RunStatus : public QWidget {
    Q_OBJECT
public:
    explicit RunStatus(QWidget* parent = nullptr);

    void setProgress(const RunProgress& progress);
    // No run: just a message ("Ready", "Run #3 done").
    void setIdle(const QString& message);
    // A run has ended: its id, status, steps, time and what it forgot (accuracy points, or
    // the upstream log-perplexity for a language model).
    void setFinished(const RunSummary& summary);

    QString stepText() const;

    static QString formatDuration(double seconds);

private:
    QLabel* m_phase;
    QLabel* m_step;
    QLabel* m_speed;
    QLabel* m_eta;
    QProgressBar* m_progress;
};

}  // namespace forgetlab::ui
