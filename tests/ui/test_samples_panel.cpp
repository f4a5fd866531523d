// The Samples tab on its own: recorded steps are listed with the newest selected, the text
// a model wrote is shown exactly (HTML-special and non-ASCII characters, newlines), an
// older step can be picked, later steps do not pull the reader away from it, and a run
// without samples says why there is nothing.

#include <QListWidget>
#include <QSignalSpy>
#include <QTest>
#include <QTextBrowser>

#include "ui/samples/samples_panel.h"

using forgetlab::ui::SampleSet;
using forgetlab::ui::SamplesPanel;

namespace {

QByteArray eventJson(qint64 step, const QString& greedy, const QString& sampled) {
    // What the runner records (JSON with escaped quotes, newlines and UTF-8 text).
    QString g = greedy, s = sampled;
    for (QString* t : {&g, &s}) {
        t->replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
        t->replace(QLatin1Char('"'), QStringLiteral("\\\""));
        t->replace(QLatin1Char('\n'), QStringLiteral("\\n"));
    }
    return QStringLiteral(
               "{\"step\": %1, \"temperature\": 0.8, \"samples\": ["
               "{\"prompt\": \"The meaning of life is\", \"greedy\": \"%2\", \"sampled\": \"%3\"},"
               "{\"prompt\": \"Das Leben ist\", \"greedy\": \" schön\", \"sampled\": \" kurz\"}]}")
        .arg(step)
        .arg(g, s)
        .toUtf8();
}

SampleSet parsed(qint64 step, const QString& greedy, const QString& sampled) {
    const auto set = SamplesPanel::parseEvent(step, eventJson(step, greedy, sampled));
    if (!set) qFatal("event of step %lld did not parse", static_cast<long long>(step));
    return *set;
}

}  // namespace

class TestSamplesPanel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void parsesEvents();
    void emptyState();
    void showsNewestAndText();
    void olderStepStaysSelected();
    void storedSetsReplaceAll();
};

void TestSamplesPanel::parsesEvents() {
    const SampleSet set = parsed(10, QStringLiteral(" <42> & ä"), QStringLiteral(" x"));
    QCOMPARE(set.step, qint64(10));
    QCOMPARE(set.temperature, 0.8);
    QCOMPARE(set.samples.size(), 2);
    QCOMPARE(set.samples[0].prompt, QStringLiteral("The meaning of life is"));
    QCOMPARE(set.samples[0].greedy, QStringLiteral(" <42> & ä"));
    QVERIFY(set.samples[0].hasSampled);
    QCOMPARE(set.samples[1].greedy, QStringLiteral(" schön"));
    // Greedy only (temperature 0): no "sampled".
    const auto greedyOnly = SamplesPanel::parseEvent(
        0, R"({"step":0,"temperature":0,"samples":[{"prompt":"a","greedy":"b"}]})");
    QVERIFY(greedyOnly);
    QVERIFY(!greedyOnly->samples[0].hasSampled);
    QVERIFY(!SamplesPanel::parseEvent(0, "not json"));
    QVERIFY(!SamplesPanel::parseEvent(0, R"({"lr": 0.1})"));
}

void TestSamplesPanel::emptyState() {
    SamplesPanel panel;
    QCOMPARE(panel.objectName(), QStringLiteral("samplesPanel"));
    QVERIFY(panel.isEmpty());
    QCOMPARE(panel.currentStep(), qint64(-1));
    QVERIFY(panel.shownText().contains(QStringLiteral(
        "No samples: language-model runs (model GPT) show their generated text here.")));
    // A language model that has not written yet says so instead.
    panel.setRun(true, 10, QStringLiteral("en"), QStringLiteral("de"));
    QVERIFY(panel.shownText().contains(QStringLiteral("No samples yet")));
    QVERIFY(panel.explanation().contains(QStringLiteral("Every 10 steps")));
    QVERIFY(panel.explanation().contains(QStringLiteral("English degrade")));
    QVERIFY(panel.explanation().contains(QStringLiteral("German improves")));
    panel.clear();
    QVERIFY(panel.shownText().contains(QStringLiteral("No samples:")));
}

