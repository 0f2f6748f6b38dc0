package io.txinsight.job.stats;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;

/**
 * Distinct accounts per event-time minute, one Apache DataSketches HLL sketch a minute, and the
 * distinct count of any run of recent minutes as the union of theirs. Flink-free; {@link
 * ActiveAccountsOperator} is its adapter.
 *
 * <p>Why a sketch: an exact count needs every account id of the window in memory (a million
 * accounts is tens of megabytes, checkpointed); a sketch of {@code 2^}{@value #LG_K} buckets is at
 * most 4 KB whatever the number of accounts, and sketches of different minutes merge without
 * loss of accuracy, which is what a sliding window of minutes needs. Why HLL rather than CPC:
 * CPC is a third smaller serialized at the same error but slower to update, and at 4 KB a minute
 * size does not matter; HLL's error is the better known.
 *
 * <p><b>Error.</b> Relative standard error 1.04 / sqrt(2^{@value #LG_K}) = 1.63% for a union (the
 * estimate the gauges show), so within 3.3% 95% of the time and within {@value #BOUND_3_SIGMA}
 * (three standard errors) 99.7% of the time. Below about 3/4 * 2^{@value #LG_K} / 4 distinct
 * accounts the sketch is still in its list or set mode and practically exact.
 *
 * <p><b>Bounded.</b> Minutes older than {@link #HORIZON_MINUTES} before the clock are dropped, and
 * so are events more than {@link #FUTURE_MINUTES} ahead of it (a producer's clock gone wrong must
 * not make state grow): at most 31 sketches of 4 KB.
 */
public final class MinuteSketches {
    /** log2 of the number of HLL buckets: 4,096 buckets, 4 KB per sketch at HLL_8. */
    public static final int LG_K = 12;
    /** The relative standard error of a union's estimate at {@link #LG_K}: 1.04 / sqrt(2^LG_K). */
    public static final double RELATIVE_STANDARD_ERROR = 1.04 / Math.sqrt(1 << LG_K);
    /** Three standard errors: the bound the tests hold the estimate to. */
    public static final double BOUND_3_SIGMA = 3 * RELATIVE_STANDARD_ERROR;
    public static final long MINUTE_MS = 60_000;
    /** Whole minutes before the current one that are kept: the longest window. */
    public static final int HORIZON_MINUTES = 15;
    /** How far ahead of the clock an event still counts (ahead of the watermark is normal). */
    public static final int FUTURE_MINUTES = 15;

    private final TreeMap<Long, HllSketch> byMinute = new TreeMap<>();

    /** Counts {@code account} as active in the minute of {@code ts}, unless too old or too far ahead of {@code clockMs}. */
    public boolean add(long ts, String account, long clockMs) {
        long minute = Math.floorDiv(ts, MINUTE_MS);
        if (clockMs != Long.MIN_VALUE) {
            long now = Math.floorDiv(clockMs, MINUTE_MS);
            if (minute < now - HORIZON_MINUTES || minute > now + FUTURE_MINUTES) {
                return false;
            }
        }
        byMinute.computeIfAbsent(minute, m -> new HllSketch(LG_K, TgtHllType.HLL_8)).update(account);
        return true;
    }

    /**
     * Drops the minutes no window reaches any more, and any too far ahead of the clock (counted
     * before the first clock, which is when no such bound could apply yet).
     */
    public void advanceTo(long clockMs) {
        long now = Math.floorDiv(clockMs, MINUTE_MS);
        byMinute.headMap(now - HORIZON_MINUTES).clear();
        byMinute.tailMap(now + FUTURE_MINUTES, false).clear();
    }

    /**
     * Distinct accounts in the minute of {@code clockMs} so far (and any ahead of it), plus the
     * {@code minutes} whole minutes before it: the window "last {@code minutes} minutes" covers
     * between {@code minutes} and {@code minutes + 1} minutes, never less.
     */
    public long estimate(long clockMs, int minutes) {
        long from = Math.floorDiv(clockMs, MINUTE_MS) - minutes;
        Union union = new Union(LG_K);
        for (HllSketch s : byMinute.tailMap(from).values()) {
            union.update(s);
        }
        return Math.round(union.getEstimate());
    }

    public int minutes() {
        return byMinute.size();
    }

    /** One entry per minute: the minute (8 bytes) and its compact sketch; for operator state. */
    public List<byte[]> encode() {
        List<byte[]> out = new ArrayList<>(byMinute.size());
        for (Map.Entry<Long, HllSketch> e : byMinute.entrySet()) {
            byte[] sketch = e.getValue().toCompactByteArray();
            out.add(ByteBuffer.allocate(Long.BYTES + sketch.length).putLong(e.getKey()).put(sketch).array());
        }
        return out;
    }

    /** What {@link #encode()} wrote, merged into this (a minute present twice is unioned). */
    public void restore(Iterable<byte[]> entries) {
        for (byte[] entry : entries) {
            ByteBuffer b = ByteBuffer.wrap(entry);
            long minute = b.getLong();
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            HllSketch restored = HllSketch.heapify(bytes);
            HllSketch held = byMinute.get(minute);
            if (held == null) {
                byMinute.put(minute, restored);
            } else {
                Union u = new Union(LG_K);
                u.update(held);
                u.update(restored);
                byMinute.put(minute, u.getResult(TgtHllType.HLL_8));
            }
        }
    }
}
