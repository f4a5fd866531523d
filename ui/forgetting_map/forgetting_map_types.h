#pragma once
// Plain data of the "Forgetting map" tab, as the bridge hands it to the widgets: a task x
// example forgetting matrix Z with its leading singular triplets, how well low-rank and
// additive models fit it (R²), how well held-out tasks are predicted from a few observed
// entries (matrix completion), the stored matrices to choose from, and what a sweep
// should build. Qt containers only: the ui layer never sees the engine's types.

#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVector>

namespace forgetlab::ui {

// Z (rows = fine-tuning tasks, columns = upstream examples), z_ij = loss increase of
// example j caused by tuning on task i. NaN marks a cell not measured (yet).
struct MatrixData {
    qint64 id = 0;
    QString name;
    int rows = 0, cols = 0;
    QVector<double> values;          // row-major, rows * cols
    QStringList rowNames, colNames;  // may be empty (then "task i" / "example j")
    // The leading singular triplets: Z ~ sum_k singular[k] * u_k * v_k^T.
    int rank = 0;
    QVector<double> singular;  // rank
    QVector<double> u;         // rows * rank, row-major (u[i * rank + k])
    QVector<double> v;         // cols * rank, row-major (v[j * rank + k])
};

// R² = 1 - Σ(z - ẑ)² / Σ(z - mean Z)² of the models of Z.
struct FitData {
    bool valid = false;
    QVector<double> r2Rank;  // truncated SVD of rank 1, 2, ...
    double additive = 0;     // μ + a_i + b_j
    double taskOnly = 0;     // row means
    double exampleOnly = 0;  // column means
};

// Prediction of held-out tasks' rows from `observed` revealed entries each.
struct CompletionData {
    bool valid = false;
    int holdout = 0, observed = 0, seeds = 0;
    QStringList methods;
    QVector<double> rmse, f1, auc;  // one per method; NaN = undefined
    // Hidden entries of the held-out rows, and each method's prediction of them (one vector
    // per method, aligned with actual).
    QVector<double> actual;
    QVector<QVector<double>> predicted;
};

// One stored matrix in the chooser.
struct MatrixListEntry {
    qint64 id = 0;
    QString name;
    int rows = 0;         // tasks measured so far
    int rowsPlanned = 0;  // tasks the sweep planned
    int cols = 0;
    QString status;  // "running", "done", "interrupted", "stopped", "imported", ...
};

// What a sweep builds: perFamily fine-tuning tasks of each family, `steps` steps each,
// from the same pre-trained model, tracking the loss of `examples` upstream examples.
// Families: "class", "pair", "permute", "rotate", "noise", "labelperm" (image models) and
// "domain" (language models).
struct SweepRequest {
    QStringList families;
    int perFamily = 6;
    int steps = 150;
    int examples = 1000;
};

}  // namespace forgetlab::ui

Q_DECLARE_METATYPE(forgetlab::ui::MatrixData)
Q_DECLARE_METATYPE(forgetlab::ui::FitData)
Q_DECLARE_METATYPE(forgetlab::ui::CompletionData)
Q_DECLARE_METATYPE(forgetlab::ui::MatrixListEntry)
Q_DECLARE_METATYPE(forgetlab::ui::SweepRequest)
