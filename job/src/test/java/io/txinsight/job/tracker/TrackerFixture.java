package io.txinsight.job.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.events.Alert;
import io.txinsight.events.CloseStatus;
import io.txinsight.events.EventType;
import io.txinsight.events.Outcome;
import io.txinsight.job.records.View;
import io.txinsight.job.records.ViewEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;

/**
 * A tracker in an operator test harness, plus a pretend Kafka topic: each record made here gets
 * the next offset of its partition, and the same record can then be delivered through either view
 * (or both, or twice), the way the two consumers would see it.
 */
final class TrackerFixture implements AutoCloseable {
    static final String TOPIC = "payments";

    final RecordingMetrics.Factory metricsFactory = new RecordingMetrics.Factory();
    final KeyedTwoInputStreamOperatorTestHarness<String, ViewEvent, ViewEvent, Outcome> harness;
    private final Map<Integer, Long> nextOffset = new HashMap<>();

    TrackerFixture(TrackerSettings settings) throws Exception {
        this(settings, null);
    }

    TrackerFixture(TrackerSettings settings, OperatorSubtaskState restoreFrom) throws Exception {
        harness = new KeyedTwoInputStreamOperatorTestHarness<>(
                new MonitorClockedOperator(new TransactionTracker(settings, metricsFactory)),
                new TransactionTracker.ByTxnId(),
                new TransactionTracker.ByTxnId(),
                Types.STRING);
        harness.setup();
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
    }

    /** Short timings so that tests read like the design: stuck 10 s, grace 5 s, retention 100 s. */
    static TrackerSettings settings() {
        return TrackerSettings.DEFAULTS
                .withStuckTimeoutMs(10_000)
                .withAbortGraceMs(5_000)
                .withAbortRecheckMs(1_000)
                .withRetentionMs(100_000)
                .withOutlierFactor(4.0)
                .withOutlierWarmup(5);
    }

    // --- records on the pretend topic ---

    ViewEvent record(EventType type, String txn, long ts, String step, String txnType, CloseStatus status, int partition) {
        ViewEvent e = new ViewEvent();
        e.eventType = type;
        e.txnId = txn;
        e.ts = ts;
        e.step = step;
        e.txnType = txnType;
        e.status = status;
        e.topic = TOPIC;
        e.partition = partition;
        long offset = nextOffset.getOrDefault(partition, 0L);
        nextOffset.put(partition, offset + 1);
        e.offset = offset;
        e.seenAtMs = ts;
        return e;
    }

    ViewEvent open(String txn, long ts, String txnType) {
        return record(EventType.TRANSACTION_OPEN, txn, ts, null, txnType, null, 0);
    }

    /** An open with the financial attributes the statistics read. */
    ViewEvent open(String txn, long ts, String txnType, String amount, String currency) {
        ViewEvent e = open(txn, ts, txnType);
        e.amount = amount == null ? null : new java.math.BigDecimal(amount);
        e.currency = currency;
        e.account = "acc-" + txn;
        return e;
    }

    ViewEvent stepOpen(String txn, long ts, String step) {
        return record(EventType.STEP_OPEN, txn, ts, step, null, null, 0);
    }

    ViewEvent stepDone(String txn, long ts, String step) {
        return record(EventType.STEP_DONE, txn, ts, step, null, null, 0);
    }

    ViewEvent close(String txn, long ts, CloseStatus status) {
        return close(txn, ts, status, 0);
    }

    ViewEvent close(String txn, long ts, CloseStatus status, int partition) {
        return record(EventType.TRANSACTION_CLOSE, txn, ts, null, null, status, partition);
    }

    // --- delivery ---

    void monitor(ViewEvent... records) throws Exception {
        for (ViewEvent r : records) {
            ViewEvent e = copy(r, View.MONITOR, r.seenAtMs);
            harness.processElement1(e, e.ts);
        }
    }

    void committed(ViewEvent... records) throws Exception {
        for (ViewEvent r : records) {
            ViewEvent e = copy(r, View.COMMITTED, r.seenAtMs);
            harness.processElement2(e, e.ts);
        }
    }

    void monitorSeenAt(ViewEvent r, long seenAtMs) throws Exception {
        ViewEvent e = copy(r, View.MONITOR, seenAtMs);
        harness.processElement1(e, e.ts);
    }

    void committedSeenAt(ViewEvent r, long seenAtMs) throws Exception {
        ViewEvent e = copy(r, View.COMMITTED, seenAtMs);
        harness.processElement2(e, e.ts);
    }

    /** Advances the monitor view's watermark: the tracker's clock. */
    void clock(long ts) throws Exception {
        harness.processWatermark1(new Watermark(ts));
    }

    private static ViewEvent copy(ViewEvent r, View view, long seenAtMs) {
        ViewEvent e = new ViewEvent();
        e.view = view;
        e.eventType = r.eventType;
        e.txnId = new String(r.txnId); // each delivery decodes its own strings
        e.ts = r.ts;
        e.step = r.step == null ? null : new String(r.step);
        e.txnType = r.txnType == null ? null : new String(r.txnType);
        e.status = r.status;
        e.topic = new String(r.topic);
        e.partition = r.partition;
        e.offset = r.offset;
        e.seenAtMs = seenAtMs;
        e.account = r.account == null ? null : new String(r.account);
        e.amount = r.amount;
        e.currency = r.currency == null ? null : new String(r.currency);
        return e;
    }

    // --- what came out ---

    List<Outcome> outcomes() {
        return harness.extractOutputValues();
    }

    Outcome onlyOutcome() {
        List<Outcome> all = outcomes();
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    List<Alert> alerts() {
        return harness.getSideOutput(TransactionTracker.ALERTS) == null
                ? List.of()
                : harness.getSideOutput(TransactionTracker.ALERTS).stream()
                        .map(r -> r.getValue())
                        .collect(Collectors.toList());
    }

    RecordingMetrics metrics() {
        assertThat(metricsFactory.last).as("metrics created at open").isNotNull();
        return metricsFactory.last;
    }

    LiveCounts live() {
        return metrics().live;
    }

    void assertNothingLeft() {
        assertThat(harness.numKeyedStateEntries()).as("keyed state entries left").isZero();
        assertThat(harness.numEventTimeTimers()).as("event-time timers left").isZero();
        assertThat(live().openNow()).as("openNow").isZero();
        assertThat(live().tentativelyClosedNow()).as("tentativelyClosedNow").isZero();
        assertThat(live().stuckNow()).as("stuckNow").isZero();
    }

    @Override
    public void close() throws Exception {
        harness.close();
    }
}
