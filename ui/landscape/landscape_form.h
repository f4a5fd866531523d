#pragma once
// LandscapeForm: what a loss-landscape job computes: the kind of slice (2-D plane, 1-D
// random direction, interpolation pre-trained -> fine-tuned), points per axis, range,
// examples evaluated per point and the seed of the directions. It shows the cost before
// anything starts: forward passes and, once a quick timing is known, seconds.

#include <QWidget>

#include "engine/analysis/analysis.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSpinBox;

namespace forgetlab::ui {

class LandscapeForm : public QWidget {
    Q_OBJECT
public:
    explicit LandscapeForm(QWidget* parent = nullptr);

    LandscapeRequest request() const;
    void setRequest(const LandscapeRequest& request);

    // evaluations: passes the request needs; secondsPerPass < 0 while unknown.
    void setCost(qint64 evaluations, double secondsPerPass, bool measuring);
    QString costText() const;

    QPushButton* computeButton() const { return m_compute; }

Q_SIGNALS:
    void requestChanged();
    void computeRequested();

private:
    void updateRangeEnabled();

    QComboBox* m_kind;
    QSpinBox* m_grid;
    QDoubleSpinBox* m_range;
    QSpinBox* m_subset;
    QSpinBox* m_seed;
    QLabel* m_cost;
    QPushButton* m_compute;
};

// "0.4 s", "12 s", "3 min 20 s".
QString formatSeconds(double seconds);

}  // namespace forgetlab::ui
