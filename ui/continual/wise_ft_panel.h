#pragma once
// WiseFtPanel: the Wise-FT explorer for one finished (or paused) run. Wise-FT mixes the
// pre-trained and the fine-tuned weights, w(α) = (1 − α) w_pre + α w_ft, after tuning.
// The panel shows the trade-off curve (upstream against downstream accuracy along α,
// computed in the background with progress and Cancel), a slider that evaluates single
// points as it moves (debounced; the bridge evaluates off the GUI thread, latest request
// wins), and Apply, which stores w(α) as a new derived run. It only emits requests and
// shows results; the bridge does the work.

#include <QVector>
#include <QWidget>

#include "engine/analysis/wise_ft.h"

class QCustomPlot;
class QCPCurve;
class QCPGraph;
class QCPItemStraightLine;
class QCPItemTracer;
class QLabel;
class QProgressBar;
class QPushButton;
class QSlider;
class QSpinBox;
class QTimer;

namespace forgetlab::ui {

class WiseFtPanel : public QWidget {
    Q_OBJECT
public:
    static constexpr int kCurvePoints = 11;  // α = 0, 0.1, ..., 1

    explicit WiseFtPanel(QWidget* parent = nullptr);

    // The run to explore; usable false (with the reason) disables the actions.
    void setRun(qint64 runId, const QString& title, bool usable, const QString& reason = {});
    qint64 runId() const { return m_runId; }
    // A curve is being computed (or a derived run stored): Compute/Apply off, Cancel on.
    void setBusy(bool busy, const QString& what = {});
    void setProgress(qint64 done, qint64 total);
    void setCurve(const std::vector<WiseFtPoint>& curve, bool cancelled);
    void setPoint(const WiseFtPoint& point);
    void setMessage(const QString& message);

    double alpha() const;
    void setAlpha(double alpha);  // moves the slider (and requests the point, debounced)
    int subset() const;
    const std::vector<WiseFtPoint>& curve() const { return m_curve; }
    QCustomPlot* tradeOffPlot() const { return m_tradeOff; }
    QCPCurve* tradeOffCurve() const { return m_curveItem; }

Q_SIGNALS:
    void computeRequested(int points, int subset);
    void cancelRequested();
    void pointRequested(double alpha, int subset);
    void applyRequested(double alpha, int subset);

private:
    void updateActions();
    void updateAlphaLine();

    QLabel* m_title;
    QPushButton* m_compute;
    QPushButton* m_cancel;
    QProgressBar* m_progress;
    QSpinBox* m_subset;
    QCustomPlot* m_tradeOff;
    QCPCurve* m_curveItem;
    QCPGraph* m_marker;  // the slider's point on the trade-off curve
    QCustomPlot* m_alphaPlot;
    QCPGraph* m_upVsAlpha;
    QCPGraph* m_downVsAlpha;
    QCPItemStraightLine* m_alphaLine;
    QSlider* m_slider;
    QLabel* m_alphaLabel;
    QLabel* m_pointLabel;
    QPushButton* m_apply;
    QLabel* m_message;
    QTimer* m_debounce;

    std::vector<WiseFtPoint> m_curve;
    qint64 m_runId = 0;
    bool m_usable = false;
    bool m_busy = false;
};

}  // namespace forgetlab::ui
