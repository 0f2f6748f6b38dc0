package io.txinsight.job;

import io.txinsight.job.collector.KafkaTransactionsSettings;
import io.txinsight.job.sinks.KafkaOutputs;
import io.txinsight.ledger.LedgerConnection;
import io.txinsight.job.sources.KafkaInput;
import io.txinsight.job.sources.StartingOffsets;
import io.txinsight.job.tracker.RollbackProbe;
import io.txinsight.job.tracker.TrackerSettings;
import io.txinsight.job.velocity.rule.VelocitySettings;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Everything the job runs with, immutable. {@link #DEFAULTS} (with {@link TrackerSettings#DEFAULTS})
 * is the one place its defaults are written: {@link JobOptions} shows them as the command line's
 * defaults, and code (the sandbox, tests, benchmarks) starts from them and changes what it needs
 * with the {@code with…} methods rather than writing a command line.
 *
 * @param bootstrapServers the Kafka cluster of the events and the outputs
 * @param kafkaProperties extra Kafka client properties; each goes to the side that knows it
 *     ({@link KafkaClientProperties})
 * @param input what both views read
 * @param outputs where the outcomes, alerts and dead letters go
 * @param tracker the tracker's timing and outlier rules
 * @param velocity the velocity rules, per account
 * @param outOfOrdernessMs how far event times may run out of order; the monitor clock trails the newest event by this much
 * @param idleAdvanceAfterMs silence on a partition after which the monitor clock advances with the wall clock
 * @param checkpointIntervalMs checkpoint this often (outputs exactly-once); 0 leaves it to the cluster
 * @param parallelism parallelism of the job; 0 keeps the cluster's default
 * @param jobName the job's name in the Flink UI and in metrics
 * @param ledger where the job writes its ledger of outcomes and alerts, or null for none
 *     (docs/ledger.md); its {@code toString} masks the password, so this record's does too
 * @param kafkaTransactions how the collector watches the input's Kafka transactions at the broker
 */
public record JobConfig(
        String bootstrapServers,
        Map<String, String> kafkaProperties,
        Input input,
        Outputs outputs,
        TrackerSettings tracker,
        VelocitySettings velocity,
        long outOfOrdernessMs,
        long idleAdvanceAfterMs,
        long checkpointIntervalMs,
        int parallelism,
        String jobName,
        LedgerConnection ledger,
        KafkaTransactionsSettings kafkaTransactions) {

    public static final JobConfig DEFAULTS = new JobConfig(
            "localhost:9092", Map.of(), Input.DEFAULTS, Outputs.DEFAULTS, TrackerSettings.DEFAULTS,
            VelocitySettings.DEFAULTS, 2_000, 2_000, 10_000, 0, "txinsight", null, KafkaTransactionsSettings.DEFAULTS);

    public JobConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        kafkaProperties = kafkaProperties == null ? Map.of() : Map.copyOf(kafkaProperties);
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(outputs, "outputs");
        Objects.requireNonNull(tracker, "tracker");
        Objects.requireNonNull(velocity, "velocity");
        Objects.requireNonNull(jobName, "jobName");
        Objects.requireNonNull(kafkaTransactions, "kafkaTransactions");
    }

    /**
     * What both views read.
     *
     * @param topics the topics, ignored when {@code topicPattern} is set
     * @param topicPattern a Java regular expression over whole topic names, or null
     * @param monitorGroupId consumer group of the monitor (read_uncommitted) view
     * @param committedGroupId consumer group of the committed (read_committed) view
     * @param startingOffsets where both views start without a checkpoint or savepoint
     * @param bounded stop at the offsets that are latest when the job starts (benchmarks)
     * @param maxClockSkewMs how far ahead of the job's wall clock an event may be dated; a later
     *     one is dead-lettered (a single record dated 2099 must not drag the clock or a gauge)
     */
    public record Input(
            List<String> topics,
            String topicPattern,
            String monitorGroupId,
            String committedGroupId,
            StartingOffsets startingOffsets,
            boolean bounded,
            long maxClockSkewMs) {

        public static final Input DEFAULTS = new Input(
                List.of("txn-events"), null, "txinsight-monitor", "txinsight-committed", StartingOffsets.COMMITTED, false,
                300_000);

        public Input {
            topics = topics == null ? List.of() : List.copyOf(topics);
            Objects.requireNonNull(monitorGroupId, "monitorGroupId");
            Objects.requireNonNull(committedGroupId, "committedGroupId");
            Objects.requireNonNull(startingOffsets, "startingOffsets");
        }

        /** The topics as users wrote them, for operator names and logs. */
        public String describe() {
            return topicPattern != null ? "/" + topicPattern + "/" : String.join(",", topics);
        }

        /** Whether the job reads {@code topic}, so it cannot also be an output. */
        public boolean reads(String topic) {
            return topicPattern != null ? Pattern.matches(topicPattern, topic) : topics.contains(topic);
        }
    }

    /**
     * Where the job writes.
     *
     * @param outcomesTopic one JSON outcome per finished transaction
     * @param alertsTopic one JSON alert per transaction that goes stuck
     * @param deadLetterTopic records that are not valid business events
     * @param transactionalIdPrefix prefix of the writers' Kafka transactional ids, unique per job on a cluster
     */
    public record Outputs(String outcomesTopic, String alertsTopic, String deadLetterTopic, String transactionalIdPrefix) {

        public static final Outputs DEFAULTS = new Outputs("txn-outcomes", "txn-alerts", "txn-dead-letters", "txinsight");

        public Outputs {
            Objects.requireNonNull(outcomesTopic, "outcomesTopic");
            Objects.requireNonNull(alertsTopic, "alertsTopic");
            Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
            Objects.requireNonNull(transactionalIdPrefix, "transactionalIdPrefix");
        }

        public List<String> topics() {
            return List.of(outcomesTopic, alertsTopic, deadLetterTopic);
        }
    }

    // --- what the job is made of --------------------------------------------------------------

    /** Where both views read, with the consumer side of {@link #kafkaProperties}. */
    public KafkaInput kafkaInput() {
        return new KafkaInput(
                bootstrapServers,
                input.topicPattern() == null ? input.topics() : List.of(),
                input.topicPattern() == null ? null : Pattern.compile(input.topicPattern()),
                input.startingOffsets(),
                KafkaClientProperties.forViews(kafkaProperties),
                input.bounded(),
                input.maxClockSkewMs());
    }

    /**
     * Where the tracker's rollback probe asks Kafka whether a close was rolled back: the views'
     * servers and properties, one round per abort re-check.
     */
    public RollbackProbe.Settings rollbackProbe() {
        return new RollbackProbe.Settings(bootstrapServers, KafkaClientProperties.forViews(kafkaProperties),
                tracker.abortRecheckMs());
    }

    /** The output writers, with the producer side of {@link #kafkaProperties}. */
    public KafkaOutputs kafkaOutputs(boolean exactlyOnce) {
        return new KafkaOutputs(
                bootstrapServers, KafkaClientProperties.forWriters(kafkaProperties), exactlyOnce,
                outputs.transactionalIdPrefix());
    }

    // --- changing a copy ----------------------------------------------------------------------

    public JobConfig withBootstrapServers(String servers) {
        return new JobConfig(servers, kafkaProperties, input, outputs, tracker, velocity, outOfOrdernessMs,
                idleAdvanceAfterMs, checkpointIntervalMs, parallelism, jobName, ledger, kafkaTransactions);
    }

    public JobConfig withKafkaProperties(Map<String, String> properties) {
        return new JobConfig(bootstrapServers, properties, input, outputs, tracker, velocity, outOfOrdernessMs,
                idleAdvanceAfterMs, checkpointIntervalMs, parallelism, jobName, ledger, kafkaTransactions);
    }

    public JobConfig withInput(Input in) {
        return new JobConfig(bootstrapServers, kafkaProperties, in, outputs, tracker, velocity, outOfOrdernessMs,
                idleAdvanceAfterMs, checkpointIntervalMs, parallelism, jobName, ledger, kafkaTransactions);
    }

    /** Reads these topics (instead of a pattern). */
    public JobConfig withTopics(String... topics) {
        return withInput(new Input(List.of(topics), null, input.monitorGroupId(), input.committedGroupId(),
                input.startingOffsets(), input.bounded(), input.maxClockSkewMs()));
    }

    public JobConfig withGroupIds(String monitor, String committed) {
        return withInput(new Input(input.topics(), input.topicPattern(), monitor, committed,
                input.startingOffsets(), input.bounded(), input.maxClockSkewMs()));
    }

    public JobConfig withStartingOffsets(StartingOffsets offsets) {
        return withInput(new Input(input.topics(), input.topicPattern(), input.monitorGroupId(),
                input.committedGroupId(), offsets, input.bounded(), input.maxClockSkewMs()));
    }

    public JobConfig withBoundedInput(boolean bounded) {
        return withInput(new Input(input.topics(), input.topicPattern(), input.monitorGroupId(),
                input.committedGroupId(), input.startingOffsets(), bounded, input.maxClockSkewMs()));
    }

    public JobConfig withMaxClockSkewMs(long ms) {
        return withInput(new Input(input.topics(), input.topicPattern(), input.monitorGroupId(),
                input.committedGroupId(), input.startingOffsets(), input.bounded(), ms));
    }

    public JobConfig withOutputs(Outputs out) {
        return new JobConfig(bootstrapServers, kafkaProperties, input, out, tracker, velocity, outOfOrdernessMs,
                idleAdvanceAfterMs, checkpointIntervalMs, parallelism, jobName, ledger, kafkaTransactions);
    }

    /** Writes to these topics, keeping the transactional id prefix. */
    public JobConfig withOutputTopics(String outcomesTopic, String alertsTopic, String deadLetterTopic) {
        return withOutputs(new Outputs(outcomesTopic, alertsTopic, deadLetterTopic, outputs.transactionalIdPrefix()));
    }

    public JobConfig withTransactionalIdPrefix(String prefix) {
        return withOutputs(new Outputs(outputs.outcomesTopic(), outputs.alertsTopic(), outputs.deadLetterTopic(), prefix));
    }

    public JobConfig withTracker(TrackerSettings settings) {
        return new JobConfig(bootstrapServers, kafkaProperties, input, outputs, settings, velocity, outOfOrdernessMs,
                idleAdvanceAfterMs, checkpointIntervalMs, parallelism, jobName, ledger, kafkaTransactions);
    }

    public JobConfig withVelocity(VelocitySettings settings) {
        return new JobConfig(bootstrapServers, kafkaProperties, input, outputs, tracker, settings, outOfOrdernessMs,
                idleAdvanceAfterMs, checkpointIntervalMs, parallelism, jobName, ledger, kafkaTransactions);
    }

    public JobConfig withOutOfOrdernessMs(long ms) {
        return new JobConfig(bootstrapServers, kafkaProperties, input, outputs, tracker, velocity, ms,
                idleAdvanceAfterMs, checkpointIntervalMs, parallelism, jobName, ledger, kafkaTransactions);
    }

    public JobConfig withIdleAdvanceAfterMs(long ms) {
        return new JobConfig(bootstrapServers, kafkaProperties, input, outputs, tracker, velocity, outOfOrdernessMs, ms,
                checkpointIntervalMs, parallelism, jobName, ledger, kafkaTransactions);
    }

    public JobConfig withCheckpointIntervalMs(long ms) {
        return new JobConfig(bootstrapServers, kafkaProperties, input, outputs, tracker, velocity, outOfOrdernessMs,
                idleAdvanceAfterMs, ms, parallelism, jobName, ledger, kafkaTransactions);
    }

    public JobConfig withParallelism(int n) {
        return new JobConfig(bootstrapServers, kafkaProperties, input, outputs, tracker, velocity, outOfOrdernessMs,
                idleAdvanceAfterMs, checkpointIntervalMs, n, jobName, ledger, kafkaTransactions);
    }

    public JobConfig withJobName(String name) {
        return new JobConfig(bootstrapServers, kafkaProperties, input, outputs, tracker, velocity, outOfOrdernessMs,
                idleAdvanceAfterMs, checkpointIntervalMs, parallelism, name, ledger, kafkaTransactions);
    }

    public JobConfig withKafkaTransactions(KafkaTransactionsSettings settings) {
        return new JobConfig(bootstrapServers, kafkaProperties, input, outputs, tracker, velocity, outOfOrdernessMs,
                idleAdvanceAfterMs, checkpointIntervalMs, parallelism, jobName, ledger, settings);
    }

    /** Kafka client properties for the collector's Admin client: the ones an Admin client knows (security above all). */
    public Map<String, String> adminProperties() {
        return KafkaClientProperties.forAdmin(kafkaProperties);
    }

    /** Writes the ledger there too; null for no ledger. */
    public JobConfig withLedger(LedgerConnection connection) {
        return new JobConfig(bootstrapServers, kafkaProperties, input, outputs, tracker, velocity, outOfOrdernessMs,
                idleAdvanceAfterMs, checkpointIntervalMs, parallelism, jobName, connection, kafkaTransactions);
    }
}
