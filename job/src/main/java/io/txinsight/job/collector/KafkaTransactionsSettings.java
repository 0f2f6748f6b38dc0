package io.txinsight.job.collector;

import java.io.Serializable;

/**
 * How the job's collector watches the input topics at the broker (docs/operations.md §8).
 *
 * @param intervalMs poll the Admin API this often; 0 turns the collector off
 * @param longOpenAfterMs a Kafka transaction open longer than this is flagged long open
 * @param maxTransactionTimeoutMs the brokers' {@code transaction.max.timeout.ms}: a producer silent
 *     on a partition for longer, whose coordinator cannot account for it, is hanging
 */
public record KafkaTransactionsSettings(long intervalMs, long longOpenAfterMs, long maxTransactionTimeoutMs)
        implements Serializable {

    /**
     * Every 5 s: an Admin round of six requests costs the brokers less than one consumer fetch
     * per view, and a hanging transaction is then named within seconds of its detection. Long
     * open after 5 min: ten times the default checkpoint-paced transactions of a Flink writer.
     */
    public static final KafkaTransactionsSettings DEFAULTS =
            new KafkaTransactionsSettings(5_000, 5 * 60_000L, HangingRule.KAFKA_DEFAULT_MAX_TIMEOUT_MS);

    public boolean enabled() {
        return intervalMs > 0;
    }

    public HangingRule rule() {
        return new HangingRule(maxTransactionTimeoutMs, longOpenAfterMs);
    }

    public KafkaTransactionsSettings withIntervalMs(long ms) {
        return new KafkaTransactionsSettings(ms, longOpenAfterMs, maxTransactionTimeoutMs);
    }

    public KafkaTransactionsSettings withLongOpenAfterMs(long ms) {
        return new KafkaTransactionsSettings(intervalMs, ms, maxTransactionTimeoutMs);
    }

    public KafkaTransactionsSettings withMaxTransactionTimeoutMs(long ms) {
        return new KafkaTransactionsSettings(intervalMs, longOpenAfterMs, ms);
    }
}
