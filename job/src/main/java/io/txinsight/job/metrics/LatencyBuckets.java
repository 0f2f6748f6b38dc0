package io.txinsight.job.metrics;

import org.apache.flink.metrics.MetricGroup;

/**
 * A latency distribution exported the Prometheus way: one cumulative counter per upper bound
 * ({@code <name>_bucket} with an {@code le} label), plus {@code <name>_count} and {@code <name>_sum}.
 *
 * <p>Why not a Flink {@code Histogram}: Flink exports it as a per-subtask summary whose quantiles
 * cannot be combined across subtasks. Bucket counters add up, so {@code histogram_quantile(0.99,
 * sum by (le) (rate(txinsights_duration_ms_bucket[5m])))} is a job-wide p99 (docs/design.md §5).
 *
 * <p>Observations below 0 (clock skew between producers) count as 0 so that {@code _sum} never
 * goes down.
 */
public final class LatencyBuckets {

    /** Upper bounds in ms; the last bucket, {@code +Inf}, is implicit. */
    public static final long[] BOUNDS_MS = {
        5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 120_000, 300_000
    };

    /** The {@code le} label values, exactly as Prometheus client libraries write them. */
    public static final String[] LE = leValues(BOUNDS_MS);

    public static final String LE_KEY = "le";

    private final long[] perBucket = new long[BOUNDS_MS.length + 1];
    private long count;
    private long sum;

    /**
     * Registers the bucket, count and sum counters of {@code name} under {@code labelled}; the
     * {@code le} group goes last so the raw name reads {@code ..._<labels>_le_<name>_bucket}.
     */
    public LatencyBuckets(MetricGroup labelled, String name) {
        registerBuckets(labelled, name, LE, perBucket);
        labelled.counter(name + "_count", new ComputedCounter(() -> count));
        labelled.counter(name + "_sum", new ComputedCounter(() -> sum));
    }

    public void observe(long ms) {
        long v = Math.max(0, ms);
        perBucket[bucketOf(v)]++;
        count++;
        sum += v;
    }

    /** Observations at or below the bound of bucket {@code i}. */
    long cumulative(int i) {
        return cumulative(perBucket, i);
    }

    /** One cumulative {@code <name>_bucket} counter per {@code le} value, over {@code perBucket}. */
    static void registerBuckets(MetricGroup labelled, String name, String[] le, long[] perBucket) {
        for (int i = 0; i < le.length; i++) {
            int upTo = i;
            labelled.addGroup(LE_KEY, le[i]).counter(name + "_bucket", new ComputedCounter(() -> cumulative(perBucket, upTo)));
        }
    }

    /** The sum of {@code perBucket[0..i]}: a cumulative bucket counter's value. */
    static long cumulative(long[] perBucket, int i) {
        long c = 0;
        for (int b = 0; b <= i; b++) {
            c += perBucket[b];
        }
        return c;
    }

    long count() {
        return count;
    }

    long sum() {
        return sum;
    }

    static int bucketOf(long v) {
        for (int i = 0; i < BOUNDS_MS.length; i++) {
            if (v <= BOUNDS_MS[i]) {
                return i;
            }
        }
        return BOUNDS_MS.length;
    }

    /** The {@code le} label values of {@code bounds}, then {@code +Inf}, as Prometheus clients write them. */
    static String[] leValues(long[] bounds) {
        String[] le = new String[bounds.length + 1];
        for (int i = 0; i < bounds.length; i++) {
            le[i] = Long.toString(bounds[i]);
        }
        le[bounds.length] = "+Inf";
        return le;
    }
}
