package io.txinsight.job.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.events.EventType;
import io.txinsight.job.records.View;
import io.txinsight.job.records.ViewEvent;
import io.txinsight.simulator.Presets;
import io.txinsight.simulator.SimulationParams;
import io.txinsight.simulator.Workload;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The active-accounts gauges against exact counts, their state across a snapshot and restore,
 * and its bound.
 */
class ActiveAccountsOperatorTest {
    private static final long T0 = 1_700_000_040_000L - 1_700_000_040_000L % MinuteSketches.MINUTE_MS;
    private static final long MINUTE = MinuteSketches.MINUTE_MS;

    /**
     * 20 minutes of opens, 6,000 a minute, from 200,000 accounts of which a tenth make most of
     * the traffic (as regulars do): per window from a few thousand to about 60,000 distinct
     * accounts, well into the sketches' estimating range. At every minute boundary each gauge is
     * within three relative standard errors of the exact count of the same minutes.
     */
    @Test
    void everyWindowIsWithinTheDocumentedErrorOfTheExactCount() throws Exception {
        ActiveAccountsOperator op = new ActiveAccountsOperator();
        TreeMap<Long, Set<String>> exact = new TreeMap<>();
        SplittableRandom rng = new SplittableRandom(17);
        double worst = 0;
        try (OneInputStreamOperatorTestHarness<ViewEvent, Void> h = new OneInputStreamOperatorTestHarness<>(op)) {
            h.open();
            for (int m = 0; m < 20; m++) {
                for (int i = 0; i < 6_000; i++) {
                    long ts = T0 + m * MINUTE + rng.nextLong(MINUTE);
                    int account = rng.nextInt(10) < 7 ? rng.nextInt(20_000) : rng.nextInt(200_000);
                    String id = "acc-" + account;
                    h.processElement(new StreamRecord<>(open(id, ts), ts));
                    exact.computeIfAbsent(ts / MINUTE, k -> new HashSet<>()).add(id);
                }
                long clock = T0 + (m + 1) * MINUTE;
                h.processWatermark(new Watermark(clock));
                List<Long> shown = op.estimates();
                for (int w = 0; w < ActiveAccountsOperator.WINDOW_MINUTES.length; w++) {
                    long truth = exactCount(exact, clock, ActiveAccountsOperator.WINDOW_MINUTES[w]);
                    double error = Math.abs(shown.get(w) - truth) / (double) truth;
                    worst = Math.max(worst, error);
                    assertThat(error)
                            .as("minute %d, window %s: shown %d, exact %d", m, ActiveAccountsOperator.WINDOW_LABELS[w], shown.get(w), truth)
                            .isLessThanOrEqualTo(MinuteSketches.BOUND_3_SIGMA);
                }
            }
            assertThat(op.estimates().get(2)).as("15m reaches tens of thousands").isGreaterThan(40_000);
        }
        System.out.printf("active accounts: worst relative error %.2f%% (bound %.2f%%)%n",
                100 * worst, 100 * MinuteSketches.BOUND_3_SIGMA);
    }

    /**
     * The simulator's velocity preset (bursts from one account) stretched over 20 minutes of event
     * time, its opens decoded as the job decodes them, in publish order (so out of order and with
     * the aborted ones): at every minute boundary each window is within the bound of the exact
     * count of the same minutes.
     */
    @Test
    void theSimulatorsVelocityScenarioIsCountedWithinTheBound() throws Exception {
        SimulationParams params = Presets.named("velocity").toBuilder()
                .count(24_000).durationMs(20 * MINUTE).accounts(20_000).build();
        List<ViewEvent> opens = new ArrayList<>();
        new Workload(params).run(r -> {
            if (r.event() != null && r.event().eventType() == EventType.TRANSACTION_OPEN) {
                opens.add(ViewEvent.of(View.MONITOR, r.event(), r.topic(), 0, opens.size(), r.atMs()));
            }
        }, null);
        ActiveAccountsOperator op = new ActiveAccountsOperator();
        TreeMap<Long, Set<String>> exact = new TreeMap<>();
        int checked = 0;
        double worst = 0;
        try (OneInputStreamOperatorTestHarness<ViewEvent, Void> h = new OneInputStreamOperatorTestHarness<>(op)) {
            h.open();
            long nextMinute = Long.MIN_VALUE;
            for (ViewEvent e : opens) {
                long minute = Math.floorDiv(e.ts, MINUTE);
                if (nextMinute != Long.MIN_VALUE && minute > nextMinute) {
                    // a watermark at each new minute, as the monitor view's would pass it
                    h.processWatermark(new Watermark(nextMinute * MINUTE));
                    worst = Math.max(worst, assertWithinBound(op, exact, nextMinute * MINUTE));
                    checked += ActiveAccountsOperator.WINDOW_MINUTES.length;
                }
                nextMinute = Math.max(nextMinute, minute);
                h.processElement(new StreamRecord<>(e, e.ts));
                if (e.account != null) {
                    exact.computeIfAbsent(minute, k -> new HashSet<>()).add(e.account);
                }
            }
        }
        assertThat(checked).as("windows compared").isGreaterThanOrEqualTo(3 * 15);
        System.out.printf("active accounts, velocity scenario: %d windows, worst relative error %.2f%% (bound %.2f%%)%n",
                checked, 100 * worst, 100 * MinuteSketches.BOUND_3_SIGMA);
    }

