package io.txinsight.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Raised once per hanging Kafka transaction on the job's input topics: a transaction left open on
 * a partition that its coordinator can no longer end (Kafka's {@code kafka-transactions.sh
 * find-hanging}). Until an operator aborts it, the partition's last stable offset stays at its
 * first record and every read_committed reader, the job's committed view included, reads no
 * further. Written to the alerts topic beside the stuck {@link Alert}s and {@link VelocityAlert}s,
 * told apart by {@code alert}, keyed by {@code producer_id}. Times are broker epoch milliseconds.
 *
 * <p>The same record, with {@code alert} {@value #KAFKA_TRANSACTION_LONG_OPEN}, names a long-open
 * transaction: one its coordinator still knows and will end, but open for longer than the job's
 * {@code --kafka-transactions-long-open}; it pins the last stable offset just the same while it
 * lasts.
 *
 * <p>One record per hanging (or long-open) transaction: a transaction is identified by its
 * producer id and its start offset on each partition, never by the epoch, which transactions v2
 * (KIP-890) bumps with every transaction.
 *
 * @param alert the alert kind; {@value #KAFKA_TRANSACTION_HANGING} or {@value #KAFKA_TRANSACTION_LONG_OPEN}
 * @param transactionalId the producer's transactional id, or null when the coordinator knows none
 * @param producerId the producer holding it open
 * @param producerEpoch its epoch as the partition leaders last saw it
 * @param partitions where it is open, each with the offset of its first record there
 * @param ageMs how long it has been open when detected (from its last write if nothing earlier is known)
 * @param lastWriteMs the producer's last write to any of these partitions
 * @param recordsHeldBack records a read_committed reader cannot read because of it (high watermark minus start offset, summed)
 * @param blockedTxnCount business transactions it is known to block, or null when the job cannot tell yet
 * @param blockedTxnIds a sample of them (at most 20), empty when unknown
 * @param abortCommands Kafka's own commands that end it, one per partition
 * @param detectedAtMs when the job's collector detected it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record KafkaTransactionHanging(
        @JsonProperty("alert") String alert,
        @JsonProperty("transactional_id") String transactionalId,
        @JsonProperty("producer_id") long producerId,
        @JsonProperty("producer_epoch") int producerEpoch,
        @JsonProperty("partitions") List<HeldPartition> partitions,
        @JsonProperty("age_ms") long ageMs,
        @JsonProperty("last_write_ms") long lastWriteMs,
        @JsonProperty("records_held_back") long recordsHeldBack,
        @JsonProperty("blocked_txn_count") Integer blockedTxnCount,
        @JsonProperty("blocked_txn_ids") List<String> blockedTxnIds,
        @JsonProperty("abort_commands") List<String> abortCommands,
        @JsonProperty("detected_at_ms") long detectedAtMs) {

    public static final String KAFKA_TRANSACTION_HANGING = "kafka_transaction_hanging";
    /** The alert kind of a transaction open longer than the job's long-open age, still known to its coordinator. */
    public static final String KAFKA_TRANSACTION_LONG_OPEN = "kafka_transaction_long_open";

    /** Whether an alerts topic record of this {@code alert} kind is one of these. */
    public static boolean isKind(String alert) {
        return KAFKA_TRANSACTION_HANGING.equals(alert) || KAFKA_TRANSACTION_LONG_OPEN.equals(alert);
    }

    /**
     * One partition a hanging transaction holds.
     *
     * @param topic the topic
     * @param partition the partition
     * @param startOffset the offset of the transaction's first record there; the last stable offset cannot pass it
     */
    public record HeldPartition(
            @JsonProperty("topic") String topic,
            @JsonProperty("partition") int partition,
            @JsonProperty("start_offset") long startOffset) {}

    @JsonCreator
    public KafkaTransactionHanging {
        partitions = partitions == null ? List.of() : List.copyOf(partitions);
        blockedTxnIds = blockedTxnIds == null ? List.of() : List.copyOf(blockedTxnIds);
        abortCommands = abortCommands == null ? List.of() : List.copyOf(abortCommands);
    }

    /** This record with how many business transactions it blocks and a sample of their ids. */
    public KafkaTransactionHanging withBlocked(int count, List<String> sample) {
        return new KafkaTransactionHanging(alert, transactionalId, producerId, producerEpoch, partitions, ageMs,
                lastWriteMs, recordsHeldBack, count, sample, abortCommands, detectedAtMs);
    }

    /** The record key on the alerts topic. */
    public String key() {
        return String.valueOf(producerId);
    }
}
