#pragma once
// Forgetting-matrix sweeps (SCIENCE.md section 5): M fine-tuning tasks, each started from
// the same pre-trained checkpoint of a stored run, each row of Z the per-example loss
// change of the tracked upstream examples. Rows are committed one by one, so a sweep that
// is stopped or killed keeps its finished rows and resumes where it left off.
// Public header: plain C++.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/core/config.h"
#include "engine/forgetting/forgetting_matrix.h"
#include "engine/core/run_control.h"
#include "engine/store/store.h"

namespace forgetlab {

// Task families: "class" (each downstream class alone), "pair" (each pair of downstream
// classes), and per_family tasks of each of "permute" (pixel permutations), "rotate"
// (rotations by 30, 60, ... degrees), "noise" (Gaussian input noise 0.5, 1.0, ...),
// "labelperm" (the downstream classes with shuffled labels); a CSV table has no pixels, so
// "rotate" is refused for it and left out of its default families. Language models (model gpt)
// sweep "domain": one row per fortune file of the downstream language with at least 50
// fortunes, the largest first, at most per_family of them; z is then the change of each
// tracked upstream fortune's log-perplexity.
struct SweepConfig {
    std::vector<std::string> families = {"class",  "pair",  "permute",
                                         "rotate", "noise", "labelperm"};
    int per_family = 6;
    int steps = 150;      // fine-tuning steps per task
    int examples = 1000;  // tracked upstream examples N (the columns)
};

struct SweepTaskSpec {
    std::string name;  // "pair 5+7", "rotate 60°", ...
    std::string family;
    TaskConfig task;  // the downstream task of this row
};

// The rows of a sweep, in order. Throws std::invalid_argument naming an unknown family
// or a bad count.
std::vector<SweepTaskSpec> sweepPlan(const ExperimentConfig& base, const SweepConfig& sweep);
std::vector<std::string> sweepFamilies();

// Creates the matrix row in the store for a sweep from run `sourceRunId`'s pre-trained
// checkpoint and returns its id. Refused (std::runtime_error naming the fix) before
// anything is stored when the run or its checkpoint file is missing, the model is
// multi-head, or the plan is empty.
int64_t createSweep(Store& store, int64_t sourceRunId, const SweepConfig& sweep,
                    const std::string& name = "");

struct SweepProgress {
    int done = 0;  // rows finished (including those from before a resume)
    int total = 0;
    int row = -1;             // the row running now
    std::string current;      // its name
    double row_fraction = 0;  // progress within it
};

struct SweepResult {
    int64_t matrix_id = 0;
    std::string status;  // done | stopped | failed
    int rows_done = 0, rows_total = 0;
    std::vector<std::string> skipped;  // rows whose run diverged or failed
    double wall_seconds = 0;
    std::string error;
};

// Runs (or resumes) the sweep: every planned row not yet stored. Blocking; obeys
// control.stop() between steps. Never throws for a row's failure (it is skipped and
// named in the result); throws StoreError/std::runtime_error if the sweep cannot start.
SweepResult runSweep(Store& store, int64_t matrixId, RunControl& control,
                     const std::function<void(const SweepProgress&)>& progress = {},
                     int numThreads = 0);

// The stored rows as a matrix (row and column names included).
ForgetMatrix loadStoredMatrix(Store& store, int64_t matrixId);
// Stores a matrix (e.g. read from CSV) as a finished matrix; returns its id.
int64_t importMatrix(Store& store, const ForgetMatrix& z, const std::string& name);

}  // namespace forgetlab