void TestSamplesPanel::showsNewestAndText() {
    SamplesPanel panel;
    panel.resize(800, 600);
    panel.show();
    panel.setRun(true, 10, QStringLiteral("en"), QStringLiteral("de"));
    const QString older = QStringLiteral(" to eat <cake> & \"pie\"");
    const QString newer =
        QStringLiteral(" Käse & Brot <b>nicht fett</b>\nzweite Zeile  (two spaces)");
    panel.addSampleSet(parsed(0, older, QStringLiteral(" sampled-0")));
    panel.addSampleSet(parsed(10, newer, QStringLiteral(" sampled-10 ä")));

    QCOMPARE(panel.steps(), (QList<qint64>{0, 10}));
    auto* list = panel.findChild<QListWidget*>(QStringLiteral("samplesSteps"));
    QVERIFY(list);
    QCOMPARE(list->count(), 2);
    QCOMPARE(panel.currentStep(), qint64(10));
    QCOMPARE(list->currentRow(), 1);

    const QString text = panel.shownText();
    QVERIFY2(text.contains(QStringLiteral("The meaning of life is") + newer), qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("The meaning of life is sampled-10 ä")));
    QVERIFY(text.contains(QStringLiteral("Das Leben ist schön")));
    QVERIFY(text.contains(QStringLiteral("Das Leben ist kurz")));
    QVERIFY(text.contains(QStringLiteral("0.8")));  // the temperature
    QVERIFY(!text.contains(older));
    // The markup the model wrote is text, not formatting.
    auto* browser = panel.findChild<QTextBrowser*>(QStringLiteral("samplesText"));
    QVERIFY(browser);
    QVERIFY(browser->toHtml().contains(QStringLiteral("&lt;b&gt;nicht fett&lt;/b&gt;")));

    // Clicking the older step shows its text.
    const QRect rect = list->visualItemRect(list->item(0));
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, rect.center());
    QCOMPARE(panel.currentStep(), qint64(0));
    QVERIFY2(panel.shownText().contains(QStringLiteral("The meaning of life is") + older),
             qPrintable(panel.shownText()));
    QVERIFY(!panel.shownText().contains(newer));
}

void TestSamplesPanel::olderStepStaysSelected() {
    SamplesPanel panel;
    panel.setRun(true, 10);
    panel.addSampleSet(parsed(0, QStringLiteral(" a"), QStringLiteral(" b")));
    panel.addSampleSet(parsed(10, QStringLiteral(" c"), QStringLiteral(" d")));
    QVERIFY(panel.selectStep(0));
    QSignalSpy changed(&panel, &SamplesPanel::currentStepChanged);
    // A live step arriving while the reader looks back does not move the selection...
    panel.addSampleSet(parsed(20, QStringLiteral(" e"), QStringLiteral(" f")));
    QCOMPARE(panel.currentStep(), qint64(0));
    QCOMPARE(changed.count(), 0);
    QVERIFY(panel.shownText().contains(QStringLiteral("The meaning of life is a")));
    // ...while following the newest it does.
    QVERIFY(panel.selectStep(20));
    panel.addSampleSet(parsed(30, QStringLiteral(" g"), QStringLiteral(" h")));
    QCOMPARE(panel.currentStep(), qint64(30));
    QVERIFY(panel.shownText().contains(QStringLiteral("The meaning of life is g")));
    QVERIFY(!panel.selectStep(15));
}

void TestSamplesPanel::storedSetsReplaceAll() {
    SamplesPanel panel;
    panel.setRun(true, 5);
    panel.addSampleSet(parsed(0, QStringLiteral(" old"), QStringLiteral(" old")));
    // Out of order in, sorted out; the newest is selected.
    panel.setSampleSets({parsed(10, QStringLiteral(" ten"), QStringLiteral(" x")),
                         parsed(5, QStringLiteral(" five"), QStringLiteral(" y"))});
    QCOMPARE(panel.steps(), (QList<qint64>{5, 10}));
    QCOMPARE(panel.currentStep(), qint64(10));
    QVERIFY(panel.shownText().contains(QStringLiteral("The meaning of life is ten")));
    panel.setSampleSets({});
    QVERIFY(panel.isEmpty());
    QVERIFY(panel.shownText().contains(QStringLiteral("No samples yet")));
}

QTEST_MAIN(TestSamplesPanel)
#include "test_samples_panel.moc"
