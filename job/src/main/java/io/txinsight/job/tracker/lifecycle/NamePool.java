package io.txinsight.job.tracker.lifecycle;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Shares one String instance per transaction type, step name and topic, one array per
 * sequence of step names, and one {@link TxnKind} per (type, currency), across all transactions of
 * a subtask. Every decoded event carries fresh
 * copies of these few names, and most transactions of a type go through the same steps; kept as
 * they come, a million open transactions would hold millions of identical strings (about 50 bytes
 * each) and arrays.
 *
 * <p>Bounded: names come from producers, so a broken producer could send unboundedly many; past
 * {@code capacity} distinct names (or sequences) the pool stops growing and hands them back
 * unshared (correct, only less compact).
 */
public final class NamePool {
    public static final int DEFAULT_CAPACITY = 10_000;
    private static final String[] NO_STEPS = new String[0];

    private final Map<String, String> names = new HashMap<>();
    private final Map<StepSequence, String[]> sequences = new HashMap<>();
    private final Map<TxnKind, TxnKind> kinds = new HashMap<>();
    private final int capacity;

    public NamePool(int capacity) {
        this.capacity = capacity;
    }

    String share(String name) {
        return name == null ? null : intern(names, name);
    }

    /** The instance of {@code key} already pooled, else {@code key} (pooled while there is room). */
    private <T> T intern(Map<T, T> pool, T key) {
        T shared = pool.get(key);
        if (shared != null) {
            return shared;
        }
        if (pool.size() < capacity) {
            pool.put(key, key);
        }
        return key;
    }

    /**
     * The step names {@code steps} (null for none) followed by {@code next}, as an array shared
     * with every transaction that went through the same steps. Shared arrays are never written to.
     */
    String[] shareSteps(String[] steps, String next) {
        String[] before = steps == null ? NO_STEPS : steps;
        String[] seq = Arrays.copyOf(before, before.length + 1);
        seq[before.length] = next;
        StepSequence key = new StepSequence(seq);
        String[] shared = sequences.get(key);
        if (shared != null) {
            return shared;
        }
        if (sequences.size() < capacity) {
            sequences.put(key, seq);
        }
        return seq;
    }

    /** The shared kind of {@code txnType} and {@code currency}; null when both are null. */
    TxnKind kind(String txnType, String currency) {
        if (txnType == null && currency == null) {
            return null;
        }
        return intern(kinds, new TxnKind(share(txnType), share(currency)));
    }

    int size() {
        return names.size();
    }

    /** An array of step names compared by content. */
    private static final class StepSequence {
        private final String[] steps;
        private final int hash;

        StepSequence(String[] steps) {
            this.steps = steps;
            this.hash = Arrays.hashCode(steps);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof StepSequence other && hash == other.hash && Arrays.equals(steps, other.steps);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
