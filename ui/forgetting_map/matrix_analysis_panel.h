#pragma once
// MatrixAnalysisPanel: what the numbers say about a forgetting matrix Z. Top: how much of
// Z low-rank and additive models explain (R² of truncated SVD ranks 1..5, μ + a_i + b_j,
// row means, column means). Below: how well held-out tasks' forgetting is predicted from
// a few observed entries (RMSE, F1 and AUC of "forgotten" = z > 0, per method) and a
// predicted-vs-actual scatter, one colour per method, with the y = x line.

#include <QWidget>

#include "ui/forgetting_map/forgetting_map_types.h"

class QCustomPlot;
class QLabel;
class QTableWidget;

namespace forgetlab::ui {

class MatrixAnalysisPanel : public QWidget {
    Q_OBJECT
public:
    // Points per method drawn in the scatter (evenly strided beyond that).
    static constexpr int kMaxScatterPoints = 5000;

    explicit MatrixAnalysisPanel(QWidget* parent = nullptr);

    void setFit(const FitData& fit);
    void setCompletion(const CompletionData& completion);
    void clear();

    QTableWidget* fitTable() const { return m_fitTable; }
    QTableWidget* completionTable() const { return m_completionTable; }
    QCustomPlot* scatter() const { return m_scatter; }
    QString completionCaption() const;

private:
    void clearFit();
    void clearCompletion();

    QLabel* m_fitHelp;
    QTableWidget* m_fitTable;
    QLabel* m_completionCaption;
    QTableWidget* m_completionTable;
    QCustomPlot* m_scatter;
};

}  // namespace forgetlab::ui
