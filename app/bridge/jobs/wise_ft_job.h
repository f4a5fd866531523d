#pragma once
// WiseFtJob / WiseFtOutcome: one Wise-FT computation on a stored run (the trade-off
// curve, one point, or storing w(α) as a derived run) and what came back. Plain values:
// they cross threads by copy.

#include <QMetaType>
#include <QString>
#include <vector>

#include "engine/analysis/wise_ft.h"

namespace forgetlab::app {

struct WiseFtJob {
    enum class Kind { Curve, Point, Apply };
    Kind kind = Kind::Curve;
    QString dbPath;
    qint64 runId = 0;
    qint64 step = -1;    // checkpoint step; -1 = the final (or latest) one
    int points = 11;     // Curve
    double alpha = 0.5;  // Point, Apply
    int subset = 1000;
};

struct WiseFtOutcome {
    WiseFtJob job;
    std::vector<WiseFtPoint> curve;  // Curve (short when cancelled)
    WiseFtPoint point;               // Point
    qint64 derivedRunId = 0;         // Apply
    bool cancelled = false;
};

}  // namespace forgetlab::app

Q_DECLARE_METATYPE(forgetlab::app::WiseFtOutcome)
