#pragma once
// Wise-FT (SCIENCE.md section 4): weight interpolation between the pre-trained and the
// fine-tuned model, w(alpha) = (1 - alpha) w_pre + alpha w_ft, chosen after tuning.

#include <atomic>
#include <cstdint>
#include <vector>

#include "engine/analysis/analysis.h"
#include "engine/store/store.h"

namespace forgetlab {

struct WiseFtPoint {
    double alpha = 0.0;
    double up_loss = 0.0, up_acc = 0.0, down_loss = 0.0, down_acc = 0.0;
};

// The trade-off curve at `points` evenly spaced alphas in [0, 1] (alpha 0 and 1 exact),
// on the first `subset` examples of each test set. Cancelled curves are returned short.
std::vector<WiseFtPoint> wiseFtCurve(const ModelSource& source, int points, int subset,
                                     const ProgressFn& progress = {},
                                     const std::atomic<bool>* cancel = nullptr);
WiseFtPoint wiseFtPoint(const ModelSource& source, double alpha, int subset);

// Stores w(alpha) of run `runId`'s checkpoint (step < 0: final) as the final checkpoint
// of a new derived run (status done, with the pre-trained checkpoint and a summary) and
// returns its id.
int64_t wiseFtApply(Store& store, int64_t runId, double alpha, int subset = 1000,
                    int64_t step = -1);

}  // namespace forgetlab
