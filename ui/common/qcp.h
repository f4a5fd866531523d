#pragma once
// Includes qcustomplot.h from any translation unit. qcustomplot.h is written with Qt's
// signals/slots/emit/foreach keywords; translation units built with QT_NO_KEYWORDS (the
// tests, anything near torch headers) get them mapped to their Q_ macros for this header.

#ifdef QT_NO_KEYWORDS
#define signals Q_SIGNALS
#define slots Q_SLOTS
#define emit Q_EMIT
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef signals
#undef slots
#undef emit
#undef foreach
#else
#include <qcustomplot.h>
#endif
