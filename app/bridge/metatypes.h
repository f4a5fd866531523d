#pragma once
// Engine value types that travel through queued (cross-thread) signals.

#include <QMetaType>

#include "engine/core/run_types.h"

Q_DECLARE_METATYPE(forgetlab::RunSummary)
