package io.txinsight.sandbox;

import io.txinsight.events.Alert;
import io.txinsight.events.BlockingKafkaTransaction;
import io.txinsight.events.KafkaTransactionHanging;
import io.txinsight.events.Outcome;
import io.txinsight.events.RecordJson;
import io.txinsight.events.VelocityAlert;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The business transactions that Kafka transactions hold back, in the job's own words: the stuck
 * alerts ({@link Alert}) and outcomes ({@link Outcome}) whose {@code blocked_by} names a producer,
 * and the job's {@code kafka_transaction_hanging} records. Only the producers asked about are
 * counted (the open transactions the broker lists), so memory is bounded by them: a count per
 * producer, a sample of txn ids, and at most {@link #MAX_TRACKED} stuck txn ids awaiting their
 * outcome.
 *
 * <p>A stuck alert whose transaction has no outcome yet is held back <em>now</em>; a transaction
 * named by an outcome, or by a stuck alert that an outcome followed, was held back <em>earlier</em>
 * and has been decided since. The records name a producer, not one of its transactions (producer
 * id and transactional id, no start offset), so a producer that reuses its transactional id
 * transaction after transaction has the earlier ones' counts under its open one.
 *
 * <p>The alerts topic is read to its end first, then the outcomes topic, both read_committed (the
 * job's outputs are transactional) from {@code sinceMs} on (record timestamps are the job's write
 * times), so an outcome always finds the alert it settles. An outcome settles an alert written no
 * later than itself: a txn id alerted again after its outcome (a new life of the id) stays held.
 */
final class HeldBackTransactions {

    /** Txn ids shown per producer and kind. */
    static final int SAMPLE = 10;
    /** Stuck txn ids remembered while waiting for their outcome, over all producers. */
    static final int MAX_TRACKED = 100_000;

    /** What the job's records say one producer holds or held back. */
    static final class Holder {
        private final String transactionalId;
        private final LinkedHashSet<String> heldNow = new LinkedHashSet<>();
        private long heldNowUntracked;
        private long decided;
        private final ArrayDeque<String> decidedSample = new ArrayDeque<>();
        private KafkaTransactionHanging hanging;

        Holder(String transactionalId) {
            this.transactionalId = transactionalId;
        }

        /** Stuck alerts naming it whose transaction has no outcome yet (an upper bound when {@link #overflowed}). */
        long heldNow() {
            return heldNow.size() + heldNowUntracked;
        }

        /** The oldest of them. */
        List<String> heldNowSample() {
            return heldNow.stream().limit(SAMPLE).toList();
        }

        /** Whether stuck alerts past {@link #MAX_TRACKED} were counted without waiting for their outcome. */
        boolean overflowed() {
            return heldNowUntracked > 0;
        }

        /** Transactions it held back that have an outcome since. */
        long decided() {
            return decided;
        }

        /** The latest of them. */
        List<String> decidedSample() {
            return List.copyOf(decidedSample);
        }

        /** The job's latest kafka_transaction_hanging record for it, or null. */
        KafkaTransactionHanging hanging() {
            return hanging;
        }

        private void decided(String txnId) {
            decided++;
            decidedSample.addLast(txnId);
            if (decidedSample.size() > SAMPLE) {
                decidedSample.removeFirst();
            }
        }
    }

    /** A stuck txn id waiting for its outcome: who held it, and when the alert was written. */
    private record Waiting(long producerId, long alertWrittenMs) {}

    private final Map<Long, Holder> holders = new HashMap<>();
    private final Map<String, Waiting> waiting = new HashMap<>();
    private final List<String> notes = new ArrayList<>();
    private long recordsRead;
    private long unreadable;

    /** @param producers producer id to its transactional id as the broker knows it (null when it knows none) */
    HeldBackTransactions(Map<Long, String> producers) {
        producers.forEach((id, tid) -> holders.put(id, new Holder(tid)));
    }

    /** The producer's tally, or null when it was not asked about. */
    Holder holder(long producerId) {
        return holders.get(producerId);
    }

    /** What reading could not do or left out: missing topics, a deadline reached, unreadable records. */
    List<String> notes() {
        List<String> all = new ArrayList<>(notes);
        if (unreadable > 0) {
            all.add(unreadable + " record(s) were not txinsight alerts or outcomes and were skipped");
        }
        return all;
    }

    long recordsRead() {
        return recordsRead;
    }

    /**
     * Reads the alerts topic to its end, then the outcomes topic, from {@code sinceMs} (null: from
     * the beginning), giving up on a topic at {@code deadlineNanos} (a note says so).
     */
    void read(Map<String, Object> clientProperties, String alertsTopic, String outcomesTopic, Long sinceMs,
            long deadlineNanos) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        // Assigned, not subscribed, and never committed: no consumer group, so no group ACL either.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "txinsight-kafka-transactions");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            readTopic(consumer, alertsTopic, sinceMs, deadlineNanos, this::alertRecord);
            readTopic(consumer, outcomesTopic, sinceMs, deadlineNanos, this::outcomeRecord);
        }
    }

    /** Reads one topic; what Kafka refuses (a missing ACL, a timeout) becomes a note, not a failure of the command. */
    private void readTopic(KafkaConsumer<byte[], byte[]> consumer, String topic, Long sinceMs, long deadlineNanos,
            Consumer<ConsumerRecord<byte[], byte[]>> handler) {
        try {
            readToEnd(consumer, topic, sinceMs, deadlineNanos, handler);
        } catch (KafkaException e) {
            notes.add("could not read " + topic + " (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "): the counts leave it out");
        }
    }

    private void readToEnd(KafkaConsumer<byte[], byte[]> consumer, String topic, Long sinceMs, long deadlineNanos,
            Consumer<ConsumerRecord<byte[], byte[]>> handler) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, left(deadlineNanos));
        if (infos == null || infos.isEmpty()) {
            notes.add("topic " + topic + " does not exist (has the job written to it? see --alerts-topic, --outcomes-topic)");
            return;
        }
        List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        // read_committed: the end is each partition's last stable offset, all a committed reader can have.
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, left(deadlineNanos));
        if (sinceMs == null) {
            consumer.seekToBeginning(partitions);
        } else {
            Map<TopicPartition, Long> at = new HashMap<>();
            partitions.forEach(tp -> at.put(tp, sinceMs));
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(at, left(deadlineNanos));
            for (TopicPartition tp : partitions) {
                OffsetAndTimestamp o = found.get(tp);
                consumer.seek(tp, o == null ? end.get(tp) : o.offset());
            }
        }
        while (!reached(consumer, end)) {
            if (System.nanoTime() >= deadlineNanos) {
                notes.add("stopped reading " + topic + " at the deadline before its end: the counts are partial");
                return;
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                recordsRead++;
                if (record.value() == null) {
                    unreadable++;
                    continue;
                }
                try {
                    handler.accept(record);
                } catch (RuntimeException e) {
                    unreadable++;
                }
            }
        }
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static Duration left(long deadlineNanos) {
        return Duration.ofNanos(Math.max(1_000_000, deadlineNanos - System.nanoTime()));
    }

    /** One record of the alerts topic (package-private for tests). */
    void alertRecord(ConsumerRecord<byte[], byte[]> record) {
        Object read = VelocityAlert.readAlertsTopicRecord(record.value());
        if (read instanceof KafkaTransactionHanging h) {
            Holder holder = named(h.producerId(), h.transactionalId());
            if (holder != null) {
                holder.hanging = h;
            }
        } else if (read instanceof Alert a && Alert.STUCK.equals(a.alert()) && a.txnId() != null) {
            Holder holder = named(a.blockedBy());
            if (holder == null) {
                return;
            }
            Waiting before = waiting.get(a.txnId());
            if (before != null && before.producerId() != a.blockedBy().producerId()) {
                holders.get(before.producerId()).heldNow.remove(a.txnId());
            }
            if (holder.heldNow.add(a.txnId()) && before == null && waiting.size() >= MAX_TRACKED) {
                holder.heldNow.remove(a.txnId());
                holder.heldNowUntracked++;
                return;
            }
            waiting.put(a.txnId(), new Waiting(a.blockedBy().producerId(), record.timestamp()));
        }
    }

    /** One record of the outcomes topic (package-private for tests). */
    void outcomeRecord(ConsumerRecord<byte[], byte[]> record) {
        Outcome o = RecordJson.fromBytes(record.value(), Outcome.class);
        if (o.txnId() == null) {
            throw new IllegalArgumentException("no txn_id");
        }
        Long settledFor = null;
        Waiting w = waiting.get(o.txnId());
        if (w != null && w.alertWrittenMs() <= record.timestamp()) {
            waiting.remove(o.txnId());
            Holder held = holders.get(w.producerId());
            held.heldNow.remove(o.txnId());
            held.decided(o.txnId());
            settledFor = w.producerId();
        }
        Holder holder = named(o.blockedBy());
        if (holder != null && !Objects.equals(settledFor, o.blockedBy().producerId())) {
            holder.decided(o.txnId());
        }
    }

    private Holder named(BlockingKafkaTransaction b) {
        return b == null ? null : named(b.producerId(), b.transactionalId());
    }

    /** The producer's tally if it is asked about and the transactional ids, where both are known, agree. */
    private Holder named(long producerId, String transactionalId) {
        Holder h = holders.get(producerId);
        if (h == null || (h.transactionalId != null && transactionalId != null
                && !h.transactionalId.equals(transactionalId))) {
            return null;
        }
        return h;
    }
}
