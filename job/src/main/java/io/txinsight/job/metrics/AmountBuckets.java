package io.txinsight.job.metrics;

import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * The amounts of closed transactions exported the Prometheus way, like {@link LatencyBuckets}:
 * cumulative {@code <name>_bucket} counters with an {@code le} label, {@code <name>_count}, and
 * {@code <name>_sum} (a gauge: a sum of money is not a whole number). They add up across
 * subtasks, so {@code histogram_quantile} works job-wide.
 *
 * <p>The bounds are the 1-2-5 series of coins and banknotes, from 1 to 100,000 in the currency's
 * major unit: amounts spread over orders of magnitude (a coffee, a rent, a salary, a house
 * deposit), so the buckets are spaced by ratio rather than by difference, three a decade. Every
 * bucket is at most 2.5 times its lower neighbour, which bounds how far {@code histogram_quantile}
 * (interpolating inside a bucket) can be off; 17 series per type and currency keep the label set
 * small. Larger amounts are in {@code +Inf} and still in the sum. The same bounds for every
 * currency: a single scale keeps dashboards simple, and the common currencies' major units are of
 * the same order (a yen-like currency just lands a decade or two higher).
 *
 * <p>Amounts are signed as sent: a negative one (a reversal) falls in the lowest bucket and
 * lowers the sum.
 */
public final class AmountBuckets {

    /** Upper bounds in the currency's major unit; the last bucket, {@code +Inf}, is implicit. */
    public static final long[] BOUNDS = {
        1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000
    };

    /** The {@code le} label values. */
    public static final String[] LE = LatencyBuckets.leValues(BOUNDS);

    private final long[] perBucket = new long[BOUNDS.length + 1];
    private long count;
    private double sum;

    /** Registers the bucket, count and sum of {@code name} under {@code labelled}, {@code le} last. */
    public AmountBuckets(MetricGroup labelled, String name) {
        LatencyBuckets.registerBuckets(labelled, name, LE, perBucket);
        labelled.counter(name + "_count", new ComputedCounter(() -> count));
        labelled.gauge(name + "_sum", (Gauge<Double>) () -> sum);
    }

    public void observe(double amount) {
        if (Double.isNaN(amount)) {
            return;
        }
        perBucket[bucketOf(amount)]++;
        count++;
        sum += amount;
    }

    /** Amounts at or below the bound of bucket {@code i}. */
    long cumulative(int i) {
        return LatencyBuckets.cumulative(perBucket, i);
    }

    static int bucketOf(double amount) {
        // Exact at the bounds: rounding a decimal amount to a double is monotonic and the bounds
        // are whole numbers, so an amount at or below a bound never lands above it.
        for (int i = 0; i < BOUNDS.length; i++) {
            if (amount <= BOUNDS[i]) {
                return i;
            }
        }
        return BOUNDS.length;
    }
}
