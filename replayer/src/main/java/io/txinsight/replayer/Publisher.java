package io.txinsight.replayer;

import java.util.Map;
import java.util.Set;

/**
 * Where the schedule sends its records and transaction boundaries. {@link KafkaPublisher} is the
 * real one; tests put a recording one behind the same calls to check the schedule alone.
 *
 * <p>Calls come from one thread (the scheduler), in scenario order. Implementations may work
 * asynchronously but must keep each producer's calls in order.
 */
public interface Publisher extends AutoCloseable {

    /** Marks a record that has no scheduled time (a {@code --speed max} replay). */
    long UNSCHEDULED = Long.MIN_VALUE;

    void beginTransaction(String producer);

    /**
     * Publishes one record.
     *
     * @param producer the scenario producer whose open transaction carries it, or null for a
     *     record written without a transaction
     * @param scheduledNanos when ({@link ReplayClock#nanoTime()}) the record is due, or {@link
     *     #UNSCHEDULED}; the publisher records in the lag how late it actually handed it to Kafka
     */
    void send(String producer, String topic, String key, byte[] value, long scheduledNanos);

    void commitTransaction(String producer);

    /** Aborts after the transaction's records are written, so read_uncommitted readers see them. */
    void abortTransaction(String producer);

    /**
     * The schedule is about to wait for the next record: anything the publisher collected must go
     * out now, not after the wait.
     */
    default void handOff() {}

    /** Waits until everything sent so far is written and every requested end is done. */
    void awaitIdle();

    /** Releases the producers; aborts any transaction still open. */
    @Override
    void close();

    /** Opens a publisher for a replay. */
    @FunctionalInterface
    interface Factory {
        Publisher open(Setup setup);
    }

    /**
     * What a publisher needs to know before the clock starts.
     *
     * @param producers scenario producers that need a transactional Kafka producer
     * @param plainRecords whether a non-transactional producer is needed too
     * @param topics the destination topics (after routing), to fetch metadata up front
     * @param transactionalIdPrefix what every {@code transactional.id} starts with: it is this
     *     prefix + producer (the replayer passes "{@code --transactional-id-prefix}-")
     * @param transactionTimeoutMs long enough for the longest transaction at this speed
     * @param parallelCommits Kafka producers per scenario producer, used in turn (1: one each)
     * @param paced whether records have a schedule (any speed but {@code max})
     * @param bootstrapServers Kafka bootstrap servers
     * @param kafkaProperties producer properties passed through (security and tuning)
     * @param clock the replay clock, to measure lag
     * @param lag where to record how late each record was handed to Kafka
     * @param acknowledged where to record how long after it was due Kafka acknowledged each record
     */
    record Setup(
            Set<String> producers,
            boolean plainRecords,
            Set<String> topics,
            String transactionalIdPrefix,
            long transactionTimeoutMs,
            int parallelCommits,
            boolean paced,
            String bootstrapServers,
            Map<String, String> kafkaProperties,
            ReplayClock clock,
            ScheduleLag lag,
            ScheduleLag acknowledged) {}
}
