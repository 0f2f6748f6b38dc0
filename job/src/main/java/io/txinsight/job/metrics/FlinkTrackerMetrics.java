package io.txinsight.job.metrics;

import static io.txinsight.job.metrics.MetricNames.*;

import io.txinsight.events.CloseStatus;
import io.txinsight.job.records.View;
import io.txinsight.job.tracker.LiveCounts;
import io.txinsight.job.tracker.TrackerMetrics;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * The tracker's figures as Flink metrics in the {@value MetricNames#GROUP} group of its operator.
 *
 * <p>Metrics of a transaction type are registered the first time the type is seen, so the series
 * that exist are the ones that carry information. Label values are capped
 * ({@link MetricNames#TXN_TYPE_CAP}, {@link MetricNames#STEP_CAP}, {@link MetricNames#CURRENCY_CAP}) and never hold a txn_id.
 * Called from the tracker's task thread only; the reporter reads the counters from its own thread
 * as it does for Flink's own counters.
 */
public final class FlinkTrackerMetrics implements TrackerMetrics {

    /** What the job passes to the tracker. */
    public static TrackerMetrics.Factory factory() {
        return FlinkTrackerMetrics::new;
    }

    private final MetricGroup root;
    private final LabelValues txnTypes = new LabelValues(TXN_TYPE_CAP);
    private final LabelValues steps = new LabelValues(STEP_CAP);
    private final LabelValues currencies = new LabelValues(CURRENCY_CAP);
    private final Map<String, TypeMetrics> byType = new HashMap<>();
    private final Map<View, Counter> late = new EnumMap<>(View.class);
    private final Map<View, Counter> duplicates = new EnumMap<>(View.class);

    public FlinkTrackerMetrics(MetricGroup operatorGroup, LiveCounts counts) {
        this.root = operatorGroup.addGroup(GROUP);
        for (View v : View.values()) {
            MetricGroup view = root.addGroup(VIEW, v.label());
            late.put(v, view.counter(LATE));
            duplicates.put(v, view.counter(DUPLICATES));
        }
        root.gauge(OPEN_NOW, (Gauge<Long>) counts::openNow);
        root.gauge(TENTATIVELY_CLOSED_NOW, (Gauge<Long>) counts::tentativelyClosedNow);
        root.gauge(STUCK_NOW, (Gauge<Long>) counts::stuckNow);
        root.gauge(HELD_BACK_NOW, (Gauge<Long>) counts::heldBackNow);
        root.gauge(OLDEST_OPEN_AGE_MS, (Gauge<Long>) counts::oldestOpenAgeMs);
        root.gauge(COMMITTED_VIEW_LAG_MS, (Gauge<Long>) counts::committedViewLagMs);
    }

    @Override
    public void opened(String txnType) {
        type(txnType).opened().inc();
    }

    @Override
    public void tentativelyClosed(String txnType) {
        type(txnType).tentativelyClosed().inc();
    }

    @Override
    public void closed(String txnType, CloseStatus status) {
        type(txnType).closed(status).inc();
    }

    @Override
    public void aborted(String txnType) {
        type(txnType).counter(ABORTED).inc();
    }

    @Override
    public void stuck(String txnType) {
        type(txnType).counter(STUCK).inc();
    }

    @Override
    public void recovered(String txnType) {
        type(txnType).counter(RECOVERED).inc();
    }

    @Override
    public void expired(String txnType) {
        type(txnType).counter(EXPIRED).inc();
    }

    @Override
    public void outlier(String txnType) {
        type(txnType).counter(OUTLIERS).inc();
    }

    @Override
    public void late(View view) {
        if (view != null) {
            late.get(view).inc();
        }
    }

    @Override
    public void duplicate(View view) {
        if (view != null) {
            duplicates.get(view).inc();
        }
    }

    @Override
    public void tentativeDuration(String txnType, long ms) {
        type(txnType).distribution(TENTATIVE_DURATION).observe(ms);
    }

    @Override
    public void committedDuration(String txnType, long ms) {
        type(txnType).distribution(DURATION).observe(ms);
    }

    @Override
    public void commitLatency(String txnType, long ms) {
        type(txnType).distribution(COMMIT_LATENCY).observe(ms);
    }

    @Override
    public void stepDuration(String txnType, String step, long ms) {
        type(txnType).step(steps.of(step)).observe(ms);
    }

    @Override
    public void interStepGap(String txnType, long ms) {
        type(txnType).distribution(INTER_STEP_GAP).observe(ms);
    }

    @Override
    public void closedAmount(String txnType, String currency, double amount) {
        type(txnType).amount(currencies.of(currency)).observe(amount);
    }

    private TypeMetrics type(String txnType) {
        String label = txnTypes.of(txnType);
        TypeMetrics m = byType.get(label);
        if (m == null) {
            m = new TypeMetrics(root.addGroup(TXN_TYPE, label));
            byType.put(label, m);
        }
        return m;
    }

    /** The metrics of one txn_type label value, each registered on first use. */
    private static final class TypeMetrics {
        private final MetricGroup group;
        private final Map<String, Counter> counters = new HashMap<>();
        private final Map<String, LatencyBuckets> distributions = new HashMap<>();
        private final Map<String, Counter> closedByStatus = new HashMap<>();
        private final Map<String, LatencyBuckets> stepDurations = new HashMap<>();
        private final Map<String, AmountBuckets> amounts = new HashMap<>();
        private Counter opened;
        private Counter tentativelyClosed;

        TypeMetrics(MetricGroup group) {
            this.group = group;
        }

        // The two most frequent counters skip the map.
        Counter opened() {
            if (opened == null) {
                opened = counter(OPENED);
            }
            return opened;
        }

        Counter tentativelyClosed() {
            if (tentativelyClosed == null) {
                tentativelyClosed = counter(TENTATIVELY_CLOSED);
            }
            return tentativelyClosed;
        }

        Counter counter(String name) {
            return counters.computeIfAbsent(name, group::counter);
        }

        Counter closed(CloseStatus status) {
            String label = status == null ? LabelValues.UNKNOWN : status.wireName();
            return closedByStatus.computeIfAbsent(label, s -> group.addGroup(STATUS, s).counter(CLOSED));
        }

        LatencyBuckets distribution(String name) {
            return distributions.computeIfAbsent(name, n -> new LatencyBuckets(group, n));
        }

        LatencyBuckets step(String stepLabel) {
            return stepDurations.computeIfAbsent(
                    stepLabel, s -> new LatencyBuckets(group.addGroup(STEP, s), STEP_DURATION));
        }

        AmountBuckets amount(String currencyLabel) {
            return amounts.computeIfAbsent(currencyLabel, c -> new AmountBuckets(group.addGroup(CURRENCY, c), AMOUNT));
        }
    }
}
