// The sessions both front ends share: a seed set's member names and configs, the mean ±
// sample std over its members, and the analysis session's rule that a cancelled job
// stores nothing while a completed one stores exactly one result.
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#include "engine/core/cancel_token.h"
#include "engine/core/config.h"
#include "engine/core/run_control.h"
#include "engine/sessions/analysis_session.h"
#include "engine/sessions/run_session.h"
#include "engine/sessions/seed_set.h"
#include "engine/store/store.h"
#include "tests/engine/tiny_run.h"

using namespace forgetlab;

namespace {

// The shared tiny run, shortened: these tests only need its checkpoints.
ExperimentConfig tinyConfig() {
    ExperimentConfig c = test::tinyImageRun();
    c.upstream.steps = 20;
    c.downstream.steps = 10;
    c.eval.probe_size = 32;
    return c;
}

AnalysisSessionRequest smallLandscape(int64_t runId) {
    AnalysisSessionRequest r;
    r.kind = AnalysisKind::Landscape;
    r.run_id = runId;
    r.landscape.kind = "1d";
    r.landscape.grid = 3;
    r.landscape.subset = 50;
    return r;
}

AnalysisSessionRequest smallHessian(int64_t runId) {
    AnalysisSessionRequest r;
    r.kind = AnalysisKind::Hessian;
    r.run_id = runId;
    r.hessian.probe_size = 32;
    r.hessian.max_iters = 5;
    return r;
}

}  // namespace

class TestSessions : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    int64_t m_runId = 0;

    std::string dbPath() const { return (m_dir.path() + "/runs.db").toStdString(); }

