#pragma once
// HessianPanel: on-demand Hessian spectrum of the chosen checkpoint: the top-k
// eigenvalues by power iteration with deflation and the trace by Hutchinson's estimator
// (with its standard error), on the upstream or the downstream probe set. The form says
// what to compute; the table shows the last result.

#include <QWidget>

#include "engine/analysis/analysis.h"

class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace forgetlab::ui {

class HessianPanel : public QWidget {
    Q_OBJECT
public:
    explicit HessianPanel(QWidget* parent = nullptr);

    HessianRequest request() const;
    void setResult(const HessianResult& result, const QString& caption);
    void clearResult();

    QTableWidget* table() const { return m_table; }
    QPushButton* computeButton() const { return m_compute; }
    // Eigenvalues shown in the table, in table order.
    QVector<double> shownEigenvalues() const;

Q_SIGNALS:
    void computeRequested();

private:
    QComboBox* m_probe;
    QSpinBox* m_topk;
    QSpinBox* m_traceSamples;
    QSpinBox* m_probeSize;
    QSpinBox* m_maxIters;
    QPushButton* m_compute;
    QLabel* m_caption;
    QTableWidget* m_table;
    QVector<double> m_eigenvalues;
};

}  // namespace forgetlab::ui
