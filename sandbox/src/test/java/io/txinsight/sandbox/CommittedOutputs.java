package io.txinsight.sandbox;

import io.txinsight.events.Alert;
import io.txinsight.events.Outcome;
import io.txinsight.events.RecordJson;
import io.txinsight.events.VelocityAlert;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Everything the job committed to a drill's outcomes and alerts topics, read as a downstream
 * consumer reads it (read_committed), from the first record, for the whole drill.
 *
 * <p>Unlike the validator's reader, which stops once every transaction is accounted for and keeps
 * the latest outcome per transaction, this one keeps every record, so a doubled outcome or alert
 * shows. The topics use broker time ({@code LogAppendTime}), so each record's timestamp says when
 * the job wrote it: the first one written after a fault is when outputs flowed again.
 */
final class CommittedOutputs implements AutoCloseable {

    /** One committed record: which transaction, what kind, when the broker appended it and when this reader saw it. */
    record Written(String txnId, String kind, long appendedAtMs, long seenAtMs, String json) {}

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions = new ArrayList<>();
    private final String outcomesTopic;
    private final List<Written> outcomes = new CopyOnWriteArrayList<>();
    private final List<Written> stuckAlerts = new CopyOnWriteArrayList<>();
    private final Thread poller;
    private volatile boolean running = true;
    /** Broker time of the latest end-of-topic check that found this reader at the last stable offset everywhere. */
    private volatile long caughtUpAtMs;

    CommittedOutputs(String bootstrap, String outcomesTopic, int outcomePartitions, String alertsTopic, int alertPartitions) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "drill-reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(p);
        this.outcomesTopic = outcomesTopic;
        for (int i = 0; i < outcomePartitions; i++) {
            partitions.add(new TopicPartition(outcomesTopic, i));
        }
        for (int i = 0; i < alertPartitions; i++) {
            partitions.add(new TopicPartition(alertsTopic, i));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        poller = new Thread(this::poll, "drill-committed-outputs");
        poller.setDaemon(true);
        poller.start();
    }

    private void poll() {
        long nextEndCheck = 0;
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    long seen = System.currentTimeMillis();
                    if (r.topic().equals(outcomesTopic)) {
                        Outcome o = RecordJson.fromBytes(r.value(), Outcome.class);
                        outcomes.add(new Written(o.txnId(), "outcome", r.timestamp(), seen, json(r)));
                    } else if (VelocityAlert.readAlertsTopicRecord(r.value()) instanceof Alert a) {
                        stuckAlerts.add(new Written(a.txnId(), a.alert(), r.timestamp(), seen, json(r)));
                    }
                }
                if (System.currentTimeMillis() >= nextEndCheck) {
                    nextEndCheck = System.currentTimeMillis() + 500;
                    long checkedAt = System.currentTimeMillis();
                    try {
                        // read_committed: the end offsets are the last stable offsets.
                        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(2));
                        boolean atEnd = true;
                        for (TopicPartition tp : partitions) {
                            atEnd &= consumer.position(tp, Duration.ofSeconds(2)) >= ends.get(tp);
                        }
                        if (atEnd) {
                            caughtUpAtMs = checkedAt;
                        }
                    } catch (org.apache.kafka.common.errors.TimeoutException brokerAway) {
                        // The broker drill: try again once it is back.
                    }
                }
            }
        } catch (WakeupException stopping) {
            // close()
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private static String json(ConsumerRecord<byte[], byte[]> r) {
        return new String(r.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Every committed record about one transaction, for a failure message. */
    List<Written> about(String txnId) {
        List<Written> all = new ArrayList<>();
        outcomes.stream().filter(w -> w.txnId().equals(txnId)).forEach(all::add);
        stuckAlerts.stream().filter(w -> w.txnId().equals(txnId)).forEach(all::add);
        return all;
    }

    int outcomeCount() {
        return outcomes.size();
    }

    /** When the first outcome the job wrote after {@code ms} was appended, if one has been read. */
    OptionalLong firstOutcomeAfter(long ms) {
        return outcomes.stream().mapToLong(Written::appendedAtMs).filter(t -> t > ms).min();
    }

    /**
     * When this reader first saw an outcome after {@code ms}: when a fault held commits back (the
     * checkpoint drill), outcomes written during it become visible only once a checkpoint completes.
     */
    OptionalLong firstOutcomeSeenAfter(long ms) {
        return outcomes.stream().mapToLong(Written::seenAtMs).filter(t -> t > ms).min();
    }

    /** Whether this reader has been at the end of every partition at a check begun after {@code ms}. */
    boolean caughtUpSince(long ms) {
        return caughtUpAtMs > ms;
    }

    Map<String, Integer> outcomesPerTransaction() {
        return countPerTransaction(outcomes);
    }

    Map<String, Integer> stuckAlertsPerTransaction() {
        return countPerTransaction(stuckAlerts);
    }

    int stuckAlertCount() {
        return stuckAlerts.size();
    }

    private static Map<String, Integer> countPerTransaction(List<Written> written) {
        Map<String, Integer> counts = new HashMap<>();
        written.forEach(w -> counts.merge(w.txnId(), 1, Integer::sum));
        return counts;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        poller.join(TimeUnit.SECONDS.toMillis(15));
    }
}