private Q_SLOTS:
    void initTestCase() {
        Store store(dbPath());
        RunControl control;
        const RunSummary s = runAndRecord(tinyConfig(), store, control);
        QCOMPARE(s.status, std::string(status::kDone));
        m_runId = s.run_id;
    }

    void seedSetNamesAndConfigs() {
        QCOMPARE(seedRunName("sgd", 7), std::string("sgd seed 7"));
        const ExperimentConfig base = tinyConfig();
        const ExperimentConfig one = seedConfig(base, 11);
        QCOMPARE(one.seed, 11u);
        QCOMPARE(one.name, std::string("tiny seed 11"));
        QCOMPARE(one.downstream.steps, base.downstream.steps);  // nothing else changes

        const auto set = seedSetConfigs(base, 5, 3);
        QCOMPARE(set.size(), size_t(3));
        for (int k = 0; k < 3; ++k) {
            QCOMPARE(set[k].seed, unsigned(5 + k));
            QCOMPARE(set[k].name, "tiny seed " + std::to_string(5 + k));
            QCOMPARE(configToJson(seedConfig(base, unsigned(5 + k))), configToJson(set[k]));
        }
        // A set of one is a plain run: the config's own name, the first seed.
        const auto single = seedSetConfigs(base, 9, 1);
        QCOMPARE(single.size(), size_t(1));
        QCOMPARE(single[0].name, std::string("tiny"));
        QCOMPARE(single[0].seed, 9u);
        QVERIFY(seedSetConfigs(base, 0, 0).empty());
    }

    void meanAndSampleStd() {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, squared deviations sum to 32, sample variance
        // 32 / 7 (the population one would be 32 / 8 = 4).
        const MeanStd m = meanAndStd({2, 4, 4, 4, 5, 5, 7, 9});
        QCOMPARE(m.mean, 5.0);
        QVERIFY(std::abs(m.std - std::sqrt(32.0 / 7.0)) < 1e-12);
        const MeanStd two = meanAndStd({0.25, 0.75});
        QCOMPARE(two.mean, 0.5);
        QVERIFY(std::abs(two.std - 0.5 / std::sqrt(2.0)) < 1e-12);
        const MeanStd single = meanAndStd({3.5});
        QCOMPARE(single.mean, 3.5);
        QCOMPARE(single.std, 0.0);
        const MeanStd none = meanAndStd({});
        QCOMPARE(none.mean, 0.0);
        QCOMPARE(none.std, 0.0);
    }

    void cancelledAnalysisStoresNothing() {
        Store store(dbPath());
        const size_t landscapes = store.landscapes(m_runId).size();
        const size_t hessians = store.hessians(m_runId).size();
        CancelToken token;
        token.cancel();
        const AnalysisSessionResult l =
            runAnalysisSession(store, smallLandscape(m_runId), {}, token);
        QVERIFY(l.cancelled);
        QCOMPARE(l.stored_id, int64_t(0));
        const AnalysisSessionResult h =
            runAnalysisSession(store, smallHessian(m_runId), {}, token.flag());
        QVERIFY(h.cancelled);
        QCOMPARE(h.stored_id, int64_t(0));
        QCOMPARE(store.landscapes(m_runId).size(), landscapes);
        QCOMPARE(store.hessians(m_runId).size(), hessians);

        // Cancelled half-way through the grid, from the progress callback.
        CancelToken midway;
        const AnalysisSessionResult half = runAnalysisSession(
            store, smallLandscape(m_runId),
            [&](int64_t done, int64_t) {
                if (done >= 1) midway.cancel();
            },
            midway);
        QVERIFY(half.cancelled);
        QCOMPARE(half.stored_id, int64_t(0));
        QCOMPARE(store.landscapes(m_runId).size(), landscapes);
    }

    void completedAnalysisStoresOne() {
        Store store(dbPath());
        const size_t landscapes = store.landscapes(m_runId).size();
        const size_t hessians = store.hessians(m_runId).size();
        int64_t resolved = -2;
        AnalysisSessionRequest req = smallLandscape(m_runId);
        req.on_resolved = [&](int64_t step) { resolved = step; };
        int64_t lastDone = 0, lastTotal = 0;
        const AnalysisSessionResult l =
            runAnalysisSession(store, req, [&](int64_t done, int64_t total) {
                lastDone = done;
                lastTotal = total;
            });
        QVERIFY(!l.cancelled);
        QCOMPARE(l.run_id, m_runId);
        QCOMPARE(l.checkpoint_step, int64_t(10));  // the final checkpoint by default
        QCOMPARE(resolved, l.checkpoint_step);
        QCOMPARE(l.landscape.up_loss.size(), size_t(3));
        QCOMPARE(lastTotal, int64_t(3));
        QCOMPARE(lastDone, lastTotal);
        QVERIFY(l.stored_id > 0);
        const auto rows = store.landscapes(m_runId);
        QCOMPARE(rows.size(), landscapes + 1);
        QCOMPARE(rows.front().id, l.stored_id);  // newest first

        const AnalysisSessionResult h = runAnalysisSession(store, smallHessian(m_runId));
        QVERIFY(!h.cancelled);
        QCOMPARE(h.hessian.eigenvalues.size(), size_t(1));
        QVERIFY(h.stored_id > 0);
        QCOMPARE(store.hessians(m_runId).size(), hessians + 1);
        QCOMPARE(store.landscapes(m_runId).size(), landscapes + 1);

        // Asked not to store: computed, nothing written.
        req.store = false;
        const AnalysisSessionResult unsaved = runAnalysisSession(store, req);
        QVERIFY(!unsaved.cancelled);
        QCOMPARE(unsaved.stored_id, int64_t(0));
        QCOMPARE(store.landscapes(m_runId).size(), landscapes + 1);

        // Timing stores nothing either.
        AnalysisSessionRequest timing;
        timing.kind = AnalysisKind::Timing;
        timing.run_id = m_runId;
        timing.timing_subset = 50;
        const AnalysisSessionResult t = runAnalysisSession(store, timing);
        QVERIFY(t.seconds_per_pass > 0);
        QCOMPARE(t.stored_id, int64_t(0));
        QCOMPARE(store.landscapes(m_runId).size(), landscapes + 1);
        QCOMPARE(store.hessians(m_runId).size(), hessians + 1);
    }

    void unknownCheckpointNamesTheAvailableOnes() {
        Store store(dbPath());
        AnalysisSessionRequest req = smallLandscape(m_runId);
        req.step = 777;
        try {
            runAnalysisSession(store, req);
            QFAIL("expected an error for a missing checkpoint");
        } catch (const std::runtime_error& e) {
            QVERIFY2(std::string(e.what()).find("available") != std::string::npos, e.what());
        }
    }
};

QTEST_APPLESS_MAIN(TestSessions)
#include "test_sessions.moc"
