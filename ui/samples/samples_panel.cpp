#include "ui/samples/samples_panel.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QListWidget>
#include <QScrollBar>
#include <QSplitter>
#include <QTextBrowser>
#include <QVBoxLayout>
#include <algorithm>

namespace forgetlab::ui {

namespace {

QString languageName(const QString& code) {
    if (code == QLatin1String("en")) return SamplesPanel::tr("English");
    if (code == QLatin1String("de")) return SamplesPanel::tr("German");
    if (code == QLatin1String("es")) return SamplesPanel::tr("Spanish");
    return {};
}

// Generated text as HTML: escaped, control characters made visible (a byte-level model
// can write any byte), newlines kept as line breaks. Spaces are kept by the block's
// white-space: pre-wrap.
QString escapeText(const QString& text) {
    QString out;
    out.reserve(text.size() + 16);
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if (u == u'\n')
            out += QStringLiteral("<br/>");
        else if (u == u'<')
            out += QStringLiteral("&lt;");
        else if (u == u'>')
            out += QStringLiteral("&gt;");
        else if (u == u'&')
            out += QStringLiteral("&amp;");
        else if (u == u'"')
            out += QStringLiteral("&quot;");
        else if (u == u'\t')
            out += c;
        else if (u < 0x20)
            out += QChar(char16_t(0x2400 + u));  // ␀ .. ␟
        else if (u == 0x7f)
            out += QChar(char16_t(0x2421));  // ␡
        else
            out += c;
    }
    return out;
}

QListWidgetItem* stepItem(qint64 step) {
    auto* item = new QListWidgetItem(step == 0 ? SamplesPanel::tr("step 0 (before)")
                                               : SamplesPanel::tr("step %1").arg(step));
    item->setData(Qt::UserRole, step);
    item->setToolTip(step == 0   ? SamplesPanel::tr("Before fine-tuning: the pre-trained model")
                     : step == 1 ? SamplesPanel::tr("After 1 fine-tuning step")
                                 : SamplesPanel::tr("After %1 fine-tuning steps").arg(step));
    return item;
}

QString emptyText(bool languageModel) {
    return languageModel ? SamplesPanel::tr(
                               "No samples yet: the model writes its first ones before "
                               "fine-tuning starts (step 0).")
                         : SamplesPanel::tr(
                               "No samples: language-model runs (model GPT) show their "
                               "generated text here.");
}

}  // namespace

