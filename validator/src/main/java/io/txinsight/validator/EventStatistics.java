package io.txinsight.validator;

import io.txinsight.events.BusinessEvent;
import io.txinsight.events.CloseStatus;
import io.txinsight.events.EventType;
import io.txinsight.events.ScenarioRecord;
import io.txinsight.events.TxnFate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Statistics of an events file, gathered in one pass over its records in publishing order.
 *
 * <p>Memory: distributions are HdrHistograms (constant size); only transactions still in flight
 * are kept whole. A transaction is summed up and dropped once the file has moved {@link
 * #SETTLE_MS} past its close, which leaves room for steps that arrive after the close (normal
 * disorder). What remains per finished transaction is its id, to recognise an event that arrives
 * later still.
 *
 * <p>What a transaction's outcome is, seen from the file alone: closed (success or failed) when
 * its close is in a committed Kafka transaction or in none; aborted when its close only ever went
 * out in Kafka transactions that abort (or hang, then abort); never closed otherwise. Durations
 * count closed transactions only; steps and gaps count every event the producers sent.
 */
final class EventStatistics {

    /** How long after a close (publishing time) a transaction's late steps are still counted. */
    static final long SETTLE_MS = 60_000;

    /** Type of a transaction whose open never names one. */
    static final String UNKNOWN_TYPE = "(unknown)";

    /** Bounds on distinct names, so a file with junk names cannot blow up the report. */
    static final int MAX_TYPES = 100;
    static final int MAX_STEPS = 200;
    static final String OTHER = "(other)";

    /** The outcome of a transaction as the file shows it. */
    enum FileOutcome {
        SUCCESS("closed success"),
        FAILED("closed failed"),
        ABORTED("aborted (Kafka txn)"),
        NEVER_CLOSED("never closed");

        final String label;

        FileOutcome(String label) {
            this.label = label;
        }
    }

    private static final long NONE = Long.MIN_VALUE;

    private static final class StepSpan {
        final String name;
        long openTs = NONE;
        long doneTs = NONE;

        StepSpan(String name) {
            this.name = name;
        }
    }

    private static final class Track {
        final String txnId;
        String type;
        long openTs = NONE;
        long closeTs = NONE;
        CloseStatus status;
        boolean closeSeen;
        boolean closeVisible;
        List<StepSpan> steps;

        Track(String txnId) {
            this.txnId = txnId;
        }
    }

    private record Settling(Track track, long closeAtMs) {}

    private final Map<String, Track> inFlight = new HashMap<>();
    private final Set<String> finished = new HashSet<>();
    private final ArrayDeque<Settling> settling = new ArrayDeque<>();

    private final LatencyDistribution durations = new LatencyDistribution();
    private final Map<String, LatencyDistribution> durationsByType = new LinkedHashMap<>();
    private final Map<String, LatencyDistribution> stepDurations = new LinkedHashMap<>();
    private final LatencyDistribution gaps = new LatencyDistribution();
    private final Map<String, long[]> outcomesByType = new LinkedHashMap<>();
    private final Map<String, String> names = new HashMap<>();
    private final EventRate rate = new EventRate();
    private final Map<String, Long> byEventType = new LinkedHashMap<>();
    private final Map<String, Long> byTopic = new LinkedHashMap<>();
    private final Map<TxnFate, Long> byFate = new EnumMap<>(TxnFate.class);

    private long records;
    private long events;
    private long malformed;
    private long duplicates;
    private long lateEvents;
    private long overlappingSteps;
    private long firstTs = Long.MAX_VALUE;
    private long lastTs = Long.MIN_VALUE;
    private long lastAtMs;
    private boolean finishedReading;

