package io.txinsight.job.tracker.lifecycle;

/**
 * What is remembered of a transaction's close, from its first sighting in either view. Apart from
 * {@link TxnState} because most transactions in flight have not closed yet, and they then pay
 * for one reference instead of these fields.
 *
 * <p>A Flink POJO, like {@link TxnState}.
 */
public class CloseSighting {
    /** Event time of the close. */
    public long ts;
    /** Kafka offset of the close as the monitor view saw it last: what the abort evidence must pass. */
    public long offset;
    /** Wall-clock ms when the monitor view delivered the close. */
    public long monitorSeenAtMs;
    /** Wall-clock ms when the committed view delivered the close. */
    public long committedSeenAtMs;
    /** Kafka partition of the close as the monitor view saw it. */
    public int partition;
    /** Kafka topic of the close as the monitor view saw it. */
    public String topic;
    /** The Kafka transaction last found holding the close back; null if none was. */
    public Blocker blockedBy;

    public CloseSighting() {}
}
