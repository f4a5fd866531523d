#pragma once
// AnalysisJob / AnalysisOutcome: what one on-demand analysis computes (a landscape slice,
// a Hessian spectrum, or the quick timing behind a cost estimate) on which run and
// checkpoint, and what came back. Plain values: they cross threads by copy.

#include <QMetaType>
#include <QString>

#include "engine/analysis/analysis.h"
#include "engine/sessions/analysis_session.h"

namespace forgetlab::app {

struct AnalysisJob {
    using Kind = AnalysisKind;  // the session's: Landscape, Hessian, Timing
    Kind kind = Kind::Landscape;
    QString dbPath;
    qint64 runId = 0;
    qint64 step = -1;  // checkpoint step; -1 = the final (or latest) checkpoint
    LandscapeRequest landscape;
    HessianRequest hessian;
    int timingSubset = 500;  // Timing: examples per task in the timed pass
    bool store = true;       // save a finished (not cancelled) result in the database
};

struct AnalysisOutcome {
    AnalysisJob job;
    qint64 step = 0;      // the checkpoint step actually analysed
    qint64 storedId = 0;  // row id in landscapes/hessians, 0 when not stored
    LandscapeResult landscape;
    HessianResult hessian;
    double secondsPerPass = 0.0;  // Timing
    bool cancelled = false;
};

}  // namespace forgetlab::app

Q_DECLARE_METATYPE(forgetlab::app::AnalysisOutcome)
