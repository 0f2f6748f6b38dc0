package io.txinsight.job.collector;

import java.util.List;

/**
 * A Kafka transaction open on one input partition, as the partition leader and the transaction
 * coordinator describe it. Under transactions v2 (KIP-890, on in Kafka 4) the producer epoch
 * changes with every transaction, so a transaction is identified by its producer id and the
 * offset of its first record on the partition, never by the epoch.
 *
 * @param topic the partition's topic
 * @param partition the partition
 * @param producerId the producer that holds it open
 * @param producerEpoch its epoch as the partition leader last saw it
 * @param startOffset the offset of its first record here; the last stable offset cannot pass it
 * @param lastWriteMs when the producer last wrote to this partition (broker time)
 * @param transactionalId the producer's transactional id, or null when the coordinator does not know it
 * @param coordinatorState the coordinator's state of that id (e.g. {@code Ongoing}), or null without a description
 * @param coordinatorStartMs when the coordinator saw the transaction start, or -1 when unknown
 * @param timeoutMs the producer's transaction timeout, or -1 when unknown
 * @param coordinatorPartitions the partitions the coordinator lists for it, as {@code topic-partition}
 * @param kind whether it is hanging, long open or just open
 */
public record OpenKafkaTransaction(
        String topic,
        int partition,
        long producerId,
        int producerEpoch,
        long startOffset,
        long lastWriteMs,
        String transactionalId,
        String coordinatorState,
        long coordinatorStartMs,
        long timeoutMs,
        List<String> coordinatorPartitions,
        Kind kind) {

    /** How an open transaction stands against the broker's own limits. */
    public enum Kind {
        /** Open, within every limit: the normal state of a busy transactional producer. */
        OPEN,
        /** Open for longer than the configured age: worth a look, the coordinator still knows it. */
        LONG_OPEN,
        /**
         * Open on the partition although the coordinator cannot end it: silent past the broker's
         * transaction max timeout, and the coordinator has no transactional id or description for
         * the producer, or does not list this partition. Only an operator's abort ends it; until
         * then the partition's last stable offset, and with it every read_committed reader, stays put.
         */
        HANGING
    }

    public OpenKafkaTransaction {
        coordinatorPartitions = List.copyOf(coordinatorPartitions);
    }

    /** {@code topic-partition}, as Kafka's tools print it. */
    public String partitionName() {
        return topic + "-" + partition;
    }

    /** How long it has been open at {@code nowMs}: from the coordinator's start when known, else the last write. */
    public long ageMs(long nowMs) {
        return Math.max(0, nowMs - (coordinatorStartMs >= 0 ? coordinatorStartMs : lastWriteMs));
    }

    /** Kafka's own command that aborts it on this partition (needs the cluster's Write on the topic). */
    public String abortCommand(String bootstrapServers) {
        return "kafka-transactions.sh --bootstrap-server " + bootstrapServers + " abort --topic " + topic
                + " --partition " + partition + " --start-offset " + startOffset;
    }
}
