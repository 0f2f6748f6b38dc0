package io.txinsight.job.metrics;

import static io.txinsight.job.metrics.MetricNames.*;

import io.txinsight.events.DeadLetter;
import io.txinsight.events.EventType;
import io.txinsight.events.Rejection;
import io.txinsight.job.records.View;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
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
    private final Counter deadLettered;

    public ReadMetrics(MetricGroup operatorGroup, View view) {
        MetricGroup root = operatorGroup.addGroup(GROUP);
        MetricGroup viewGroup = root.addGroup(VIEW, view.label());
        for (EventType t : EventType.values()) {
            events.put(t, viewGroup.addGroup(EVENT_TYPE, t.wireName()).counter(EVENTS));
        }
        this.byReason = viewGroup;
        for (Rejection.Reason r : Rejection.Reason.values()) {
            malformedCounter(r.name());
        }
        malformedCounter(DeadLetter.DECODER_ERROR);
        this.deadLettered = view == View.MONITOR ? root.counter(DEAD_LETTERED) : null;
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
