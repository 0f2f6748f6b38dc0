package io.txinsight.job.collector;

import java.util.List;

/**
 * What the broker said about the input topics at one poll: where each partition stands and which
 * Kafka transactions hold them open.
 */
public record KafkaTransactionsSnapshot(long takenAtMs, List<PartitionOffsets> partitions,
        List<OpenKafkaTransaction> openTransactions) {

    public KafkaTransactionsSnapshot {
        partitions = List.copyOf(partitions);
        openTransactions = List.copyOf(openTransactions);
    }

    public List<OpenKafkaTransaction> hanging() {
        return openTransactions.stream().filter(t -> t.kind() == OpenKafkaTransaction.Kind.HANGING).toList();
    }

    /** The age of the oldest open transaction, 0 when none is open. */
    public long oldestOpenAgeMs() {
        return openTransactions.stream().mapToLong(t -> t.ageMs(takenAtMs)).max().orElse(0);
    }
}
