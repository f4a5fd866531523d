#include "ui/landscape/checkpoint_timeline.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QSlider>
#include <QStyle>
#include <QVBoxLayout>
#include <algorithm>

namespace forgetlab::ui {

namespace {

QString shortTag(const QString& tag) {
    if (tag == QLatin1String("pretrained")) return QObject::tr("pre-trained");
    if (tag == QLatin1String("final")) return QObject::tr("final");
    if (tag.startsWith(QLatin1String("snapshot"))) return QObject::tr("snapshot");
    return QString();
}

// Step numbers (and short tags) under the slider's tick positions. Labels that would
// overlap their left neighbour are left out; the selected one is always drawn.
class TickLabels : public QWidget {
public:
    TickLabels(QSlider* slider, const QVector<CheckpointMark>* marks, const bool* live)
        : m_slider(slider), m_marks(marks), m_live(live) {
        setMinimumHeight(2 * fontMetrics().height() + 2);
    }

protected:
    void paintEvent(QPaintEvent*) override {
        QPainter p(this);
        const int n = m_marks->size() + (*m_live ? 1 : 0);
        if (n == 0) return;
        const int handle =
            m_slider->style()->pixelMetric(QStyle::PM_SliderLength, nullptr, m_slider);
        const int span = m_slider->width() - handle;
        const int h = fontMetrics().height();
        int lastRight = -1000;
        for (int i = 0; i < n; ++i) {
            const int x = m_slider->x() +
                          QStyle::sliderPositionFromValue(0, std::max(1, n - 1), i, span) +
                          handle / 2;
            const bool live = i == m_marks->size();
            const QString top = live ? tr("live") : QString::number((*m_marks)[i].step);
            const QString bottom = live ? tr("now") : shortTag((*m_marks)[i].tag);
            const int w = std::max(fontMetrics().horizontalAdvance(top),
                                   fontMetrics().horizontalAdvance(bottom));
            const bool selected = i == m_slider->value();
            if (!selected && std::max(0, x - w / 2) < lastRight + 6) continue;
            QFont f = font();
            f.setBold(selected);
            p.setFont(f);
            p.setPen(selected ? palette().color(QPalette::Highlight)
                              : palette().color(QPalette::WindowText));
            // Centred under the tick, but kept inside the widget at both ends.
            const int left = std::clamp(x - w / 2, 0, std::max(0, width() - w));
            p.drawText(QRect(left, 0, w, h), Qt::AlignHCenter, top);
            p.setPen(palette().color(QPalette::PlaceholderText));
            p.drawText(QRect(left, h, w, h), Qt::AlignHCenter, bottom);
            lastRight = left + w;
        }
    }

private:
    QSlider* m_slider;
    const QVector<CheckpointMark>* m_marks;
    const bool* m_live;
};

}  // namespace

CheckpointTimeline::CheckpointTimeline(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("checkpointTimeline"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    auto* top = new QHBoxLayout;
    top->setSpacing(10);
    auto* title = new QLabel(tr("<b>Checkpoint</b>"));
    m_current = new QLabel;
    m_current->setObjectName(QStringLiteral("checkpointLabel"));
    top->addWidget(title);
    top->addWidget(m_current, 1);
    layout->addLayout(top);
    m_slider = new QSlider(Qt::Horizontal);
    m_slider->setObjectName(QStringLiteral("checkpointSlider"));
    m_slider->setTickPosition(QSlider::TicksBelow);
    m_slider->setTickInterval(1);
    m_slider->setPageStep(1);
    m_slider->setToolTip(tr("The weights to analyse: drag along the run's checkpoints"));
    layout->addWidget(m_slider);
    m_ticks = new TickLabels(m_slider, &m_marks, &m_live);
    layout->addWidget(m_ticks);
    connect(m_slider, &QSlider::valueChanged, this, [this] {
        updateLabel();
        m_ticks->update();
        Q_EMIT selectionChanged();
    });
    updateLabel();
}

QString CheckpointTimeline::describeTag(const QString& tag) {
    if (tag == QLatin1String("pretrained")) return tr("pre-trained (before fine-tuning)");
    if (tag == QLatin1String("final")) return tr("final (fine-tuned)");
    if (tag.startsWith(QLatin1String("snapshot"))) return tr("snapshot of a live run");
    if (tag.startsWith(QLatin1String("step"))) return tr("fine-tuning checkpoint");
    return tag;
}

void CheckpointTimeline::setCheckpoints(const QVector<CheckpointMark>& marks, bool liveEntry) {
    const bool wasLive = isLiveSelected();
    const qint64 step = currentStep();
    const QString tag = currentTag();
    m_marks = marks;
    m_live = liveEntry;
    const int n = m_marks.size() + (m_live ? 1 : 0);
    {
        const QSignalBlocker block(m_slider);
        m_slider->setRange(0, std::max(0, n - 1));
        m_slider->setEnabled(n > 1);
        int index = n - 1;
        if (!wasLive) {
            for (int i = 0; i < m_marks.size(); ++i)
                if (m_marks[i].step == step && m_marks[i].tag == tag) index = i;
        }
        m_slider->setValue(std::max(0, index));
    }
    updateLabel();
    m_ticks->update();
    Q_EMIT selectionChanged();
}

bool CheckpointTimeline::isLiveSelected() const {
    return m_live && m_slider->value() == m_marks.size();
}

qint64 CheckpointTimeline::currentStep() const {
    const int i = m_slider->value();
    return i >= 0 && i < m_marks.size() ? m_marks[i].step : -1;
}

QString CheckpointTimeline::currentTag() const {
    const int i = m_slider->value();
    return i >= 0 && i < m_marks.size() ? m_marks[i].tag : QString();
}

bool CheckpointTimeline::selectStep(qint64 step) {
    for (int i = m_marks.size() - 1; i >= 0; --i) {
        if (m_marks[i].step == step) {
            m_slider->setValue(i);
            return true;
        }
    }
    return false;
}

void CheckpointTimeline::selectLive() {
    if (m_live) m_slider->setValue(m_marks.size());
}

void CheckpointTimeline::updateLabel() {
    if (isEmpty()) {
        m_current->setText(tr("<i>no checkpoints (select a run with stored weights)</i>"));
    } else if (isLiveSelected()) {
        m_current->setText(tr("live run: pause, snapshot the current weights, analyse, resume"));
    } else {
        m_current->setText(tr("step %1 — %2").arg(currentStep()).arg(describeTag(currentTag())));
    }
}

}  // namespace forgetlab::ui
