#pragma once
// KnobPanel: live knobs for the fine-tuning optimizer (learning rate on a log-scale
// slider, SAM rho on a linear one), each with an exact-value field. A value is sent when
// the slider is released or the field is confirmed, not for every pixel of a drag, because
// each change is recorded as an event of the run.

#include <QGroupBox>

class QDoubleSpinBox;
class QLabel;
class QSlider;

namespace forgetlab::ui {

class NumberField;

class KnobPanel : public QGroupBox {
    Q_OBJECT
public:
    explicit KnobPanel(QWidget* parent = nullptr);

    // Shows the values a run starts with (does not emit knobChanged).
    void setValues(double lr, double rho);
    void setRhoAvailable(bool available);  // rho means nothing without SAM
    double learningRate() const { return m_lr; }
    double rho() const { return m_rho; }

    // Slider position <-> learning rate (10^-5 .. 10^0, log scale).
    static int lrToSlider(double lr);
    static double sliderToLr(int position);

Q_SIGNALS:
    // name is "lr" or "rho".
    void knobChanged(const QString& name, double value);

private:
    void commitLr(double lr);
    void commitRho(double rho);

    QSlider* m_lrSlider;
    NumberField* m_lrField;
    QSlider* m_rhoSlider;
    QDoubleSpinBox* m_rhoSpin;
    QLabel* m_rhoNote;
    double m_lr = 0.05;
    double m_rho = 0.05;
};

}  // namespace forgetlab::ui
