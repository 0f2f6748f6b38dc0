package io.txinsight.job.collector;

import io.txinsight.job.collector.OpenKafkaTransaction.Kind;
import java.util.List;

/**
 * Decides whether a transaction open on a partition is hanging, the way Kafka's
 * {@code kafka-transactions.sh find-hanging} does: the producer has been silent on the partition
 * for longer than the broker's {@code transaction.max.timeout.ms} (any live transaction would
 * have been aborted by its coordinator by then), and the coordinator cannot account for it: it
 * knows no transactional id for the producer, has no description of that id, or its description
 * does not list this partition. Separately, a transaction open longer than {@code longOpenAfterMs}
 * is flagged as long open.
 *
 * @param maxTransactionTimeoutMs the broker's {@code transaction.max.timeout.ms} (Kafka's default 15 min)
 * @param longOpenAfterMs the age from which an open transaction is flagged long open
 */
public record HangingRule(long maxTransactionTimeoutMs, long longOpenAfterMs) {

    /** Kafka's default {@code transaction.max.timeout.ms}. */
    public static final long KAFKA_DEFAULT_MAX_TIMEOUT_MS = 15 * 60_000L;

    /**
     * @param lastWriteMs the producer's last write to the partition
     * @param startMs when the transaction started (coordinator's start, else the last write)
     * @param transactionalId null when the coordinator lists no id for the producer
     * @param described whether the coordinator described that id
     * @param coordinatorPartitions the partitions its description lists, as {@code topic-partition}
     * @param partition this partition, as {@code topic-partition}
     */
    public Kind classify(long nowMs, long lastWriteMs, long startMs, String transactionalId, boolean described,
            List<String> coordinatorPartitions, String partition) {
        boolean silentPastMaxTimeout = nowMs - lastWriteMs > maxTransactionTimeoutMs;
        boolean unaccounted = transactionalId == null || !described || !coordinatorPartitions.contains(partition);
        if (silentPastMaxTimeout && unaccounted) {
            return Kind.HANGING;
        }
        return nowMs - startMs > longOpenAfterMs ? Kind.LONG_OPEN : Kind.OPEN;
    }
}
