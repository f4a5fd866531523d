#pragma once
// SamplesPanel: the Samples tab. A language-model run continues a few prompts before
// fine-tuning and every few steps (eval.samples); this shows, for one recorded step, each
// prompt in bold followed by the model's greedy and sampled continuations, with a list of
// the steps recorded so far to go back in time: the English getting worse while the
// German gets better is forgetting one can read. The newest step stays selected as steps
// arrive unless the user picked an older one.

#include <QList>
#include <QString>
#include <QWidget>
#include <optional>

class QLabel;
class QListWidget;
class QTextBrowser;

namespace forgetlab::ui {

struct SampleText {
    QString prompt;
    QString greedy;   // continuation only (the prompt is not repeated)
    QString sampled;  // empty unless hasSampled
    bool hasSampled = false;
};

// One "samples" event of a run.
struct SampleSet {
    qint64 step = 0;
    double temperature = 0.0;
    QList<SampleText> samples;
};

class SamplesPanel : public QWidget {
    Q_OBJECT
public:
    explicit SamplesPanel(QWidget* parent = nullptr);

    // Parses the JSON of a "samples" event ({"step", "temperature", "samples": [{"prompt",
    // "greedy", "sampled"}]}); step is the event's step. Nothing when it is not one.
    static std::optional<SampleSet> parseEvent(qint64 step, const QByteArray& json);
    // The HTML shown for a set (text escaped, newlines kept).
    static QString toHtml(const SampleSet& set, const QString& downstreamLanguage = {});

    // What the shown run is: whether it is a language model, how often it samples (0 =
    // off) and its upstream/downstream languages ("en", "de", "es"; empty when unknown).
    // Used for the explanation and the empty state; keeps the recorded steps.
    void setRun(bool languageModel, int every, const QString& upstreamLanguage = {},
                const QString& downstreamLanguage = {});
    // Forgets the steps and the run (the empty state).
    void clear();
    // Adds (or replaces) the set of a step; the newest step gets selected when the
    // selection was on the newest (or nothing).
    void addSampleSet(const SampleSet& set);
    // Replaces all steps; selects the newest.
    void setSampleSets(const QList<SampleSet>& sets);

    QList<qint64> steps() const;
    // -1 when nothing is selected.
    qint64 currentStep() const;
    bool selectStep(qint64 step);
    bool isEmpty() const { return m_sets.isEmpty(); }
    // The recorded set of a step, if any.
    std::optional<SampleSet> sampleSet(qint64 step) const;
    // The text shown (plain), for tests and copying.
    QString shownText() const;
    QString explanation() const;

Q_SIGNALS:
    void currentStepChanged(qint64 step);

private:
    void showCurrent();
    void updateExplanation();
    int rowOf(qint64 step) const;

    QLabel* m_intro;
    QListWidget* m_steps;
    QTextBrowser* m_text;
    QList<SampleSet> m_sets;  // sorted by step
    bool m_languageModel = false;
    int m_every = 0;
    QString m_upstream;
    QString m_downstream;
};

}  // namespace forgetlab::ui
