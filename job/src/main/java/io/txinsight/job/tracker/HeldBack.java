package io.txinsight.job.tracker;

/**
 * A business transaction found held back by the Kafka transaction of producer {@code producerId}
 * ({@code held}), or no longer (it was decided, or another holder was found). The tracker's side
 * output, so that what the collector reports of a hanging Kafka transaction can say how many
 * business transactions it blocks ({@link io.txinsight.job.collector.BlockedTransactions}).
 *
 * <p>A Flink POJO (public fields, no-arg constructor), keyed by {@link #producerId}.
 */
public class HeldBack {
    public long producerId;
    public String txnId;
    public boolean held;

    public HeldBack() {}

    public HeldBack(long producerId, String txnId, boolean held) {
        this.producerId = producerId;
        this.txnId = txnId;
        this.held = held;
    }

    @Override
    public String toString() {
        return txnId + (held ? " held by producer " : " released by producer ") + producerId;
    }
}
