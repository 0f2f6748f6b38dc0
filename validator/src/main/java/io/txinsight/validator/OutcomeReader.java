package io.txinsight.validator;

import io.txinsight.events.Alert;
import io.txinsight.events.Outcome;
import io.txinsight.events.RecordJson;
import io.txinsight.events.Truth;
import io.txinsight.events.KafkaTransactionHanging;
import io.txinsight.events.VelocityAlert;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the job's outcomes and alerts topics from the beginning, as a read_committed consumer,
 * until every transaction of a truth is accounted for (see {@link
 * ObservedTransactions#accountsFor}), every velocity burst has its alert and every Kafka
 * transaction the scenario held open is named, or a timeout passes.
 *
 * <p>Partitions are assigned, not subscribed: the validator wants everything ever written, not a
 * share of a consumer group, and assignment skips the group join delay. Topics that do not exist
 * yet (the job has not written anything) are looked up again until they appear.
 */
public final class OutcomeReader implements AutoCloseable {

    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);
    private static final int UNREADABLE_SAMPLES = 5;

    /**
     * What was read.
     *
     * @param outcomes outcome records, in the order read
     * @param alerts stuck alert records, in the order read
     * @param velocity velocity alert records (the alerts topic's other kind), in the order read
     * @param kafkaTransactions long-open and hanging Kafka transaction records (its third kind), in the order read
     * @param unreadable records that are not outcome/alert JSON
     * @param unreadableSamples where the first unreadable records are, and why
     * @param complete whether every transaction was accounted for before the timeout
     * @param missingTopics topics that did not exist when reading stopped
     * @param elapsed how long reading took
     */
    public record Result(
            List<Outcome> outcomes,
            List<Alert> alerts,
            List<VelocityAlert> velocity,
            List<KafkaTransactionHanging> kafkaTransactions,
            long unreadable,
            List<String> unreadableSamples,
            boolean complete,
            List<String> missingTopics,
            Duration elapsed) {}

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String bootstrapServers;
    private final String outcomesTopic;
    private final String alertsTopic;

    /**
     * @param bootstrapServers the Kafka cluster
     * @param extraProperties consumer properties that override the validator's defaults
     */
    public OutcomeReader(
            String bootstrapServers, Map<String, String> extraProperties, String outcomesTopic, String alertsTopic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        // Its own group id: it never commits, so it never disturbs (or is disturbed by) another reader.
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "txinsight-validate-" + UUID.randomUUID());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "txinsight-validate");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // The job writes outcomes transactionally: only committed ones are its word.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Looking a topic up must not create it with the broker's default partitioning.
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.putAll(extraProperties);
        this.consumer = new KafkaConsumer<>(props);
        this.bootstrapServers = bootstrapServers;
        this.outcomesTopic = outcomesTopic;
        this.alertsTopic = alertsTopic;
    }

    /**
     * Reads until the truth is accounted for or the timeout passes.
     *
     * @param progress receives a line now and then while waiting
     * @throws KafkaUnreachableException if no broker answered within the timeout
     */
    public Result read(Truth truth, Duration timeout, Consumer<String> progress) throws KafkaUnreachableException {
        return read(truth, List.of(), timeout, progress);
    }

    /**
     * Reads until the truth is accounted for and every Kafka transaction in {@code held} is named
     * (by a long-open or hanging record, or a {@code blocked_by}), or the timeout passes.
     */
    public Result read(Truth truth, List<HeldOpenKafkaTransactions.Held> held, Duration timeout,
            Consumer<String> progress) throws KafkaUnreachableException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        Map<String, Truth.Transaction> pending = new HashMap<>();
        if (truth.transactions() != null) {
            truth.transactions().forEach(t -> pending.put(t.txnId(), t));
        }
        int total = pending.size();
        ObservedTransactions observed = new ObservedTransactions();
        List<Outcome> outcomes = new ArrayList<>();
        List<Alert> alerts = new ArrayList<>();
        List<VelocityAlert> velocity = new ArrayList<>();
        List<KafkaTransactionHanging> kafkaTransactions = new ArrayList<>();
        boolean hangsNamed = held.isEmpty();
        List<Truth.VelocityBurst> bursts = truth.velocity() == null ? List.of() : truth.velocity();
        boolean burstsFound = bursts.isEmpty();
        List<String> unreadableSamples = new ArrayList<>();
        long unreadable = 0;
        Set<TopicPartition> assigned = new HashSet<>();
        Set<String> missingTopics = new LinkedHashSet<>(List.of(outcomesTopic, alertsTopic));
        boolean reached = false;
        long nextLookup = start;
        long nextProgress = start + PROGRESS_EVERY.toNanos();

        // Velocity alerts come a window after their burst, so they may trail the last outcome.
        // Once everything is accounted for, what is already written is read to its end too: a
        // Kafka transaction named by a blocked_by has its long-open record on the alerts topic,
        // which the reader may not have reached yet.
        Map<TopicPartition, Long> drainTo = null;
        while (true) {
            long now = System.nanoTime();
            if (now >= deadline) {
                break;
            }
            if (pending.isEmpty() && burstsFound && hangsNamed) {
                try {
                    if (drainTo == null) {
                        drainTo = assigned.isEmpty() ? Map.of() : consumer.endOffsets(assigned, Duration.ofSeconds(5));
                    }
                    if (readTo(drainTo)) {
                        break;
                    }
                } catch (TimeoutException e) {
                    break; // everything is accounted for; the rest is a bonus not worth waiting for
                }
            }
            if (now >= nextLookup) {
                for (String topic : List.of(outcomesTopic, alertsTopic)) {
                    long waitMs = Math.max(100, Math.min(5_000, (deadline - System.nanoTime()) / 1_000_000));
                    List<PartitionInfo> partitions;
                    try {
                        partitions = consumer.partitionsFor(topic, Duration.ofMillis(waitMs));
                    } catch (TimeoutException e) {
                        break; // no broker answered; the other topic would wait just as long
                    }
                    reached = true;
                    if (partitions == null || partitions.isEmpty()) {
                        continue;
                    }
                    missingTopics.remove(topic);
                    List<TopicPartition> added = new ArrayList<>();
                    for (PartitionInfo p : partitions) {
                        TopicPartition tp = new TopicPartition(p.topic(), p.partition());
                        if (assigned.add(tp)) {
                            added.add(tp);
                        }
                    }
                    if (!added.isEmpty()) {
                        consumer.assign(assigned);
                        consumer.seekToBeginning(added);
                    }
                }
                // Look again soon while a topic is missing; later only to catch added partitions.
                nextLookup = System.nanoTime() + (missingTopics.isEmpty() ? 10_000 : 500) * 1_000_000L;
            }
            if (System.nanoTime() >= nextProgress) {
                progress.accept(String.format(
                        "  %d/%d transactions accounted for (%d outcomes, %d alerts read), %d s left",
                        total - pending.size(), total, outcomes.size(), alerts.size(),
                        Math.max(0, (deadline - System.nanoTime()) / 1_000_000_000L)));
                nextProgress = System.nanoTime() + PROGRESS_EVERY.toNanos();
            }
            long leftMs = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            if (assigned.isEmpty()) {
                pause(Math.min(200, leftMs));
                continue;
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(Math.min(250, leftMs)))) {
                String txnId;
                try {
                    if (record.value() == null) {
                        throw new IllegalArgumentException("empty value (a tombstone)");
                    }
                    if (record.topic().equals(outcomesTopic)) {
                        Outcome outcome = RecordJson.fromBytes(record.value(), Outcome.class);
                        requireTxnId(outcome.txnId());
                        outcomes.add(outcome);
                        observed.add(outcome);
                        txnId = outcome.txnId();
                        hangsNamed = hangsNamed || (outcome.blockedBy() != null && allNamed(held, observed));
                    } else {
                        Object read = VelocityAlert.readAlertsTopicRecord(record.value());
                        if (read instanceof VelocityAlert v) {
                            velocity.add(v);
                            observed.add(v);
                            burstsFound = VelocityMatch.allFound(bursts, velocity);
                            continue;
                        }
                        if (read instanceof KafkaTransactionHanging k) {
                            // About the broker, not one business transaction: it decides no verdict.
                            kafkaTransactions.add(k);
                            observed.add(k);
                            hangsNamed = hangsNamed || allNamed(held, observed);
                            continue;
                        }
                        Alert alert = (Alert) read;
                        requireTxnId(alert.txnId());
                        alerts.add(alert);
                        observed.add(alert);
                        txnId = alert.txnId();
                        hangsNamed = hangsNamed || (alert.blockedBy() != null && allNamed(held, observed));
                    }
                } catch (RuntimeException e) {
                    unreadable++;
                    if (unreadableSamples.size() < UNREADABLE_SAMPLES) {
                        unreadableSamples.add(record.topic() + "-" + record.partition() + "@" + record.offset()
                                + ": " + firstLine(e.getMessage()));
                    }
                    continue;
                }
                Truth.Transaction expected = pending.get(txnId);
                if (expected != null && observed.accountsFor(expected)) {
                    pending.remove(txnId);
                }
            }
        }
        if (!reached && !pending.isEmpty()) {
            throw new KafkaUnreachableException(bootstrapServers, timeout);
        }
        return new Result(outcomes, alerts, velocity, kafkaTransactions, unreadable, unreadableSamples,
                pending.isEmpty() && burstsFound && hangsNamed,
                List.copyOf(missingTopics), Duration.ofNanos(System.nanoTime() - start));
    }

    @Override
    public void close() {
        consumer.close();
    }

    /** Whether the consumer has read every partition up to {@code ends} (read_committed: its last stable offset). */
    private boolean readTo(Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
            if (consumer.position(e.getKey(), Duration.ofSeconds(5)) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Whether the job has named every held-open transaction so far, by a record or a {@code blocked_by}. */
    private static boolean allNamed(List<HeldOpenKafkaTransactions.Held> held, ObservedTransactions observed) {
        return held.stream().allMatch(observed::names);
    }

    private static void requireTxnId(String txnId) {
        if (txnId == null || txnId.isEmpty()) {
            throw new IllegalArgumentException("no txn_id");
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for topics", e);
        }
    }

    /** No broker answered at the bootstrap servers. */
    public static final class KafkaUnreachableException extends Exception {
        KafkaUnreachableException(String bootstrapServers, Duration timeout) {
            super("no Kafka broker answered at " + bootstrapServers + " within " + timeout.toSeconds()
                    + " s; check --bootstrap-servers (is the broker running? ./txinsight broker starts one)");
        }
    }
}
