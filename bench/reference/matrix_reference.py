#!/usr/bin/env python3
"""NumPy reference for the forgetting-matrix benchmark (bench/bench_matrix.cpp).

The same work as ForgetLab's fitMatrix and one round of completeMatrix, written the way a
NumPy user would, on the identical matrix (raw float64, little-endian, row-major, written
by bench_matrix):
  fit: singular values by np.linalg.svd, R^2 of the truncated SVD of rank 1..5, of the
       additive model (row mean + column mean - grand mean), of the row means and of the
       column means;
  completion round: hold out H rows, reveal K entries of each, predict the rest from the
       other rows with the additive baseline, kNN over tasks (similarity 1 / (1 + mean
       squared difference on the revealed entries), k = 40) and a rank-5 factorisation
       (SVD of the reference rows, ridge least squares on the revealed entries), then
       RMSE, F1 and AUC (Mann-Whitney, average ranks for ties) of each.
Warms up BLAS / LAPACK on a small slice, then runs REPS timed repetitions (a full warm-up
would double the cost of every benchmark round); prints the medians as JSON
({"fit_seconds": ..., "complete_seconds": ..., ...}). NumPy only.
Usage: matrix_reference.py PATH ROWS COLS THREADS REPS [H K SEED]
"""

import json
import os
import sys
import time

if len(sys.argv) > 4:  # BLAS threads must be set before NumPy loads its BLAS
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = sys.argv[4]

import numpy as np  # noqa: E402

KNN_K = 40
RANK = 5


def r_squared(sse, sst):
    return 1.0 - sse / sst if sst > 0 else float(sse == 0)


def fit(z, max_rank=5):
    s = np.linalg.svd(z, compute_uv=False)  # only the singular values are needed
    sq = s ** 2
    mean = z.mean()
    sst = ((z - mean) ** 2).sum()
    rows = z.mean(axis=1, keepdims=True)
    cols = z.mean(axis=0, keepdims=True)
    return {
        "rank": [r_squared(max(sq[r:].sum(), 0.0), sst)
                 for r in range(1, min(max_rank, len(s)) + 1)],
        "additive": r_squared(((z - rows - cols + mean) ** 2).sum(), sst),
        "task": r_squared(((z - rows) ** 2).sum(), sst),
        "example": r_squared(((z - cols) ** 2).sum(), sst),
        "singular": s[:5].tolist(),
    }


def f1(actual, predicted):
    a, p = actual > 0, predicted > 0
    tp, fp, fn = np.sum(a & p), np.sum(~a & p), np.sum(a & ~p)
    return 1.0 if tp + fp + fn == 0 else 2.0 * tp / (2 * tp + fp + fn)


def auc(actual, scores):
    pos = actual > 0
    n_pos = int(pos.sum())
    n_neg = len(actual) - n_pos
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    order = np.argsort(scores, kind="stable")
    s = scores[order]
    starts = np.r_[0, np.flatnonzero(np.diff(s)) + 1]
    ends = np.r_[starts[1:], len(s)]
    ranks = np.empty(len(s))
    ranks[order] = np.repeat((starts + ends + 1) / 2.0, ends - starts)
    return (ranks[pos].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg)


def completion_round(z, h, k, seed):
    m, n = z.shape
    rng = np.random.default_rng(seed)
    perm = rng.permutation(m)
    held, ref = np.sort(perm[:h]), np.sort(perm[h:])
    zref = z[ref]
    b = zref.mean(axis=0)
    _, _, vt = np.linalg.svd(zref, full_matrices=False)
    v = vt[:min(RANK, len(ref), k)].T
    actual, predicted = [], {"additive": [], "knn": [], "lowrank": []}
    for i in held:
        cols = np.sort(rng.choice(n, size=k, replace=False))
        hidden = np.ones(n, dtype=bool)
        hidden[cols] = False
        zk = z[i, cols]
        actual.append(z[i, hidden])
        # additive: column means + the row's mean offset on the revealed entries
        predicted["additive"].append((b + (zk - b[cols]).mean())[hidden])
        # kNN over tasks
        sim = 1.0 / (1.0 + ((zref[:, cols] - zk) ** 2).mean(axis=1))
        top = np.argsort(-sim, kind="stable")[:min(KNN_K, len(ref))]
        predicted["knn"].append((sim[top] @ zref[top] / sim[top].sum())[hidden])
        # low rank: ridge least squares on the revealed entries
        vk = v[cols]
        a = vk.T @ vk
        lam = 1e-6 * np.trace(a) / v.shape[1]
        u = np.linalg.solve(a + (lam if lam > 0 else 1.0) * np.eye(v.shape[1]), vk.T @ zk)
        predicted["lowrank"].append((v @ u)[hidden])
    actual = np.concatenate(actual)
    scores = {}
    for name, parts in predicted.items():
        p = np.concatenate(parts)
        scores[name] = (float(np.sqrt(np.mean((actual - p) ** 2))), f1(actual, p), auc(actual, p))
    return scores


def main():
    path, rows, cols, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[5])
    h, k, seed = (int(a) for a in sys.argv[6:9]) if len(sys.argv) > 8 else (20, 30, 0)
    z = np.fromfile(path, dtype="<f8").reshape(rows, cols)
    small = np.ascontiguousarray(z[:min(rows, h + 2), :min(cols, 1000)])
    fit(small)  # warm-up: BLAS threads, LAPACK workspaces
    completion_round(small, min(h, 1), min(k, 10), seed)
    fit_t, complete_t = [], []
    for _ in range(reps):
        t0 = time.perf_counter()
        report = fit(z)
        fit_t.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        scores = completion_round(z, h, k, seed)
        complete_t.append(time.perf_counter() - t0)
    print(json.dumps({"fit_seconds": float(np.median(fit_t)),
                      "complete_seconds": float(np.median(complete_t)),
                      "r2_rank": report["rank"], "r2_additive": report["additive"],
                      "scores": scores, "numpy": np.__version__}))


if __name__ == "__main__":
    main()
