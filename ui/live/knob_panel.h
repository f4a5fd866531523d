#pragma once
// KnobPanel: live knobs for the fine-tuning optimizer (learning rate on a log-scale
// slider, SAM rho on a linear one), each with an exact-value field (rows: knob_row.h). A
// value is sent when the slider is released or the field is confirmed, not for every pixel
// of a drag, because each change is recorded as an event of the run.

#include <QGroupBox>

class QLabel;

namespace forgetlab::ui {

class KnobRow;

class KnobPanel : public QGroupBox {
    Q_OBJECT
public:
    explicit KnobPanel(QWidget* parent = nullptr);

    // Shows the values a run starts with (does not emit knobChanged).
    void setValues(double lr, double rho);
    void setRhoAvailable(bool available);  // rho means nothing without SAM
    double learningRate() const;
    double rho() const;

    // Slider position <-> learning rate (10^-5 .. 10^0, log scale).
    static int lrToSlider(double lr);
    static double sliderToLr(int position);

Q_SIGNALS:
    // name is knobs::kLr or knobs::kRho.
    void knobChanged(const QString& name, double value);

private:
    KnobRow* m_lr;
    KnobRow* m_rho;
    QLabel* m_rhoNote;
};

}  // namespace forgetlab::ui