SamplesPanel::SamplesPanel(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("samplesPanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->setSpacing(6);

    m_intro = new QLabel;
    m_intro->setObjectName(QStringLiteral("samplesExplanation"));
    m_intro->setWordWrap(true);
    m_intro->setStyleSheet(QStringLiteral("QLabel { color: #455a64; }"));
    layout->addWidget(m_intro);

    m_steps = new QListWidget;
    m_steps->setObjectName(QStringLiteral("samplesSteps"));
    m_steps->setToolTip(
        tr("The steps at which the model wrote samples; pick one to read what it "
           "wrote then"));
    m_steps->setMinimumWidth(110);
    m_text = new QTextBrowser;
    m_text->setObjectName(QStringLiteral("samplesText"));
    m_text->setOpenLinks(false);
    m_text->document()->setDocumentMargin(10);

    auto* splitter = new QSplitter(Qt::Horizontal);
    splitter->addWidget(m_steps);
    splitter->addWidget(m_text);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setCollapsible(1, false);
    splitter->setSizes({150, 850});
    layout->addWidget(splitter, 1);

    connect(m_steps, &QListWidget::currentRowChanged, this, [this] {
        showCurrent();
        Q_EMIT currentStepChanged(currentStep());
    });
    clear();
}

std::optional<SampleSet> SamplesPanel::parseEvent(qint64 step, const QByteArray& json) {
    const QJsonDocument doc = QJsonDocument::fromJson(json);
    if (!doc.isObject()) return std::nullopt;
    const QJsonObject o = doc.object();
    const QJsonValue list = o.value(QStringLiteral("samples"));
    if (!list.isArray()) return std::nullopt;
    SampleSet set;
    set.step =
        o.contains(QStringLiteral("step")) ? o.value(QStringLiteral("step")).toInteger(step) : step;
    set.temperature = o.value(QStringLiteral("temperature")).toDouble(0.0);
    for (const QJsonValue& v : list.toArray()) {
        const QJsonObject s = v.toObject();
        SampleText t;
        t.prompt = s.value(QStringLiteral("prompt")).toString();
        t.greedy = s.value(QStringLiteral("greedy")).toString();
        t.hasSampled = s.contains(QStringLiteral("sampled"));
        t.sampled = s.value(QStringLiteral("sampled")).toString();
        set.samples << t;
    }
    return set;
}

QString SamplesPanel::toHtml(const SampleSet& set, const QString& downstreamLanguage) {
    const QString mono =
        QFontDatabase::systemFont(QFontDatabase::FixedFont).family().toHtmlEscaped();
    const QString lang = languageName(downstreamLanguage);
    QString html = QStringLiteral("<html><body>");
    html += QStringLiteral("<h3 style='margin-bottom:2px'>%1</h3>")
                .arg(set.step == 0    ? tr("Step 0 — before fine-tuning")
                     : lang.isEmpty() ? tr("Step %1 of fine-tuning").arg(set.step)
                                      : tr("Step %1 of fine-tuning on %2").arg(set.step).arg(lang));
    html += QStringLiteral("<p style='color:#757575; margin-top:0'>%1</p>")
                .arg(set.temperature > 0
                         ? tr("<b>Bold</b>: the prompt. Greedy: the most likely token each time. "
                              "Sampled: drawn at temperature %1.")
                               .arg(set.temperature)
                         : tr("<b>Bold</b>: the prompt. Greedy: the most likely token each time."));
    const QString cell = QStringLiteral(
        "<td style='font-family:\"%1\"; white-space:pre-wrap; color:#0d2a4a'>"
        "<b style='color:#000000'>%2</b>%3</td>");
    const QString label = QStringLiteral(
        "<td width='90' style='color:#616161; font-size:small; vertical-align:top'>%1</td>");
    for (int i = 0; i < set.samples.size(); ++i) {
        const SampleText& s = set.samples.at(i);
        html += QStringLiteral(
            "<table width='100%' cellspacing='0' cellpadding='4' "
            "style='margin-top:8px; border-color:#cfd8dc' border='0'>");
        html += QStringLiteral("<tr>") + label.arg(tr("greedy")) +
                cell.arg(mono, escapeText(s.prompt), escapeText(s.greedy)) +
                QStringLiteral("</tr>");
        if (s.hasSampled) {
            html += QStringLiteral("<tr>") +
                    label.arg(tr("sampled<br/>T = %1").arg(set.temperature)) +
                    cell.arg(mono, escapeText(s.prompt), escapeText(s.sampled)) +
                    QStringLiteral("</tr>");
        }
        html += QStringLiteral("</table>");
        if (i + 1 < set.samples.size()) html += QStringLiteral("<hr/>");
    }
    html += QStringLiteral("</body></html>");
    return html;
}

void SamplesPanel::setRun(bool languageModel, int every, const QString& upstreamLanguage,
                          const QString& downstreamLanguage) {
    m_languageModel = languageModel;
    m_every = every;
    m_upstream = upstreamLanguage;
    m_downstream = downstreamLanguage;
    updateExplanation();
    showCurrent();
}

void SamplesPanel::clear() {
    m_sets.clear();
    {
        const QSignalBlocker block(m_steps);
        m_steps->clear();
    }
    m_languageModel = false;
    m_every = 0;
    m_upstream.clear();
    m_downstream.clear();
    updateExplanation();
    showCurrent();
}

void SamplesPanel::updateExplanation() {
    if (!m_languageModel) {
        m_intro->setText(
            tr("Language-model runs (model GPT) continue a few prompts while they "
               "are fine-tuned; their text appears here."));
        return;
    }
    if (m_every <= 0 && m_sets.isEmpty()) {
        m_intro->setText(tr("This run records no samples (Eval → Samples every is off)."));
        return;
    }
    const QString up = languageName(m_upstream);
    const QString down = languageName(m_downstream);
    const QString every = m_every == 1  ? tr("At every step")
                          : m_every > 1 ? tr("Every %1 steps").arg(m_every)
                                        : tr("Every few steps");
    if (!up.isEmpty() && !down.isEmpty() && up != down) {
        m_intro->setText(tr("%1 the model continues these prompts: watch the %2 degrade while "
                            "the %3 improves.")
                             .arg(every, up, down));
    } else {
        m_intro->setText(tr("%1 the model continues these prompts: watch the upstream text "
                            "degrade while the downstream text improves.")
                             .arg(every));
    }
}

int SamplesPanel::rowOf(qint64 step) const {
    for (int i = 0; i < m_sets.size(); ++i)
        if (m_sets.at(i).step == step) return i;
    return -1;
}

void SamplesPanel::addSampleSet(const SampleSet& set) {
    const int current = m_steps->currentRow();
    const bool follow = current < 0 || current == m_steps->count() - 1;
    const qint64 currentStepBefore = currentStep();
    const int existing = rowOf(set.step);
    if (existing >= 0) {
        m_sets[existing] = set;
    } else {
        const auto it =
            std::lower_bound(m_sets.begin(), m_sets.end(), set.step,
                             [](const SampleSet& s, qint64 step) { return s.step < step; });
        const int row = static_cast<int>(it - m_sets.begin());
        m_sets.insert(row, set);
        const QSignalBlocker block(m_steps);
        m_steps->insertItem(row, stepItem(set.step));
    }
    updateExplanation();
    if (follow) {
        if (m_steps->currentRow() == m_steps->count() - 1) {
            showCurrent();  // the newest was already selected (its text was replaced)
        } else {
            m_steps->setCurrentRow(m_steps->count() - 1);
        }
    } else {
        // Keep what the user picked, whatever got inserted before it.
        const QSignalBlocker block(m_steps);
        m_steps->setCurrentRow(rowOf(currentStepBefore));
        if (set.step == currentStepBefore) showCurrent();
    }
}

void SamplesPanel::setSampleSets(const QList<SampleSet>& sets) {
    m_sets.clear();
    for (const SampleSet& s : sets) {
        const int existing = rowOf(s.step);
        if (existing >= 0)
            m_sets[existing] = s;  // the later event of a step wins
        else
            m_sets << s;
    }
    std::stable_sort(m_sets.begin(), m_sets.end(),
                     [](const SampleSet& a, const SampleSet& b) { return a.step < b.step; });
    {
        const QSignalBlocker block(m_steps);
        m_steps->clear();
        for (const SampleSet& s : m_sets) m_steps->addItem(stepItem(s.step));
        m_steps->setCurrentRow(m_steps->count() - 1);
    }
    updateExplanation();
    showCurrent();
    Q_EMIT currentStepChanged(currentStep());
}

QList<qint64> SamplesPanel::steps() const {
    QList<qint64> out;
    for (const SampleSet& s : m_sets) out << s.step;
    return out;
}

qint64 SamplesPanel::currentStep() const {
    const int row = m_steps->currentRow();
    return row >= 0 && row < m_sets.size() ? m_sets.at(row).step : -1;
}

bool SamplesPanel::selectStep(qint64 step) {
    const int row = rowOf(step);
    if (row < 0) return false;
    m_steps->setCurrentRow(row);
    return true;
}

std::optional<SampleSet> SamplesPanel::sampleSet(qint64 step) const {
    const int row = rowOf(step);
    if (row < 0) return std::nullopt;
    return m_sets.at(row);
}

QString SamplesPanel::shownText() const {
    return m_text->toPlainText();
}

QString SamplesPanel::explanation() const {
    return m_intro->text();
}

void SamplesPanel::showCurrent() {
    const int row = m_steps->currentRow();
    if (row < 0 || row >= m_sets.size()) {
        m_text->setHtml(QStringLiteral("<p style='color:#757575'>%1</p>")
                            .arg(emptyText(m_languageModel).toHtmlEscaped()));
        return;
    }
    // Keep the reading position: the same prompt at another step is where the eye is.
    const int scroll = m_text->verticalScrollBar()->value();
    m_text->setHtml(toHtml(m_sets.at(row), m_downstream));
    m_text->verticalScrollBar()->setValue(scroll);
}

}  // namespace forgetlab::ui
