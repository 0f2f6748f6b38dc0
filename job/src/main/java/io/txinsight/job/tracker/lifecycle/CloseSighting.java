package io.txinsight.job.tracker.lifecycle;

/**
 * What is remembered of a transaction's close, from its first sighting in either view. Apart from
 * {@link TxnState} because most transactions in flight have not closed yet, and they then pay
 * for one reference instead of these fields.
 *
 * <p>Before the close, while the transaction's records have been seen by the monitor view alone
 * ({@link TxnState#onlyUncommitted}), it holds where they lie instead: {@link #topic}, {@link
 * #partition}, and the offsets from {@link #firstOffset} to {@link #offset}; the time fields are
 * unused then. The monitor view is usually a moment ahead of the committed one, so most
 * transactions hold one briefly, until their first committed record drops it.
 *
 * <p>A Flink POJO, like {@link TxnState}.
 */
public class CloseSighting {
    /** Event time of the close. */
    public long ts;
    /**
     * Kafka offset of the close as the monitor view saw it last: what the abort evidence must pass.
     * Before the close: the highest offset of the records seen only by the monitor view.
     */
    public long offset;
    /** Before the close: the lowest offset of the records seen only by the monitor view. */
    public long firstOffset;
    /** Wall-clock ms when the monitor view delivered the close. */
    public long monitorSeenAtMs;
    /** Wall-clock ms when the committed view delivered the close. */
    public long committedSeenAtMs;
    /** Kafka partition of the close as the monitor view saw it. */
    public int partition;
    /** Kafka topic of the close as the monitor view saw it. */
    public String topic;
    /** The Kafka transaction last found holding the close (or the records before it) back; null if none was. */
    public Blocker blockedBy;

    public CloseSighting() {}
}
