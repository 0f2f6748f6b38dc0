package io.txinsight.job.tracker.lifecycle;

import java.util.HashMap;
import java.util.Map;

/**
 * Shares one String instance per transaction type, step name and topic across all transactions of
 * a subtask. Every decoded event carries fresh copies of these few names; kept as they are, a
 * million open transactions would hold millions of identical strings (about 50 bytes each).
 *
 * <p>Bounded: names come from producers, so a broken producer could send unboundedly many; past
 * {@code capacity} distinct names the pool stops growing and hands names back unshared (correct,
 * only less compact).
 */
public final class NamePool {
    public static final int DEFAULT_CAPACITY = 10_000;

    private final Map<String, String> names = new HashMap<>();
    private final int capacity;

    public NamePool(int capacity) {
        this.capacity = capacity;
    }

    String share(String name) {
        if (name == null) {
            return null;
        }
        String shared = names.get(name);
        if (shared != null) {
            return shared;
        }
        if (names.size() < capacity) {
            names.put(name, name);
        }
        return name;
    }

    int size() {
        return names.size();
    }
}
