package io.txinsight.replayer;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * How far behind schedule records were handed to Kafka, in a fixed-size histogram (microsecond
 * resolution, three significant digits), so percentiles cost constant memory however long the replay.
 * Safe to record from several threads.
 */
public final class ScheduleLag {

    private final ConcurrentHistogram micros = new ConcurrentHistogram(TimeUnit.HOURS.toMicros(1), 3);

    /** Records one lag; early (negative) counts as on time, beyond an hour as an hour. */
    public void record(long lagNanos) {
        long us = Math.max(0, lagNanos / 1_000);
        micros.recordValue(Math.min(us, micros.getHighestTrackableValue()));
    }

    public long count() {
        return micros.getTotalCount();
    }

    public double maxMillis() {
        return count() == 0 ? 0 : micros.getMaxValue() / 1000.0;
    }

    public double percentileMillis(double percentile) {
        return count() == 0 ? 0 : micros.getValueAtPercentile(percentile) / 1000.0;
    }

    public double meanMillis() {
        return count() == 0 ? 0 : micros.getMean() / 1000.0;
    }

    /** A copy of the raw histogram (microseconds), for reports. */
    public Histogram histogram() {
        return micros.copy();
    }
}
