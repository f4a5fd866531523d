// Configuration parsing and validation: every problem names its field.
#include <QtTest>

#include <nlohmann/json.hpp>

#include "engine/core/config.h"
#include "engine/core/presets.h"

using namespace forgetlab;

namespace {
bool hasField(const std::vector<ConfigError>& errors, const std::string& field) {
    for (const auto& e : errors)
        if (e.field == field) return true;
    return false;
}
}  // namespace

class TestConfig : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void defaultsAreValid() { QVERIFY(validateConfig(ExperimentConfig{}).empty()); }

    void roundTrip() {
        ExperimentConfig c;
        c.name = "rt";
        c.seed = 42;
        c.model.hidden = {32, 16};
        c.downstream.optimizer.sam = "asam";
        c.downstream.optimizer.rho = 0.5;
        c.upstream.task.kind = "permuted";
        c.eval.every = 7;
        const auto parsed = parseConfig(configToJson(c));
        QVERIFY2(parsed.ok(), formatErrors(parsed.errors).c_str());
        QCOMPARE(configToJson(parsed.config), configToJson(c));
    }

    void badValues_data() {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("field");
        QTest::newRow("negative lr") << R"({"downstream":{"optimizer":{"lr":-0.1}}})"
                                     << "downstream.optimizer.lr";
        QTest::newRow("rho < 0") << R"({"downstream":{"optimizer":{"sam":"sam","rho":-1}}})"
                                 << "downstream.optimizer.rho";
        QTest::newRow("batch 0") << R"({"upstream":{"batch_size":0}})"
                                 << "upstream.batch_size";
        QTest::newRow("unknown optimizer") << R"({"downstream":{"optimizer":{"name":"lion"}}})"
                                           << "downstream.optimizer.name";
        QTest::newRow("unknown key") << R"({"model":{"widths":[3]}})"
                                     << "model.widths";
        QTest::newRow("wrong type") << R"({"seed":"one"})"
                                    << "seed";
        QTest::newRow("wrong list type") << R"({"model":{"hidden":[1.5]}})"
                                         << "model.hidden";
        QTest::newRow("class out of range") << R"({"upstream":{"task":{"classes":[0,12]}}})"
                                            << "upstream.task.classes";
        QTest::newRow("nested not object") << R"({"eval":3})"
                                           << "eval";
        QTest::newRow("ewc lambda < 0") << R"({"strategies":{"ewc":{"lambda":-1}}})"
                                        << "strategies.ewc.lambda";
        QTest::newRow("replay without data")
            << R"({"strategies":{"replay":{"ratio":0.2,"buffer":0}}})"
            << "strategies.replay.buffer";
        QTest::newRow("replay ratio 1") << R"({"strategies":{"replay":{"ratio":1.0}}})"
                                        << "strategies.replay.ratio";
        QTest::newRow("lwf temperature 0")
            << R"({"strategies":{"lwf":{"lambda":1,"temperature":0}}})"
            << "strategies.lwf.temperature";
    }
    void badValues() {
        QFETCH(QString, json);
        QFETCH(QString, field);
        const auto r = parseConfig(json.toStdString());
        QVERIFY(!r.ok());
        QVERIFY2(hasField(r.errors, field.toStdString()), formatErrors(r.errors).c_str());
    }

    void typeAndValueErrorsTogether() {
        const auto r = parseConfig(R"({"seed":"x","downstream":{"optimizer":{"lr":-1}}})");
        QVERIFY(hasField(r.errors, "seed"));
        QVERIFY(hasField(r.errors, "downstream.optimizer.lr"));
    }

    void notJson() {
        const auto r = parseConfig("{ not json");
        QVERIFY(!r.ok());
        QVERIFY(r.errors[0].message.find("JSON") != std::string::npos);
    }

    void upstreamHashIgnoresDownstreamOptimizer() {
        ExperimentConfig a, b;
        b.downstream.optimizer.sam = "sam";
        b.downstream.steps = 3;
        QCOMPARE(upstreamHash(a), upstreamHash(b));
        b.upstream.optimizer.lr = 0.01;
        QVERIFY(upstreamHash(a) != upstreamHash(b));
        QCOMPARE(upstreamHash(a).size(), size_t(16));
    }

    void upstreamSeed() {
        const auto r = parseConfig(R"({"seed": 4, "upstream": {"seed": 9}})");
        QVERIFY2(r.ok(), formatErrors(r.errors).c_str());
        QCOMPARE(r.config.upstream.seed, int64_t(9));
        QCOMPARE(r.config.upstreamSeed(), 9u);
        QCOMPARE(r.config.seed, 4u);
        QCOMPARE(parseConfig(configToJson(r.config)).config.upstream.seed, int64_t(9));
        // Unset: the run's seed, and no upstream.seed in the JSON (old cache keys unchanged).
        ExperimentConfig plain;
        plain.seed = 7;
        QCOMPARE(plain.upstreamSeed(), 7u);
        QVERIFY(nlohmann::json::parse(configToJson(plain))["upstream"].count("seed") == 0);
        const auto down = parseConfig(R"({"downstream": {"seed": 3}})");
        QVERIFY(!down.ok());
        QVERIFY(hasField(down.errors, "downstream.seed"));
        const auto negative = parseConfig(R"({"upstream": {"seed": -5}})");
        QVERIFY(!negative.ok());
        QVERIFY(hasField(negative.errors, "upstream.seed"));
    }

    void presetsParse() {
        const auto presets = listPresets();
        QVERIFY(presets.size() >= 2);
        QCOMPARE(presets.front().name, std::string(kDefaultPreset));
        for (const auto& p : presets) {
            const auto r = parseConfig(p.json);
            QVERIFY2(r.ok(), (p.name + ": " + formatErrors(r.errors)).c_str());
            QVERIFY2(!p.explanation.empty(), p.name.c_str());
        }
        // The SAM preset differs only in the fine-tuning optimizer: same upstream cache key.
        const auto sgd = parseConfig(loadPreset("split-fmnist-sgd").json).config;
        const auto sam = parseConfig(loadPreset("split-fmnist-sam").json).config;
        QCOMPARE(upstreamHash(sgd), upstreamHash(sam));
        QCOMPARE(sam.downstream.optimizer.sam, std::string("sam"));
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, loadPreset("no-such-preset"));
    }
};

QTEST_APPLESS_MAIN(TestConfig)
#include "test_config.moc"
