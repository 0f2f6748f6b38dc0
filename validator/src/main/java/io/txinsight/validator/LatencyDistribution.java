package io.txinsight.validator;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * A distribution of millisecond durations in constant memory: HdrHistogram keeps three significant
 * digits, so a percentile is within 0.1% however many values were recorded. Min and max are exact.
 */
final class LatencyDistribution {

    private final Histogram histogram = new Histogram(3);
    private long min = Long.MAX_VALUE;
    private long max = Long.MIN_VALUE;
    private long negative;

    /** Records a duration; a negative one (close stamped before open) is only counted. */
    void record(long ms) {
        if (ms < 0) {
            negative++;
            return;
        }
        histogram.recordValue(ms);
        min = Math.min(min, ms);
        max = Math.max(max, ms);
    }

    long count() {
        return histogram.getTotalCount();
    }

    long negative() {
        return negative;
    }

    double mean() {
        return count() == 0 ? 0 : histogram.getMean();
    }

    long min() {
        return count() == 0 ? 0 : min;
    }

    long max() {
        return count() == 0 ? 0 : max;
    }

    /** The value at a percentile (0–100), never above the exact maximum. */
    long percentile(double p) {
        return count() == 0 ? 0 : Math.min(max, histogram.getValueAtPercentile(p));
    }

    /**
     * Counts per bin of {@code width} ms from 0; values at or past {@code bins * width} fall into
     * an overflow count, returned as the last element.
     */
    long[] bins(long width, int bins) {
        long[] counts = new long[bins + 1];
        for (HistogramIterationValue v : histogram.recordedValues()) {
            // The iterated value is the top of HdrHistogram's bucket; take its low end, clamped to the
            // exact range, so a bin edge is never crossed by rounding.
            long value = Math.max(min, Math.min(max, histogram.lowestEquivalentValue(v.getValueIteratedTo())));
            long bin = value / width;
            counts[bin >= bins ? bins : (int) bin] += v.getCountAtValueIteratedTo();
        }
        return counts;
    }
}