    void accept(ScenarioRecord record) {
        records++;
        lastAtMs = record.atMs();
        // Settle first: an event past its transaction's settling time is late, not part of it.
        settle(record.atMs());
        byTopic.merge(record.topic(), 1L, Long::sum);
        if (record.txn() != null) {
            byFate.merge(record.txn().fate(), 1L, Long::sum);
        }
        if (record.event() == null) {
            malformed++;
            rate.add(record.atMs(), EventRate.Kind.MALFORMED);
            return;
        }
        boolean visible = record.txn() == null || record.txn().fate() == TxnFate.COMMIT;
        rate.add(record.atMs(), visible ? EventRate.Kind.VISIBLE : EventRate.Kind.HIDDEN);
        events++;
        BusinessEvent e = record.event();
        byEventType.merge(e.eventType().wireName(), 1L, Long::sum);
        firstTs = Math.min(firstTs, e.ts());
        lastTs = Math.max(lastTs, e.ts());

        Track t = inFlight.get(e.txnId());
        if (t == null) {
            if (finished.contains(e.txnId())) {
                lateEvents++;
                return;
            }
            t = new Track(e.txnId());
            inFlight.put(e.txnId(), t);
        }
        if (t.type == null && e.txnType() != null) {
            t.type = name(e.txnType(), durationsByType.size() >= MAX_TYPES && !durationsByType.containsKey(e.txnType()));
        }
        switch (e.eventType()) {
            case TRANSACTION_OPEN:
                if (t.openTs != NONE) {
                    duplicates++;
                } else {
                    t.openTs = e.ts();
                }
                break;
            case STEP_OPEN:
            case STEP_DONE:
                step(t, e);
                break;
            case TRANSACTION_CLOSE:
                if (!t.closeSeen || (!t.closeVisible && visible)) {
                    if (!t.closeSeen) {
                        settling.add(new Settling(t, record.atMs()));
                    }
                    t.closeSeen = true;
                    t.closeVisible = visible;
                    t.closeTs = e.ts();
                    t.status = e.status();
                } else {
                    duplicates++;
                }
                break;
            default:
                break;
        }
    }

    /** Sums up every transaction still held; call once, after the last record. */
    void finish() {
        if (finishedReading) {
            return;
        }
        finishedReading = true;
        for (Settling s : settling) {
            sumUp(s.track());
        }
        settling.clear();
        for (Track t : inFlight.values()) {
            if (!t.closeSeen) {
                sumUp(t);
            }
        }
        inFlight.clear();
    }

    private void step(Track t, BusinessEvent e) {
        String stepName = e.step() == null ? "(unnamed)" : e.step();
        if (t.steps == null) {
            t.steps = new ArrayList<>(4);
        }
        StepSpan span = null;
        for (StepSpan s : t.steps) {
            if (s.name.equals(stepName)) {
                span = s;
                break;
            }
        }
        if (span == null) {
            span = new StepSpan(name(stepName, stepDurations.size() >= MAX_STEPS && !stepDurations.containsKey(stepName)));
            t.steps.add(span);
        }
        boolean open = e.eventType() == EventType.STEP_OPEN;
        if ((open ? span.openTs : span.doneTs) != NONE) {
            duplicates++;
            return;
        }
        if (open) {
            span.openTs = e.ts();
        } else {
            span.doneTs = e.ts();
        }
        if (span.openTs != NONE && span.doneTs != NONE) {
            stepDurations.computeIfAbsent(span.name, n -> new LatencyDistribution()).record(span.doneTs - span.openTs);
        }
    }

    private void settle(long nowAtMs) {
        while (!settling.isEmpty() && settling.peekFirst().closeAtMs() + SETTLE_MS < nowAtMs) {
            Track t = settling.pollFirst().track();
            sumUp(t);
            inFlight.remove(t.txnId);
            finished.add(t.txnId);
        }
    }

