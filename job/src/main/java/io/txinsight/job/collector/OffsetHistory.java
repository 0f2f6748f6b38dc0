package io.txinsight.job.collector;

import java.util.ArrayList;
import java.util.List;

/**
 * When one partition's high watermark passed which offset, as the collector saw it poll after
 * poll: what turns a lag in records into a lag in time without reading a single record. The
 * record at offset {@code o} was written before the first poll that saw the high watermark above
 * {@code o}, and after the poll before it; {@link #ageOfRecordAt} answers with the first of those
 * times, so it is a lower bound, short of the truth by at most the gap between two polls.
 *
 * <p>Memory is bounded: past {@link #MAX_SAMPLES} samples every other one is dropped, so the
 * resolution of old lags coarsens (5 s polls keep 5 s resolution for the last 85 min) while the
 * span covered keeps growing. A record older than the first poll reports the time since that
 * poll: the job cannot know how long it waited before the job started.
 */
public final class OffsetHistory {

    static final int MAX_SAMPLES = 1024;

    /** (time, high watermark) pairs, both strictly increasing. */
    private final List<long[]> samples = new ArrayList<>();

    /** Notes the high watermark seen at {@code nowMs}; only a rise is kept. */
    public void seen(long nowMs, long highWatermark) {
        if (!samples.isEmpty() && samples.get(samples.size() - 1)[1] >= highWatermark) {
            return;
        }
        samples.add(new long[] {nowMs, highWatermark});
        if (samples.size() > MAX_SAMPLES) {
            for (int i = samples.size() - 2; i > 0; i -= 2) {
                samples.remove(i);
            }
        }
    }

    /**
     * How long the record at {@code offset} has existed at {@code nowMs}, as a lower bound; 0 when
     * no poll has seen the high watermark above it (nothing is waiting there).
     */
    public long ageOfRecordAt(long offset, long nowMs) {
        for (long[] s : samples) {
            if (s[1] > offset) {
                return Math.max(0, nowMs - s[0]);
            }
        }
        return 0;
    }

    int size() {
        return samples.size();
    }
}
