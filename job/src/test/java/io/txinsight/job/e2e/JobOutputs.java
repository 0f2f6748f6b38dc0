package io.txinsight.job.e2e;

import io.txinsight.events.Alert;
import io.txinsight.events.DeadLetter;
import io.txinsight.events.Outcome;
import io.txinsight.events.RecordJson;
import io.txinsight.events.KafkaTransactionHanging;
import io.txinsight.events.VelocityAlert;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the job's outcomes and alerts topics as a user would: read_committed, so with
 * exactly-once sinks only what a completed checkpoint committed.
 */
final class JobOutputs implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String outcomesTopic;
    private final Map<String, List<Outcome>> outcomes = new HashMap<>();
    private final Map<String, List<Alert>> alerts = new HashMap<>();
    private final String alertsTopic;
    private final List<DeadLetter> deadLetters = new ArrayList<>();
    private final List<VelocityAlert> velocity = new ArrayList<>();
    private final List<KafkaTransactionHanging> hanging = new ArrayList<>();

    JobOutputs(String bootstrapServers, String outcomesTopic, String alertsTopic) {
        this(bootstrapServers, outcomesTopic, alertsTopic, null);
    }

    JobOutputs(String bootstrapServers, String outcomesTopic, String alertsTopic, String deadLetterTopic) {
        this(bootstrapServers, outcomesTopic, alertsTopic, deadLetterTopic, "read_committed");
    }


    /** The keys (txn_ids) of every record in a topic, committed or not; for failure messages. */
    static Set<String> everyKeyIn(String bootstrapServers, String topic) {
        Properties p = new Properties();
        p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.setProperty(ConsumerConfig.GROUP_ID_CONFIG, "e2e-keys-" + UUID.randomUUID());
        p.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Set<String> keys = new java.util.HashSet<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            int emptyPolls = 0;
            while (System.nanoTime() < deadline && emptyPolls < 5) {
                var records = c.poll(Duration.ofMillis(500));
                emptyPolls = records.isEmpty() && !keys.isEmpty() ? emptyPolls + 1 : 0;
                records.forEach(r -> {
                    if (r.key() != null) {
                        keys.add(new String(r.key(), java.nio.charset.StandardCharsets.UTF_8));
                    }
                });
            }
        }
        return keys;
    }

    private JobOutputs(
            String bootstrapServers, String outcomesTopic, String alertsTopic, String deadLetterTopic, String isolation) {
        Properties p = new Properties();
        p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.setProperty(ConsumerConfig.GROUP_ID_CONFIG, "e2e-reader-" + UUID.randomUUID());
        p.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        p.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.outcomesTopic = outcomesTopic;
        this.alertsTopic = alertsTopic;
        consumer.subscribe(deadLetterTopic == null
                ? List.of(outcomesTopic, alertsTopic)
                : List.of(outcomesTopic, alertsTopic, deadLetterTopic));
    }

    /** Polls until {@code done} holds; returns false if the deadline passed first. */
    boolean pollUntil(BooleanSupplier done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.topic().equals(outcomesTopic)) {
                    Outcome o = RecordJson.fromBytes(r.value(), Outcome.class);
                    outcomes.computeIfAbsent(o.txnId(), k -> new ArrayList<>()).add(o);
                } else if (r.topic().equals(alertsTopic)) {
                    Object read = VelocityAlert.readAlertsTopicRecord(r.value());
                    if (read instanceof VelocityAlert v) {
                        velocity.add(v);
                    } else if (read instanceof KafkaTransactionHanging h) {
                        hanging.add(h);
                    } else {
                        Alert a = (Alert) read;
                        alerts.computeIfAbsent(a.txnId(), k -> new ArrayList<>()).add(a);
                    }
                } else {
                    deadLetters.add(RecordJson.fromBytes(r.value(), DeadLetter.class));
                }
            }
            if (done.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
        }
    }

    Map<String, List<Outcome>> outcomes() {
        return outcomes;
    }

    Map<String, List<Alert>> alerts() {
        return alerts;
    }

    List<DeadLetter> deadLetters() {
        return deadLetters;
    }

    /** Velocity alerts, the alerts topic's other kind. */
    List<VelocityAlert> velocity() {
        return velocity;
    }

    List<KafkaTransactionHanging> hanging() {
        return hanging;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
