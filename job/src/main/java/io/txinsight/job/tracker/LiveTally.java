package io.txinsight.job.tracker;

import io.txinsight.job.tracker.lifecycle.Stage;
import io.txinsight.job.tracker.lifecycle.TxnState;
import java.util.TreeMap;

/**
 * The live counts of one tracker subtask, kept up to date on every transition so that gauges cost
 * nothing to read: how many transactions are open, tentatively closed, stuck and held back by a
 * Kafka transaction, and how old the oldest open one is.
 *
 * <p>The oldest open age needs the minimum open time over all open transactions. Rather than one
 * entry per transaction, open times are counted per second of event time (a few thousand entries
 * at most), so the age is exact to the second.
 *
 * <p>Written only by the task thread; gauges are read by the metric reporter's thread, so what
 * they read is published through volatile fields, never the tree itself.
 */
final class LiveTally implements LiveCounts {
    /** The code of a transaction that holds no state. */
    static final long GONE = Long.MIN_VALUE;

    private static final long OPEN = 1;
    private static final long TENTATIVE = 2;
    private static final long CLOSING = 3;
    private static final long PHASE_MASK = 3;
    private static final long STUCK_BIT = 4;
    private static final long HELD_BIT = 8;
    private static final int FLAG_BITS = 4;
    private static final long NO_OPEN = Long.MAX_VALUE;

    private final CommittedView committedView;
    private final TreeMap<Long, long[]> openBySecond = new TreeMap<>();
    private volatile long openNow;
    private volatile long tentativeNow;
    private volatile long stuckNow;
    private volatile long heldNow;
    private volatile long oldestOpenSecond = NO_OPEN;
    private volatile long clock = Long.MIN_VALUE;

    LiveTally(CommittedView committedView) {
        this.committedView = committedView;
    }

    /** What the tally needs to know of a transaction, packed in a long so comparing is free. */
    static long code(TxnState s) {
        long stage;
        long stuck = 0;
        switch (s.stage()) {
            case STUCK:
                stuck = STUCK_BIT;
                stage = OPEN;
                break;
            case OPEN:
                stage = OPEN;
                break;
            case TENTATIVELY_CLOSED:
                stage = TENTATIVE;
                break;
            default:
                stage = CLOSING;
        }
        return (Math.floorDiv(s.startTs, 1000L) << FLAG_BITS) | (heldBack(s) ? HELD_BIT : 0) | stuck | stage;
    }

    /**
     * Whether a Kafka transaction is known to hold it back right now: its close awaits the
     * committed view, or its records were seen only uncommitted, and a holder was found.
     */
    private static boolean heldBack(TxnState s) {
        return s.close != null && s.close.blockedBy != null
                && (s.stage() == Stage.TENTATIVELY_CLOSED || s.stage().isOpen() && s.onlyUncommitted());
    }

    /** A transaction changed from {@code before} to {@code after} (either may be {@link #GONE}). */
    void move(long before, long after) {
        if (before == after) {
            return;
        }
        if (before != GONE) {
            count(before, -1);
        }
        if (after != GONE) {
            count(after, +1);
        }
        oldestOpenSecond = openBySecond.isEmpty() ? NO_OPEN : openBySecond.firstKey();
    }

    /** The monitor clock moved (the operator tells, so the age keeps growing while input is idle). */
    void clockAt(long watermark) {
        clock = watermark;
    }

    private void count(long code, int delta) {
        long phase = code & PHASE_MASK;
        if ((code & HELD_BIT) != 0) {
            heldNow += delta;
        }
        if (phase == OPEN) {
            openNow += delta;
            if ((code & STUCK_BIT) != 0) {
                stuckNow += delta;
            }
            long second = code >> FLAG_BITS;
            long[] n = openBySecond.computeIfAbsent(second, k -> new long[1]);
            n[0] += delta;
            if (n[0] <= 0) {
                openBySecond.remove(second);
            }
        } else if (phase == TENTATIVE) {
            tentativeNow += delta;
        }
    }

    @Override
    public long openNow() {
        return openNow;
    }

    @Override
    public long tentativelyClosedNow() {
        return tentativeNow;
    }

    @Override
    public long stuckNow() {
        return stuckNow;
    }

    @Override
    public long heldBackNow() {
        return heldNow;
    }

    @Override
    public long oldestOpenAgeMs() {
        long oldest = oldestOpenSecond;
        long now = clock;
        if (oldest == NO_OPEN || now == Long.MIN_VALUE) {
            return 0;
        }
        return Math.max(0, now - oldest * 1000L);
    }

    @Override
    public long committedViewLagMs() {
        return committedView.lagMs();
    }
}
