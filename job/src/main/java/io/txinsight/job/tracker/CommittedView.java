package io.txinsight.job.tracker;

import io.txinsight.job.tracker.lifecycle.Evidence;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * How far the committed (read_committed) view has got, learned from the committed records this
 * subtask has processed: the highest offset per topic-partition, and the latest event time.
 *
 * <p>Why as data and not as a watermark (docs/design.md §3): a hanging Kafka transaction pins the last
 * stable offset, and from inside a read_committed consumer such a partition looks exactly like an
 * idle one. As a watermark that either holds back every timer (stuck detection stops) or, marked
 * idle, silently hands the clock to the monitor view. As data it answers the one question the
 * Aborted verdict needs, with evidence instead of elapsed time:
 *
 * <p><b>The evidence rule.</b> One source reader reads a partition in offset order and sends its
 * records to this subtask over one FIFO channel; the close of a transaction keyed here travels on
 * that channel too. So if this subtask has processed a committed record of the close's partition
 * with an offset beyond the close's offset, and the committed copy of the close has not arrived,
 * the close was never committed: its Kafka transaction aborted. Without such a record nothing can
 * be concluded, however much time passes (the transaction may be hanging, or the committed view
 * merely slow), and the transaction stays tentatively closed while the lag gauge shows why.
 *
 * <p>Only records processed by this subtask count (channels are FIFO one by one, not across
 * subtasks). With many subtasks and a quiet partition, evidence for a transaction here needs a
 * later committed record of that partition whose key also hashes here, which may never come; then
 * the tracker asks Kafka itself ({@link RollbackProbe}).
 *
 * <p>Not checkpointed: after a restore it is re-learned from the committed records that follow.
 * That can only delay an Aborted verdict, never produce a wrong one.
 */
final class CommittedView implements Evidence {
    private static final long[] NONE = new long[0];

    private final Map<String, long[]> highestOffsets = new HashMap<>();
    /** Per topic and partition, the wall-clock ms its highest offset last moved (0: never). */
    private final Map<String, long[]> movedAtMs = new HashMap<>();
    private long firstMonitorTs = Long.MIN_VALUE;
    private long maxMonitorTs = Long.MIN_VALUE;
    private long maxCommittedTs = Long.MIN_VALUE;
    private volatile long lagMs;

    /** A committed record was processed here; {@code seenAtMs} is the wall-clock ms it was read. */
    void committed(String topic, int partition, long offset, long ts, long seenAtMs) {
        long[] offsets = highestOffsets.getOrDefault(topic, NONE);
        if (partition >= offsets.length) {
            long[] grown = Arrays.copyOf(offsets, partition + 1);
            Arrays.fill(grown, offsets.length, grown.length, -1L);
            highestOffsets.put(topic, grown);
            offsets = grown;
            movedAtMs.put(topic, Arrays.copyOf(movedAtMs.getOrDefault(topic, NONE), partition + 1));
        }
        if (offset > offsets[partition]) {
            offsets[partition] = offset;
            movedAtMs.get(topic)[partition] = seenAtMs;
        }
        if (ts > maxCommittedTs) {
            maxCommittedTs = ts;
            updateLag();
        }
    }

    /** A monitor record was processed here. */
    void monitor(long ts) {
        if (firstMonitorTs == Long.MIN_VALUE) {
            firstMonitorTs = ts;
        }
        if (ts > maxMonitorTs) {
            maxMonitorTs = ts;
            updateLag();
        }
    }

    /** Whether a committed record of this partition beyond {@code offset} was processed here. */
    @Override
    public boolean hasPassed(String topic, int partition, long offset) {
        long[] offsets = highestOffsets.get(topic);
        return offsets != null && partition >= 0 && partition < offsets.length && offsets[partition] > offset;
    }

    /**
     * Whether this subtask's committed view of the partition is still moving: a committed record
     * of it that took its highest offset further was read here less than {@code withinMs} before
     * {@code nowMs} (wall clock). While it moves, the committed view brings the evidence itself
     * (it passes the offset, or the committed copy arrives), so asking Kafka would only repeat it:
     * during a catch-up the monitor view runs ahead and nearly every close would be asked about.
     */
    boolean moving(String topic, int partition, long nowMs, long withinMs) {
        long[] moved = movedAtMs.get(topic);
        return moved != null && partition >= 0 && partition < moved.length && moved[partition] > 0
                && nowMs - moved[partition] < withinMs;
    }

    /**
     * Event-time ms the committed view trails the monitor view on this subtask. Before the
     * committed view has shown anything it counts as level with the first monitor event, so a view
     * pinned from the start still shows a growing lag.
     */
    long lagMs() {
        return lagMs;
    }

    private void updateLag() {
        if (maxMonitorTs == Long.MIN_VALUE) {
            lagMs = 0;
            return;
        }
        long committedAt = maxCommittedTs == Long.MIN_VALUE ? firstMonitorTs : maxCommittedTs;
        lagMs = Math.max(0, maxMonitorTs - committedAt);
    }
}
