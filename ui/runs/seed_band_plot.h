#pragma once
// SeedBandPlot: one metric of several runs that differ only in their seed, as the mean
// over seeds with a band of ± one standard deviation (a QCPGraph filled between
// mean − std and mean + std), so run-to-run noise can be told from a real effect.

#include <QString>
#include <QVector>
#include <QWidget>

class QCustomPlot;
class QCPGraph;
class QCPItemText;
class QCPTextElement;

namespace forgetlab::ui {

struct SeedBand {
    QString title;  // e.g. "split-fmnist-sgd, 3 seeds"
    int seeds = 0;
    QVector<double> steps, mean, stddev;
};

class SeedBandPlot : public QWidget {
    Q_OBJECT
public:
    explicit SeedBandPlot(QWidget* parent = nullptr);

    void setBand(const SeedBand& band);
    void clear(const QString& message = {});
    bool hasBand() const { return m_band.seeds > 0; }
    const SeedBand& band() const { return m_band; }

    QCustomPlot* plot() const { return m_plot; }
    QCPGraph* meanGraph() const { return m_mean; }
    QCPGraph* upperGraph() const { return m_upper; }
    QCPGraph* lowerGraph() const { return m_lower; }

private:
    QCustomPlot* m_plot;
    QCPGraph* m_mean;
    QCPGraph* m_upper;
    QCPGraph* m_lower;
    QCPItemText* m_message;
    QCPTextElement* m_title = nullptr;
    SeedBand m_band;
};

}  // namespace forgetlab::ui
