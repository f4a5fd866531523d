#pragma once
// The multiple-choice benchmark curves of one run on the accuracy plot (eval.benchmarks):
// benchmark_acc/<name> per benchmark (thin, dotted) and benchmark_acc, their mean (dash-dot),
// in the run's colour, made when the run first reports them so other runs keep a plain plot.

#include <QColor>
#include <QList>
#include <QString>

#include <map>
#include <string>
#include <vector>

#include "engine/core/run_types.h"

class QCustomPlot;
class QCPGraph;

namespace forgetlab::ui {

class BenchmarkCurves {
public:
    // Adds the benchmark points among `points` to their graphs on `plot`. Returns whether
    // any was added (the plot needs a redraw).
    bool append(QCustomPlot* plot, const QString& runName, const QColor& color,
                const std::vector<MetricPoint>& points);
    QList<QCPGraph*> graphs() const;
    QCPGraph* graph(const std::string& key) const;  // nullptr when not (yet) reported

private:
    std::map<std::string, QCPGraph*> m_graphs;
};

}  // namespace forgetlab::ui
