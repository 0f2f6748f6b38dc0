package io.txinsight.job.tracker.lifecycle;

/**
 * Whether the committed view has provably passed a record, or Kafka has proved it rolled back: the
 * only grounds for an Aborted verdict (docs/design.md §4; the tracker's implementation explains the
 * rules). And, while neither holds, what holds the record back.
 */
@FunctionalInterface
public interface Evidence {
    /** Whether a committed record of this partition beyond {@code offset} has been seen. */
    boolean hasPassed(String topic, int partition, long offset);

    /**
     * Whether every record of the current transaction at offsets {@code fromOffset} to {@code
     * toOffset} of this partition is proven rolled back: none of them was or will be committed. By
     * default, the committed view having passed {@code toOffset}: the current transaction's
     * committed records would have come first, and the caller knows none did.
     */
    default boolean rolledBack(String topic, int partition, long fromOffset, long toOffset) {
        return hasPassed(topic, partition, toOffset);
    }

    /**
     * The Kafka transaction known to hold the record at {@code offset} back from the committed
     * view (it pins the partition's last stable offset at or below it), or null if none is known.
     */
    default Blocker blockerOf(String topic, int partition, long offset) {
        return null;
    }
}
