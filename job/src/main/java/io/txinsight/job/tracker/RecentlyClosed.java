package io.txinsight.job.tracker;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ids of the transactions this subtask closed most recently, so that a copy of one of their
 * events arriving after the outcome was written (a producer's resend, a straggling committed copy)
 * is counted as a duplicate instead of starting a phantom transaction that would later expire and
 * contradict the Closed outcome.
 *
 * <p>Why not keep a tombstone in keyed state: every final state must leave no keyed state and no
 * timers behind. This memory is operator-level, bounded by count (oldest forgotten first), and
 * travels in checkpoints ({@link TrackerMemory}); past it, the committed view's stragglers are
 * still caught by the tracker's event-time rule, and only a monitor resend later than that goes
 * through as a new transaction.
 * Only Closed is remembered: after an Aborted verdict the producer may legitimately retry the
 * same business transaction.
 */
final class RecentlyClosed {
    private final int capacity;
    private final LinkedHashMap<String, Boolean> ids;

    RecentlyClosed(int capacity) {
        this.capacity = capacity;
        this.ids = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > RecentlyClosed.this.capacity;
            }
        };
    }

    void add(String txnId) {
        if (capacity > 0) {
            ids.put(txnId, Boolean.TRUE);
        }
    }

    boolean contains(String txnId) {
        return ids.containsKey(txnId);
    }

    int size() {
        return ids.size();
    }

    /** The ids, oldest first. */
    Iterable<String> ids() {
        return ids.keySet();
    }
}
