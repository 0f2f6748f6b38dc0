package io.txinsight.job.velocity;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.events.EventType;
import io.txinsight.events.VelocityAlert;
import io.txinsight.job.records.View;
import io.txinsight.job.records.ViewEvent;
import io.txinsight.job.velocity.rule.VelocitySettings;
import java.math.BigDecimal;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The detector in an operator harness with the default rule (more than 5 opens within 3 s): one
 * alert per burst, and an account idle past the window leaves no keyed state and no timer.
 */
class VelocityDetectorTest {

    @Test
    void aBurstIsOneAlertAndTheAccountsLeaveNoStateAndNoTimer() throws Exception {
        try (var harness = harness(null)) {
            for (int i = 0; i < 7; i++) {
                harness.processElement(open("T" + i, "acc-1", 1_000 + i * 100L), 1_000 + i * 100L);
            }
            harness.processElement(open("Q1", "acc-2", 1_200), 1_200);
            assertThat(harness.numKeyedStateEntries()).isEqualTo(2);
            assertThat(harness.numEventTimeTimers()).as("one timer per account").isEqualTo(2);

            harness.processWatermark(new Watermark(4_599));
            assertThat(alerts(harness)).as("a burst ends a window after its last open").isEmpty();
            harness.processWatermark(new Watermark(4_600));

            assertThat(alerts(harness)).singleElement().satisfies(a -> {
                assertThat(a.account()).isEqualTo("acc-1");
                assertThat(a.count()).isEqualTo(7);
                assertThat(a.amount()).isEqualByComparingTo("70.00");
                assertThat(a.raisedAtMs()).isEqualTo(4_600);
            });
            assertThat(harness.numKeyedStateEntries()).as("no keyed state left").isZero();
            assertThat(harness.numEventTimeTimers()).as("no timer left").isZero();
        }
    }

    @Test
    void aResentOpenIsCountedOnceAndALateOneJudgedAtOnce() throws Exception {
        try (var harness = harness(null)) {
            for (int i = 0; i < 5; i++) {
                harness.processElement(open("T" + i, "acc-1", 1_000 + i), 1_000 + i);
                harness.processElement(open("T" + i, "acc-1", 1_000 + i), 1_000 + i);
            }
            harness.processWatermark(new Watermark(2_000));
            harness.processElement(open("LATE", "acc-1", 1_900), 1_900);
            harness.processWatermark(new Watermark(10_000));

            assertThat(alerts(harness)).singleElement().satisfies(a -> assertThat(a.count()).isEqualTo(6));
            assertThat(harness.numKeyedStateEntries()).isZero();
            assertThat(harness.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aBurstSurvivesARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var harness = harness(null)) {
            for (int i = 0; i < 6; i++) {
                harness.processElement(open("T" + i, "acc-1", 1_000 + i * 100L), 1_000 + i * 100L);
            }
            harness.processWatermark(new Watermark(2_000)); // the burst is found, not over
            snapshot = harness.snapshot(1, 2_000);
        }
        try (var restored = harness(snapshot)) {
            restored.processWatermark(new Watermark(10_000));
            assertThat(alerts(restored)).singleElement().satisfies(a -> {
                assertThat(a.count()).isEqualTo(6);
                assertThat(a.txnIds()).containsExactly("T0", "T1", "T2", "T3", "T4", "T5");
            });
            assertThat(restored.numKeyedStateEntries()).isZero();
            assertThat(restored.numEventTimeTimers()).isZero();
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, ViewEvent, VelocityAlert> harness(
            OperatorSubtaskState restoreFrom) throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new VelocityDetector(VelocitySettings.DEFAULTS)),
                new VelocityDetector.ByAccount(),
                Types.STRING);
        harness.setup();
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
        return harness;
    }

    private static ViewEvent open(String txnId, String account, long ts) {
        ViewEvent e = new ViewEvent();
        e.view = View.MONITOR;
        e.eventType = EventType.TRANSACTION_OPEN;
        e.txnId = txnId;
        e.ts = ts;
        e.txnType = "payment";
        e.account = account;
        e.amount = new BigDecimal("10.00");
        return e;
    }

    private static List<VelocityAlert> alerts(KeyedOneInputStreamOperatorTestHarness<String, ViewEvent, VelocityAlert> h) {
        return h.extractOutputValues();
    }
}
