#pragma once
// CheckpointTimeline: the checkpoints of one run on a horizontal slider, each tick
// labelled with its step and what it is (pre-trained, fine-tuning checkpoint, live
// snapshot, final), to pick the weights an analysis looks at. For a run that is still
// training, a last "live" position stands for "pause, snapshot the current weights and
// analyse those".

#include <QString>
#include <QVector>
#include <QWidget>

class QLabel;
class QSlider;

namespace forgetlab::ui {

struct CheckpointMark {
    qint64 step = 0;
    QString tag;  // "pretrained" | "step-N" | "snapshot-N" | "final"
};

class CheckpointTimeline : public QWidget {
    Q_OBJECT
public:
    explicit CheckpointTimeline(QWidget* parent = nullptr);

    // Keeps the selected step when it is still there; otherwise selects the last
    // position (the live entry, or the final checkpoint).
    void setCheckpoints(const QVector<CheckpointMark>& marks, bool liveEntry);
    const QVector<CheckpointMark>& checkpoints() const { return m_marks; }
    bool hasLiveEntry() const { return m_live; }

    bool isEmpty() const { return m_marks.isEmpty() && !m_live; }
    bool isLiveSelected() const;
    // Step of the selected checkpoint, -1 when none (or the live entry) is selected.
    qint64 currentStep() const;
    QString currentTag() const;
    bool selectStep(qint64 step);
    void selectLive();

    // "final (fine-tuned)", "pre-trained", ...
    static QString describeTag(const QString& tag);

Q_SIGNALS:
    void selectionChanged();

private:
    void updateLabel();

    QSlider* m_slider;
    QWidget* m_ticks;
    QLabel* m_current;
    QVector<CheckpointMark> m_marks;
    bool m_live = false;
};

}  // namespace forgetlab::ui
