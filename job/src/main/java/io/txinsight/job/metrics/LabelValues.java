package io.txinsight.job.metrics;

import java.util.HashSet;
import java.util.Set;

/**
 * The values one label may take in one operator instance: the first {@code cap} distinct values
 * are kept, later ones become {@value #OTHER}, and a missing value is {@value #UNKNOWN}.
 *
 * <p>Why a cap: every distinct label value is a new time series in Prometheus, forever. Types and
 * step names come from producers, so a bug upstream (a txn_id written into txn_type) must not
 * turn into millions of series. The cap is per subtask, so subtasks that see different first
 * values may keep different sets; the sum over all of them is still right.
 */
public final class LabelValues {
    public static final String UNKNOWN = "unknown";
    public static final String OTHER = "other";

    private final int cap;
    private final Set<String> kept = new HashSet<>();

    public LabelValues(int cap) {
        if (cap < 1) {
            throw new IllegalArgumentException("label cap must be at least 1: " + cap);
        }
        this.cap = cap;
    }

    /** The label value to report for {@code raw}. */
    public String of(String raw) {
        if (raw == null || raw.isEmpty()) {
            return UNKNOWN;
        }
        if (kept.contains(raw)) {
            return raw;
        }
        if (kept.size() < cap) {
            kept.add(raw);
            return raw;
        }
        return OTHER;
    }

    /** How many distinct values are kept so far. */
    public int size() {
        return kept.size();
    }
}