    /** Asserts every window at {@code clock}; returns the worst relative error. */
    private static double assertWithinBound(ActiveAccountsOperator op, TreeMap<Long, Set<String>> exact, long clock) {
        List<Long> shown = op.estimates();
        double worst = 0;
        for (int w = 0; w < ActiveAccountsOperator.WINDOW_MINUTES.length; w++) {
            long truth = exactCount(exact, clock, ActiveAccountsOperator.WINDOW_MINUTES[w]);
            assertThat(Math.abs(shown.get(w) - truth))
                    .as("clock %d, window %s: shown %d, exact %d", clock, ActiveAccountsOperator.WINDOW_LABELS[w], shown.get(w), truth)
                    .isLessThanOrEqualTo((long) Math.ceil(MinuteSketches.BOUND_3_SIGMA * truth));
            worst = Math.max(worst, Math.abs(shown.get(w) - truth) / (double) truth);
        }
        return worst;
    }

    @Test
    void theSketchesSurviveASnapshotAndRestore() throws Exception {
        OperatorSubtaskState snapshot;
        List<Long> before;
        ActiveAccountsOperator first = new ActiveAccountsOperator();
        try (OneInputStreamOperatorTestHarness<ViewEvent, Void> h = new OneInputStreamOperatorTestHarness<>(first)) {
            h.open();
            for (int i = 0; i < 300; i++) {
                long ts = T0 + (i % 3) * MINUTE + i;
                h.processElement(new StreamRecord<>(open("acc-" + i, ts), ts));
            }
            h.processWatermark(new Watermark(T0 + 3 * MINUTE));
            before = first.estimates();
            snapshot = h.snapshot(1, 1);
        }
        assertThat(before).as("exact below the sketches' list/set limit").containsExactly(100L, 300L, 300L);

        ActiveAccountsOperator restored = new ActiveAccountsOperator();
        try (OneInputStreamOperatorTestHarness<ViewEvent, Void> h = new OneInputStreamOperatorTestHarness<>(restored)) {
            h.initializeState(snapshot);
            h.open();
            h.processWatermark(new Watermark(T0 + 3 * MINUTE));
            assertThat(restored.estimates()).isEqualTo(before);

            // and they go on counting: one known account, one new
            long ts = T0 + 3 * MINUTE + 1;
            h.processElement(new StreamRecord<>(open("acc-1", ts), ts));
            h.processElement(new StreamRecord<>(open("acc-new", ts), ts));
            h.processWatermark(new Watermark(T0 + 4 * MINUTE));
            assertThat(restored.estimates()).containsExactly(2L, 301L, 301L);
        }
    }

    @Test
    void stateIsBoundedByTheLongestWindow() throws Exception {
        ActiveAccountsOperator op = new ActiveAccountsOperator();
        try (OneInputStreamOperatorTestHarness<ViewEvent, Void> h = new OneInputStreamOperatorTestHarness<>(op)) {
            h.open();
            // before the first watermark nothing bounds time: a far-future open is held until it comes
            h.processElement(new StreamRecord<>(open("acc-early-future", T0 + 365L * 24 * 60 * MINUTE), T0));
            for (int m = 0; m < 60; m++) {
                long ts = T0 + m * MINUTE;
                h.processElement(new StreamRecord<>(open("acc-" + m, ts), ts));
                h.processWatermark(new Watermark(ts));
            }
            long clock = T0 + 59 * MINUTE;
            // a producer's clock gone wrong, both ways: not counted, no state
            h.processElement(new StreamRecord<>(open("acc-future", clock + 365L * 24 * 60 * MINUTE), clock));
            h.processElement(new StreamRecord<>(open("acc-past", T0 - 60 * MINUTE), clock));
            h.processElement(new StreamRecord<>(withoutAccount(clock), clock));

            assertThat(h.snapshot(1, 1).getManagedOperatorState().size()).isOne();
            assertThat(op.sketches().minutes()).isEqualTo(MinuteSketches.HORIZON_MINUTES + 1);
            h.processWatermark(new Watermark(clock + MINUTE));
            assertThat(op.estimates()).containsExactly(1L, 5L, 15L); // one account a minute
        }
    }

    private static long exactCount(TreeMap<Long, Set<String>> byMinute, long clock, int minutes) {
        Set<String> union = new HashSet<>();
        byMinute.tailMap(clock / MINUTE - minutes).values().forEach(union::addAll);
        return union.size();
    }

    private static ViewEvent open(String account, long ts) {
        ViewEvent e = new ViewEvent();
        e.view = View.MONITOR;
        e.eventType = EventType.TRANSACTION_OPEN;
        e.txnId = "t-" + account + "-" + ts;
        e.ts = ts;
        e.account = account;
        return e;
    }

    private static ViewEvent withoutAccount(long ts) {
        ViewEvent e = open(null, ts);
        e.txnId = "t-none";
        return e;
    }
}
