package io.txinsight.job.tracker.lifecycle;

/**
 * The Kafka transaction found holding a close back from the committed view (see {@link
 * Evidence#blockerOf}); the tracker's state form of {@link io.txinsight.events.BlockingKafkaTransaction}.
 * Kept only for the few transactions held back past their abort grace.
 *
 * <p>A Flink POJO, like {@link TxnState}.
 */
public class Blocker {
    /** The producer's transactional id, or null if the coordinator knows none. */
    public String transactionalId;
    public long producerId;
    /** {@code topic-partition} of every partition it holds open. */
    public String[] partitions;

    public Blocker() {}

    public Blocker(String transactionalId, long producerId, String[] partitions) {
        this.transactionalId = transactionalId;
        this.producerId = producerId;
        this.partitions = partitions;
    }
}
