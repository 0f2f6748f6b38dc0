package io.txinsight.job.metrics;

import static io.txinsight.job.metrics.MetricNames.*;

import io.txinsight.events.DeadLetter;
import io.txinsight.events.EventType;
import io.txinsight.events.OpenAttributes;
import io.txinsight.events.Rejection;
import io.txinsight.job.records.View;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import io.txinsight.job.sources.FetchHealth;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * What one view read: events by type, malformed records by reason, and (monitor view) records
 * sent to the dead-letter topic. Every series is registered up front at zero, so an alert on
 * {@code increase(txinsights_malformed[5m]) > 0} sees the first bad record too.
 */
public final class ReadMetrics {
    private final Map<EventType, Counter> events = new EnumMap<>(EventType.class);
    private final Map<String, Counter> malformed = new HashMap<>();
    private final MetricGroup byReason;
    private final MetricGroup viewGroup;
    private final Counter deadLettered;
    /** Per attribute and reason, bit for bit as {@link OpenAttributes#problemBits()}; monitor view only. */
    private final Counter[] attributeProblems;

    public ReadMetrics(MetricGroup operatorGroup, View view) {
        MetricGroup root = operatorGroup.addGroup(GROUP);
        MetricGroup viewGroup = root.addGroup(VIEW, view.label());
        for (EventType t : EventType.values()) {
            events.put(t, viewGroup.addGroup(EVENT_TYPE, t.wireName()).counter(EVENTS));
        }
        this.byReason = viewGroup;
        this.viewGroup = viewGroup;
        for (Rejection.Reason r : Rejection.Reason.values()) {
            malformedCounter(r.name());
        }
        malformedCounter(DeadLetter.DECODER_ERROR);
        this.deadLettered = view == View.MONITOR ? root.counter(DEAD_LETTERED) : null;
        this.attributeProblems = view == View.MONITOR ? attributeProblemCounters(root) : null;
    }

    private static Counter[] attributeProblemCounters(MetricGroup root) {
        List<String> names = OpenAttributes.ORDER;
        OpenAttributes.Reason[] reasons = OpenAttributes.Reason.values();
        Counter[] counters = new Counter[names.size() * reasons.length];
        for (int i = 0; i < names.size(); i++) {
            MetricGroup attribute = root.addGroup(ATTRIBUTE, names.get(i));
            for (OpenAttributes.Reason r : reasons) {
                counters[i * reasons.length + r.ordinal()] = attribute.addGroup(REASON, r.wireName()).counter(ATTRIBUTE_PROBLEMS);
            }
        }
        return counters;
    }

    /**
     * Counts what was wrong with an open's attributes ({@link OpenAttributes#problemBits()}). Only
     * the monitor view counts: both views read the same open.
     */
    public void attributeProblems(int bits) {
        if (attributeProblems == null || bits == 0) {
            return;
        }
        for (int b = 0; b < attributeProblems.length; b++) {
            if ((bits & (1 << b)) != 0) {
                attributeProblems[b].inc();
            }
        }
    }

    /**
     * Gauges of whether the view's input can be reached (docs/design.md §3: an outage is not
     * silence): per subtask, so {@code min by (view)} finds a reader cut off.
     */
    public void input(FetchHealth.Watch fetches) {
        viewGroup.gauge(INPUT_FETCH_AGE_MS, (Gauge<Long>) fetches::fetchAgeMs);
        viewGroup.gauge(INPUT_REACHABLE, (Gauge<Integer>) () -> fetches.reachable() ? 1 : 0);
    }

    public void event(EventType type) {
        events.get(type).inc();
    }

    /** A record that is not a valid event; {@code reason} is the dead letter's reason. */
    public void malformed(String reason) {
        malformedCounter(reason).inc();
    }

    private Counter malformedCounter(String reason) {
        // Reasons come from our own code (Rejection.Reason), a bounded set; lower case as labels go.
        String label = reason == null ? LabelValues.UNKNOWN : reason.toLowerCase(java.util.Locale.ROOT);
        return malformed.computeIfAbsent(label, r -> byReason.addGroup(REASON, r).counter(MALFORMED));
    }

    /** A dead letter handed to the dead-letter sink; only the monitor view writes them. */
    public void deadLettered() {
        if (deadLettered == null) {
            throw new IllegalStateException("only the monitor view writes dead letters");
        }
        deadLettered.inc();
    }
}
