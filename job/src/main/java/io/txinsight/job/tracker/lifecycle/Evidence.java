package io.txinsight.job.tracker.lifecycle;

/**
 * Whether the committed view has provably passed a record: the only ground for an Aborted verdict
 * (docs/design.md §3; the tracker's implementation explains the rule).
 */
@FunctionalInterface
public interface Evidence {
    /** Whether a committed record of this partition beyond {@code offset} has been seen. */
    boolean hasPassed(String topic, int partition, long offset);
}
