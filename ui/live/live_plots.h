#pragma once
// LivePlots: the three stacked plots of the Live view — downstream loss, accuracy (the
// upstream task's accuracy is the forgetting signal, drawn against its level before
// fine-tuning) and sharpness — sharing one fine-tuning-step axis. It holds one set of
// graphs per displayed run, keyed by run id, so a live run and stored runs can be
// overlaid. The sharpness plot also shows λ2..λ5 and the Hessian trace (± standard error)
// when a run tracks them (eval.hessian_topk, eval.trace_every). Data is kept in full; callers
// append batches in step order. When every shown run is a language model the plots say so:
// the loss is a log-perplexity (nats per token) and the accuracy next-token accuracy.

#include <QList>
#include <QString>
#include <QWidget>
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "engine/core/run_types.h"

class QCustomPlot;
class QCPAxis;
class QCPGraph;
class QCPTextElement;

namespace forgetlab::ui {

class LivePlots : public QWidget {
    Q_OBJECT
public:
    enum PlotIndex { kLossPlot = 0, kAccuracyPlot = 1, kSharpnessPlot = 2, kPlotCount = 3 };

    explicit LivePlots(QWidget* parent = nullptr);
    ~LivePlots() override;

    // Adds an empty set of graphs for a run (no-op when it is already shown).
    // languageModel: the run is a GPT on text (for the titles and axis labels).
    void addRun(qint64 key, const QString& name, bool languageModel = false);
    void removeRun(qint64 key);
    void clearRuns();
    bool hasRun(qint64 key) const { return m_runs.count(key) > 0; }
    QList<qint64> runKeys() const;
    QColor runColor(qint64 key) const;

    // Appends metric points (fine-tuning keys; "pre." keys and unknown keys are ignored).
    void appendPoints(qint64 key, const std::vector<MetricPoint>& points);
    // How many fine-tuning steps a run will have, so the x axis can show the whole run
    // from the start (the live run) and the reference line spans it.
    void setRunSteps(qint64 key, int64_t totalSteps);

    // Back to following the data (after the user zoomed or dragged).
    void resetView();
    // While a run trains, curves are drawn without antialiasing: painting is what the GUI
    // thread spends its time on, and every slice it takes is a slice the training threads
    // wait for. Finished runs are drawn smooth again.
    void setLiveMode(bool live);
    bool isFollowing() const { return m_follow; }
    void setLegendsVisible(bool visible);
    void setLogLossAxis(bool logarithmic);
    bool logLossAxis() const { return m_logLoss; }
    // Whether the titles and labels speak of language models (all shown runs are).
    bool languageLabels() const { return m_languageLabels; }

    QCustomPlot* plot(int index) const { return m_plots[index]; }
    // Number of points a run has for a metric key (for tests and status).
    int pointCount(qint64 key, const QString& metricKey) const;

    // Writes all three plots, stacked, as PNG or PDF (by the file's suffix).
    bool exportImage(const QString& path, QString* error) const;

private:
    struct RunGraphs;
    void restyle();
    void updateLabels();
    void updateReference(RunGraphs& run);
    void appendHessianExtras(RunGraphs& run, const std::vector<MetricPoint>& points);
    void updateTraceAxis();
    void replotAll();
    // sticky: keep an axis's range while the data stay inside and fill most of it (live).
    void applyAutoRange(bool sticky = false);
    void linkXAxes();
    void setFollow(bool follow);

    QCustomPlot* m_plots[kPlotCount] = {};
    QCPTextElement* m_titles[kPlotCount] = {};
    QCPAxis* m_traceAxis = nullptr;  // sharpness plot, outer right: Hessian trace
    std::map<qint64, std::unique_ptr<RunGraphs>> m_runs;
    bool m_follow = true;
    bool m_live = false;  // setLiveMode(true): points stream in
    bool m_logLoss = false;
    bool m_languageLabels = false;
};

}  // namespace forgetlab::ui
