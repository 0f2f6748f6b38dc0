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
 * Turns the hanging transactions of successive polls into one {@link KafkaTransactionHanging}
 * record each, not one per poll. A hanging transaction is known by its producer id and its start
 * offset on each partition (never the epoch, KIP-890); a producer found hanging on a partition
 * it was not reported for yields a new record listing every partition it holds. What stops
 * hanging is forgotten, so a later hanging transaction of the same producer is reported again.
 */
public final class HangingReports {

    private final String bootstrapServers;
    /** {@code producerId@topic-partition:startOffset} of every hanging transaction already reported. */
    private final Set<String> reported = new HashSet<>();

    public HangingReports(String bootstrapServers, Collection<String> alreadyReported) {
        this.bootstrapServers = bootstrapServers;
        reported.addAll(alreadyReported);
    }

    /** What has been reported and still hangs: the operator's state at a checkpoint. */
    public List<String> reported() {
        return List.copyOf(reported);
    }

    /** The records to write for what this poll found hanging that no earlier poll reported. */
    public List<KafkaTransactionHanging> newlyHanging(long nowMs, List<OpenKafkaTransaction> open,
            Map<String, PartitionOffsets> offsetsByPartition) {
        Map<Long, List<OpenKafkaTransaction>> hangingByProducer = new LinkedHashMap<>();
        Set<String> stillHanging = new HashSet<>();
        for (OpenKafkaTransaction t : open) {
            if (t.kind() == OpenKafkaTransaction.Kind.HANGING) {
                hangingByProducer.computeIfAbsent(t.producerId(), k -> new ArrayList<>()).add(t);
                stillHanging.add(key(t));
            }
        }
        List<KafkaTransactionHanging> records = new ArrayList<>();
        hangingByProducer.forEach((producerId, held) -> {
            if (held.stream().allMatch(t -> reported.contains(key(t)))) {
                return;
            }
            records.add(record(nowMs, held, offsetsByPartition));
        });
        reported.retainAll(stillHanging);
        reported.addAll(stillHanging);
        return records;
    }

    private KafkaTransactionHanging record(long nowMs, List<OpenKafkaTransaction> held,
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
        // Which business transactions it blocks needs the tracker's knowledge (issue 18 §2): not known here yet.
        return new KafkaTransactionHanging(KafkaTransactionHanging.KAFKA_TRANSACTION_HANGING, first.transactionalId(),
                first.producerId(), epoch, partitions, age, lastWrite, heldBack, null, List.of(), commands, nowMs);
    }

    private static String key(OpenKafkaTransaction t) {
        return t.producerId() + "@" + t.partitionName() + ":" + t.startOffset();
    }
}
