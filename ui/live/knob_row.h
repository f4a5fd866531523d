#pragma once
// KnobRow: one live knob as both knob panels show it (the optimizer's, KnobPanel, and the
// strategies', StrategyKnobs): a label, a slider and an exact-value field in one grid row,
// and how they behave. While a slider is dragged only the field follows; the value is sent
// when the slider is released or the field confirmed, not for every pixel, because each
// change is recorded as a "knob" event of the run. A typed value the engine cannot use is
// replaced by the current one. Written once so that the panels cannot drift apart; a
// knob's name is the engine's (knobs:: in engine/core/names.h).

#include <QObject>
#include <QString>
#include <functional>

class QGridLayout;
class QSlider;

namespace forgetlab::ui {

class NumberField;

// What one knob is: its name, its words and its slider scale.
struct KnobSpec {
    // The engine's knob name (knobs::k...); the slider and the field are named after it
    // ("<name>Slider", "<name>Knob") for the tests.
    const char* name = "";
    QString label;
    QString sliderTip;
    QString fieldTip;  // empty: "Exact value; press Enter to apply"
    int ticks = 100;   // slider positions 0 .. ticks
    std::function<int(double)> toSlider;
    std::function<double(int)> fromSlider;
    std::function<bool(double)> accepts;  // a typed value the engine can use
};

class KnobRow : public QObject {
    Q_OBJECT
public:
    // Adds the label, slider and field to row `row` of `grid` (columns 0, 1, 2).
    KnobRow(KnobSpec spec, QGridLayout* grid, int row, QObject* parent);

    QString name() const { return m_name; }
    double value() const { return m_value; }
    bool isAvailable() const { return m_available; }
    // Shows the value a run starts with (does not emit changed).
    void setValue(double value);
    // An unavailable knob is disabled and sends nothing.
    void setAvailable(bool available);

Q_SIGNALS:
    // The person changed the knob.
    void changed(const QString& name, double value);

private:
    void commit(double value);

    KnobSpec m_spec;
    QString m_name;
    QSlider* m_slider;
    NumberField* m_field;
    double m_value = 0.0;
    bool m_available = true;
};

}  // namespace forgetlab::ui
