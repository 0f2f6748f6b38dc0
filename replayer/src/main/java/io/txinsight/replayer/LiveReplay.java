package io.txinsight.replayer;

import io.txinsight.events.EventCodec;
import io.txinsight.events.ScenarioRecord;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Publishes a scenario while it is being generated, as the simulator's stream and batch modes do:
 * the same producers, pacing and transaction ends as a replay of a file, fed one record at a time.
 *
 * <pre>{@code
 * try (LiveReplay live = LiveReplay.start(settings)) {   // producers ready, then the clock starts
 *     generator.run(live::publish);                      // returns when each record is due and sent
 *     LiveReplay.Figures figures = live.finish();        // transactions ended, Kafka acknowledged
 * }
 * }</pre>
 *
 * <p>Records come in scenario order, each in a Kafka transaction, and a producer's next
 * transaction never starts before its previous one ends. A hang is held until its recorded end.
 * A failure from Kafka surfaces as a {@link ReplayFailedException} from {@link #publish} or {@link
 * #finish}; {@link #close} then aborts whatever is still open.
 */
public final class LiveReplay implements AutoCloseable {

    /**
     * What the live replay needs before the clock starts.
     *
     * @param bootstrapServers the cluster
     * @param transactionalIdPrefix each producer's {@code transactional.id} is this plus its name
     * @param kafkaProperties producer properties passed through (security and tuning)
     * @param producers every producer a record's transaction may name
     * @param topics every topic a record may go to (their metadata is fetched up front)
     * @param longestTransactionMs the longest a Kafka transaction stays open, in scenario time
     * @param speed {@link Speed#REAL_TIME} to follow scenario time, {@link Speed#MAX} for as fast
     *     as Kafka takes the records
     */
    public record Settings(
            String bootstrapServers,
            String transactionalIdPrefix,
            Map<String, String> kafkaProperties,
            Set<String> producers,
            Set<String> topics,
            long longestTransactionMs,
            Speed speed) {}

    /**
     * What was published.
     *
     * @param records records sent
     * @param committed Kafka transactions committed
     * @param aborted Kafka transactions aborted (fate {@code abort})
     * @param hung Kafka transactions held open, then aborted (fate {@code hang})
     * @param elapsedNanos from the start of the schedule until Kafka acknowledged everything
     * @param sendingNanos from the first send to the last
     * @param lagMaxMs how far behind its scheduled time the latest record was handed to Kafka
     *     (0 at {@link Speed#MAX}, which has no schedule)
     */
    public record Figures(
            long records, long committed, long aborted, long hung, long elapsedNanos, long sendingNanos, double lagMaxMs) {}

    private final Publisher publisher;
    private final ReplayClock clock;
    private final Schedule schedule;
    private final ReplayTally tally = new ReplayTally();
    private final ScheduleLag lag = new ScheduleLag();
    private final EventCodec codec = new EventCodec();
    private final long startNanos;
    private long firstSendNanos;
    private long lastSendNanos;

    private LiveReplay(Settings settings, Publisher.Factory publishers, ReplayClock clock) {
        this.clock = clock;
        this.publisher = publishers.open(new Publisher.Setup(
                settings.producers(), false, settings.topics(), settings.transactionalIdPrefix(),
                Replayer.transactionTimeoutMs(settings.longestTransactionMs(), settings.speed()), 1,
                !settings.speed().isMax(), settings.bootstrapServers(), settings.kafkaProperties(), clock, lag,
                new ScheduleLag()));
        this.schedule = new Schedule(0, Long.MAX_VALUE, settings.speed(), TopicRouting.IDENTITY, publisher, clock, tally,
                new StopSignal(), records -> {});
        this.startNanos = clock.nanoTime();
        schedule.start(startNanos);
    }

    /** Starts the Kafka producers (fails if they cannot start), then the schedule's clock. */
    public static LiveReplay start(Settings settings) {
        return start(settings, KafkaPublisher::new, ReplayClock.system());
    }

    /** For tests: publish somewhere other than Kafka, on a clock of the test's own. */
    static LiveReplay start(Settings settings, Publisher.Factory publishers, ReplayClock clock) {
        return new LiveReplay(settings, publishers, clock);
    }

    /** Waits for the record's time (ending the transactions due before it), then sends it. */
    public void publish(ScenarioRecord record) {
        Objects.requireNonNull(record.txn(), "a live replay publishes every record in a Kafka transaction");
        schedule.publish(new ScheduledRecord(
                record.atMs(), record.topic(), record.key(), record.txn(), record.value(codec)));
        lastSendNanos = clock.nanoTime();
        if (tally.records == 1) {
            firstSendNanos = lastSendNanos;
        }
    }

    /** Ends the transactions still open, each at its time, and waits until Kafka acknowledged everything. */
    public Figures finish() {
        schedule.endAll();
        publisher.awaitIdle();
        return new Figures(tally.records, tally.committed, tally.aborted, tally.hung, clock.nanoTime() - startNanos,
                lastSendNanos - firstSendNanos, lag.maxMillis());
    }

    /** Aborts any transaction still open (after a failure) and closes the producers. */
    @Override
    public void close() {
        try {
            schedule.abortOpenTransactions();
        } finally {
            publisher.close();
        }
    }
}
