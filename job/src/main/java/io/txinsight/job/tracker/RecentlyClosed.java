package io.txinsight.job.tracker;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The transactions this subtask closed within the duplicate horizon, each with the event time of
 * its close, so that an event of a closed life arriving after its outcome was written (a
 * producer's resend, a straggling copy) is counted as a duplicate instead of starting a phantom
 * transaction that would later expire and contradict the Closed outcome; while an event dated
 * after that close is a new life of a reused {@code txn_id}, with its own outcome
 * ({@link io.txinsight.job.tracker.lifecycle.TxnLifecycle}).
 *
 * <p>Why not keep a tombstone in keyed state: every final state must leave no keyed state and no
 * timers behind. This memory is operator-level and travels in checkpoints ({@link TrackerMemory}).
 * It is bounded by time (the monitor clock passes the decision plus the horizon), never by count:
 * a count would make the verdict of a reused id depend on how much other traffic closed in
 * between. Only Closed is remembered: after an Aborted verdict the producer may legitimately retry
 * the same business transaction with the same events.
 */
final class RecentlyClosed {
    /** Returned by {@link #closedAt} for an id not remembered. */
    static final long UNKNOWN = Long.MIN_VALUE;

    /** A closed life: when it closed (event time) and when it was decided (monitor clock). */
    record Life(long closeTs, long decidedAt) {}

    private final long horizonMs;
    /** In order of decision, so the oldest decisions are forgotten first. */
    private final LinkedHashMap<String, Life> lives = new LinkedHashMap<>();

    RecentlyClosed(long horizonMs) {
        this.horizonMs = horizonMs;
    }

    /** A life of {@code txnId} that closed at {@code closeTs}, decided at monitor time {@code decidedAt}. */
    void add(String txnId, long closeTs, long decidedAt) {
        if (horizonMs > 0) {
            lives.remove(txnId); // a later life of the same id moves to the end
            lives.put(txnId, new Life(closeTs, decidedAt));
        }
    }

    /** The close time of the last closed life of {@code txnId} still remembered, or {@link #UNKNOWN}. */
    long closedAt(String txnId) {
        Life life = lives.get(txnId);
        return life == null ? UNKNOWN : life.closeTs();
    }

    /** The monitor clock reached {@code clock}: lives decided more than the horizon before it are forgotten. */
    void forgetBefore(long clock) {
        Iterator<Life> oldestFirst = lives.values().iterator();
        while (oldestFirst.hasNext()) {
            Life life = oldestFirst.next();
            if (clock <= life.decidedAt() || clock - life.decidedAt() <= horizonMs) {
                return; // decisions come in clock order: the rest are younger
            }
            oldestFirst.remove();
        }
    }

    int size() {
        return lives.size();
    }

    /** The lives, oldest decision first. */
    Iterable<Map.Entry<String, Life>> lives() {
        return lives.entrySet();
    }
}
