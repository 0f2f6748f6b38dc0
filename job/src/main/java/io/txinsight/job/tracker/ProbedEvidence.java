package io.txinsight.job.tracker;

import io.txinsight.job.tracker.lifecycle.Blocker;
import io.txinsight.job.tracker.lifecycle.Evidence;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The tracker's evidence when it may ask Kafka ({@link RollbackProbe}): the committed view's own
 * first, because it costs nothing; Kafka only when that has nothing to say <b>and</b> the committed
 * view of the partition stands still on this subtask ({@link CommittedView#moving}).
 *
 * <p>Why the second condition: while the committed view moves, it brings the evidence by itself
 * (it passes the offset, or the committed copy arrives), so asking Kafka would only repeat it. In a
 * catch-up the monitor view runs ahead and nearly every close waits a moment for its committed
 * copy; asking about each (a seek and a fetch, for the broker too) cost the job a third of its
 * speed (docs/performance.md). A quiet partition, or one a Kafka transaction pins, stands still.
 */
final class ProbedEvidence implements Evidence {

    /** What the tracker asks Kafka; {@link RollbackProbe} answers on its own thread. */
    interface Questions {
        boolean rolledBack(String topic, int partition, long offset);

        boolean noneCommitted(String topic, int partition, long fromOffset, long toOffset, String txnId);

        Blocker blockerOf(String topic, int partition, long offset);
    }

    private final CommittedView committedView;
    private final Questions kafka;
    private final Supplier<String> currentTxnId;
    private final LongSupplier wallClockMs;
    /** How long the committed view must not have moved before Kafka is asked: one probe round. */
    private final long stillForMs;

    ProbedEvidence(CommittedView committedView, Questions kafka, Supplier<String> currentTxnId,
            LongSupplier wallClockMs, long stillForMs) {
        this.committedView = committedView;
        this.kafka = kafka;
        this.currentTxnId = currentTxnId;
        this.wallClockMs = wallClockMs;
        this.stillForMs = stillForMs;
    }

    @Override
    public boolean hasPassed(String topic, int partition, long offset) {
        return committedView.hasPassed(topic, partition, offset)
                || (standsStill(topic, partition) && kafka.rolledBack(topic, partition, offset));
    }

    @Override
    public boolean rolledBack(String topic, int partition, long fromOffset, long toOffset) {
        return committedView.hasPassed(topic, partition, toOffset)
                || (standsStill(topic, partition)
                        && kafka.noneCommitted(topic, partition, fromOffset, toOffset, currentTxnId.get()));
    }

    @Override
    public Blocker blockerOf(String topic, int partition, long offset) {
        return kafka.blockerOf(topic, partition, offset);
    }

    private boolean standsStill(String topic, int partition) {
        return !committedView.moving(topic, partition, wallClockMs.getAsLong(), stillForMs);
    }
}
