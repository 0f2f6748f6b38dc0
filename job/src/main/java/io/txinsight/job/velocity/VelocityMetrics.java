package io.txinsight.job.velocity;

import io.txinsight.job.metrics.MetricNames;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * The velocity detector's counters, in the {@code txinsights} group of its operator, without
 * labels: the accounts are the interesting part, and they belong in the alerts, never in labels.
 */
public final class VelocityMetrics {
    private final Counter opens;
    private final Counter bursts;
    private final Counter late;
    private final Counter duplicates;

    public VelocityMetrics(MetricGroup operator) {
        MetricGroup group = operator.addGroup(MetricNames.GROUP);
        opens = group.counter(MetricNames.VELOCITY_OPENS);
        bursts = group.counter(MetricNames.VELOCITY_BURSTS);
        late = group.counter(MetricNames.VELOCITY_LATE);
        duplicates = group.counter(MetricNames.VELOCITY_DUPLICATES);
    }

    /** An open was judged (a resend of one held is not). */
    public void open(boolean wasLate) {
        opens.inc();
        if (wasLate) {
            late.inc();
        }
    }

    public void duplicate() {
        duplicates.inc();
    }

    public void burst() {
        bursts.inc();
    }
}
