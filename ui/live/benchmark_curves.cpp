#include "ui/live/benchmark_curves.h"

#include <QPen>

#include "engine/core/names.h"
#include "ui/common/qcp.h"

namespace forgetlab::ui {

bool BenchmarkCurves::append(QCustomPlot* plot, const QString& runName, const QColor& color,
                             const std::vector<MetricPoint>& points) {
    const std::string prefix = keys::kBenchmarkAccPrefix;
    std::map<std::string, std::pair<QVector<double>, QVector<double>>> fresh;
    for (const MetricPoint& p : points) {
        const bool mean = p.key == keys::kBenchmarkAcc;
        if (!mean && p.key.compare(0, prefix.size(), prefix) != 0) continue;
        fresh[p.key].first << double(p.step);
        fresh[p.key].second << p.value;
    }
    for (auto& [key, data] : fresh) {
        QCPGraph*& g = m_graphs[key];
        if (!g) {
            g = plot->addGraph();
            const bool mean = key == keys::kBenchmarkAcc;
            QPen pen(color, mean ? 2.2 : 1.2, mean ? Qt::DashDotLine : Qt::DotLine);
            g->setPen(pen);
            g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDiamond, color, Qt::white, 5));
            g->setName(mean ? QObject::tr("%1 · benchmarks (mean acc)").arg(runName)
                            : QObject::tr("%1 · %2 acc")
                                  .arg(runName, QString::fromStdString(key.substr(prefix.size()))));
        }
        g->addData(data.first, data.second, /*alreadySorted=*/true);
    }
    return !fresh.empty();
}

QList<QCPGraph*> BenchmarkCurves::graphs() const {
    QList<QCPGraph*> out;
    for (const auto& [key, g] : m_graphs) out << g;
    return out;
}

QCPGraph* BenchmarkCurves::graph(const std::string& key) const {
    const auto it = m_graphs.find(key);
    return it == m_graphs.end() ? nullptr : it->second;
}

}  // namespace forgetlab::ui
