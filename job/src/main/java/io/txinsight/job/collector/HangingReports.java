package io.txinsight.job.collector;

import io.txinsight.events.KafkaTransactionHanging;
import io.txinsight.events.KafkaTransactionHanging.HeldPartition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the hanging and long-open transactions of successive polls into one {@link
 * KafkaTransactionHanging} record each, not one per poll: {@code kafka_transaction_hanging} for a
 * hanging one, {@code kafka_transaction_long_open} for one its coordinator still knows but that has
 * been open longer than the long-open age. A transaction is known by its producer id and its start
 * offset on each partition (never the epoch, KIP-890); a producer found hanging (or long open) on a
 * partition it was not reported for yields a new record listing every partition it holds. What
 * stops hanging (or being long open) is forgotten, so a later transaction of the same producer is
 * reported again; a long-open transaction that turns hanging gets its hanging record too.
 */
public final class HangingReports {

    /** Marks a long-open key; a hanging key has no prefix (the state an earlier version checkpointed). */
    static final String LONG_OPEN_PREFIX = "long-open:";

    private final String bootstrapServers;
    /**
     * {@code producerId@topic-partition:startOffset} of every hanging transaction already reported,
     * and the same prefixed with {@value #LONG_OPEN_PREFIX} of every long-open one.
     */
    private final Set<String> reported = new HashSet<>();

    public HangingReports(String bootstrapServers, Collection<String> alreadyReported) {
        this.bootstrapServers = bootstrapServers;
        reported.addAll(alreadyReported);
    }

    /** What has been reported and still hangs or is long open: the operator's state at a checkpoint. */
    public List<String> reported() {
        return List.copyOf(reported);
    }

    /**
     * The records to write for what this poll found hanging or long open that no earlier poll
     * reported: {@code kafka_transaction_hanging} and {@code kafka_transaction_long_open} ones.
     */
    public List<KafkaTransactionHanging> newlyHanging(long nowMs, List<OpenKafkaTransaction> open,
            Map<String, PartitionOffsets> offsetsByPartition) {
        Map<Long, List<OpenKafkaTransaction>> hangingByProducer = new LinkedHashMap<>();
        Map<Long, List<OpenKafkaTransaction>> longOpenByProducer = new LinkedHashMap<>();
        Set<String> still = new HashSet<>();
        for (OpenKafkaTransaction t : open) {
            if (t.kind() == OpenKafkaTransaction.Kind.OPEN) {
                continue;
            }
            (t.kind() == OpenKafkaTransaction.Kind.HANGING ? hangingByProducer : longOpenByProducer)
                    .computeIfAbsent(t.producerId(), k -> new ArrayList<>()).add(t);
            still.add(key(t));
        }
        List<KafkaTransactionHanging> records = new ArrayList<>();
        addUnreported(records, KafkaTransactionHanging.KAFKA_TRANSACTION_HANGING, hangingByProducer, nowMs,
                offsetsByPartition);
        addUnreported(records, KafkaTransactionHanging.KAFKA_TRANSACTION_LONG_OPEN, longOpenByProducer, nowMs,
                offsetsByPartition);
        reported.retainAll(still);
        reported.addAll(still);
        return records;
    }

    /** One {@code alert} record per producer whose transaction here was not all reported before. */
    private void addUnreported(List<KafkaTransactionHanging> records, String alert,
            Map<Long, List<OpenKafkaTransaction>> byProducer, long nowMs, Map<String, PartitionOffsets> offsets) {
        byProducer.forEach((producerId, held) -> {
            if (!held.stream().allMatch(t -> reported.contains(key(t)))) {
                records.add(record(alert, nowMs, held, offsets));
            }
        });
    }

    private KafkaTransactionHanging record(String alert, long nowMs, List<OpenKafkaTransaction> held,
            Map<String, PartitionOffsets> offsetsByPartition) {
        OpenKafkaTransaction first = held.get(0);
        List<HeldPartition> partitions = new ArrayList<>();
        List<String> commands = new ArrayList<>();
        long lastWrite = 0;
        long age = 0;
        long heldBack = 0;
        int epoch = first.producerEpoch();
        for (OpenKafkaTransaction t : held) {
            partitions.add(new HeldPartition(t.topic(), t.partition(), t.startOffset()));
            commands.add(t.abortCommand(bootstrapServers));
            lastWrite = Math.max(lastWrite, t.lastWriteMs());
            age = Math.max(age, t.ageMs(nowMs));
            epoch = Math.max(epoch, t.producerEpoch());
            PartitionOffsets o = offsetsByPartition.get(t.partitionName());
            if (o != null) {
                heldBack += Math.max(0, o.highWatermark() - t.startOffset());
            }
        }
        // Which business transactions it blocks is the tracker's knowledge: BlockedTransactions adds it.
        return new KafkaTransactionHanging(alert, first.transactionalId(),
                first.producerId(), epoch, partitions, age, lastWrite, heldBack, null, List.of(), commands, nowMs);
    }

    private static String key(OpenKafkaTransaction t) {
        String key = t.producerId() + "@" + t.partitionName() + ":" + t.startOffset();
        return t.kind() == OpenKafkaTransaction.Kind.LONG_OPEN ? LONG_OPEN_PREFIX + key : key;
    }
}