    private void sumUp(Track t) {
        String type = t.type == null ? UNKNOWN_TYPE : t.type;
        FileOutcome outcome;
        if (t.closeSeen && t.closeVisible) {
            outcome = t.status == CloseStatus.FAILED ? FileOutcome.FAILED : FileOutcome.SUCCESS;
        } else if (t.closeSeen) {
            outcome = FileOutcome.ABORTED;
        } else {
            outcome = FileOutcome.NEVER_CLOSED;
        }
        outcomesByType.computeIfAbsent(type, k -> new long[FileOutcome.values().length])[outcome.ordinal()]++;
        LatencyDistribution ofType = durationsByType.computeIfAbsent(type, k -> new LatencyDistribution());
        if (t.closeVisible && t.openTs != NONE) {
            durations.record(t.closeTs - t.openTs);
            ofType.record(t.closeTs - t.openTs);
        }
        if (t.steps != null && t.steps.size() > 1) {
            List<StepSpan> done = new ArrayList<>(t.steps.size());
            for (StepSpan s : t.steps) {
                if (s.openTs != NONE && s.doneTs != NONE) {
                    done.add(s);
                }
            }
            done.sort(Comparator.comparingLong(s -> s.openTs));
            for (int i = 1; i < done.size(); i++) {
                long gap = done.get(i).openTs - done.get(i - 1).doneTs;
                if (gap < 0) {
                    overlappingSteps++;
                } else {
                    gaps.record(gap);
                }
            }
        }
    }

    /** One shared String per distinct name; past the cap, new names fold into {@link #OTHER}. */
    private String name(String value, boolean overCap) {
        String key = overCap ? OTHER : value;
        return names.computeIfAbsent(key, k -> k);
    }

    long records() {
        return records;
    }

    long events() {
        return events;
    }

    long malformed() {
        return malformed;
    }

    long duplicates() {
        return duplicates;
    }

    long lateEvents() {
        return lateEvents;
    }

    long overlappingSteps() {
        return overlappingSteps;
    }

    long transactions() {
        return outcomesByType.values().stream().mapToLong(c -> {
            long sum = 0;
            for (long n : c) {
                sum += n;
            }
            return sum;
        }).sum();
    }

    long outcomes(FileOutcome outcome) {
        return outcomesByType.values().stream().mapToLong(c -> c[outcome.ordinal()]).sum();
    }

    /** Type → count per {@link FileOutcome} ordinal, types by number of transactions, most first. */
    Map<String, long[]> outcomesByType() {
        Map<String, long[]> sorted = new LinkedHashMap<>();
        outcomesByType.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, long[]> en) -> -sum(en.getValue()))
                        .thenComparing(Map.Entry::getKey))
                .forEach(en -> sorted.put(en.getKey(), en.getValue()));
        return sorted;
    }

    LatencyDistribution durations() {
        return durations;
    }

    /** Type → durations, in the order of {@link #outcomesByType()}. */
    Map<String, LatencyDistribution> durationsByType() {
        Map<String, LatencyDistribution> sorted = new LinkedHashMap<>();
        outcomesByType().keySet().forEach(type -> sorted.put(type, durationsByType.get(type)));
        return sorted;
    }

    /** Step → durations, most frequent first. */
    Map<String, LatencyDistribution> stepDurations() {
        Map<String, LatencyDistribution> sorted = new LinkedHashMap<>();
        stepDurations.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, LatencyDistribution> en) -> -en.getValue().count())
                        .thenComparing(Map.Entry::getKey))
                .forEach(en -> sorted.put(en.getKey(), en.getValue()));
        return sorted;
    }

    LatencyDistribution gaps() {
        return gaps;
    }

    EventRate rate() {
        return rate;
    }

    Map<String, Long> byEventType() {
        return byEventType;
    }

    Map<String, Long> byTopic() {
        return byTopic;
    }

    Map<TxnFate, Long> byFate() {
        return byFate;
    }

    /** Event time of the earliest and latest business event, or null when there were none. */
    long[] eventTimeSpan() {
        return events == 0 ? null : new long[] {firstTs, lastTs};
    }

    long lastAtMs() {
        return lastAtMs;
    }

    private static long sum(long[] counts) {
        long s = 0;
        for (long n : counts) {
            s += n;
        }
        return s;
    }
}
