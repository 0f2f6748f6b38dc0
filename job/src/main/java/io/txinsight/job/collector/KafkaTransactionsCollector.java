package io.txinsight.job.collector;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeProducersResult.PartitionProducerState;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;

/**
 * Asks the broker, through Kafka's Admin API, what holds the input topics' committed view back:
 * the same questions {@code kafka-transactions.sh} asks, for every partition of the given topics.
 *
 * <ol>
 *   <li>{@code listOffsets} latest, read_uncommitted and read_committed: high watermark and last stable offset.
 *   <li>{@code describeProducers}: the producers with a transaction open on each partition.
 *   <li>{@code listTransactions} filtered by those producer ids: their transactional ids.
 *   <li>{@code describeTransactions}: the coordinator's state, start, timeout and partitions.
 * </ol>
 *
 * Needs Describe and Read on the topics and Describe on the transactional ids (docs/operations.md
 * §8); a call that is denied fails the poll with Kafka's authorization error, which the caller reports.
 */
public final class KafkaTransactionsCollector {

    private final Admin admin;
    private final List<String> topics;
    private final HangingRule rule;
    private final Duration callTimeout;

    public KafkaTransactionsCollector(Admin admin, Collection<String> topics, HangingRule rule, Duration callTimeout) {
        this.admin = admin;
        this.topics = List.copyOf(topics);
        this.rule = rule;
        this.callTimeout = callTimeout;
    }

    /** One poll. Throws what Kafka threw (unwrapped), or a timeout. */
    public KafkaTransactionsSnapshot poll(long nowMs) throws Exception {
        List<PartitionOffsets> offsets = offsets();
        return new KafkaTransactionsSnapshot(nowMs, offsets, openTransactions(nowMs, offsets));
    }

    /**
     * High watermark and last stable offset of every partition of the topics: the part of a poll
     * that needs only Describe on the topics, so the job still shows the lags when the broker
     * denies the rest.
     */
    public List<PartitionOffsets> offsets() throws Exception {
        List<TopicPartition> partitions = partitions();
        Map<TopicPartition, ListOffsetsResultInfo> highWatermarks = latestOffsets(partitions, IsolationLevel.READ_UNCOMMITTED);
        Map<TopicPartition, ListOffsetsResultInfo> stableOffsets = latestOffsets(partitions, IsolationLevel.READ_COMMITTED);
        List<PartitionOffsets> offsets = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            offsets.add(new PartitionOffsets(tp.topic(), tp.partition(),
                    highWatermarks.get(tp).offset(), stableOffsets.get(tp).offset()));
        }
        return offsets;
    }

    /** The Kafka transactions open on these partitions, each classified by the {@link HangingRule}. */
    public List<OpenKafkaTransaction> openTransactions(long nowMs, List<PartitionOffsets> offsets) throws Exception {
        List<TopicPartition> partitions = offsets.stream()
                .map(o -> new TopicPartition(o.topic(), o.partition()))
                .toList();
        Map<TopicPartition, List<ProducerState>> openByPartition = new HashMap<>();
        Map<TopicPartition, PartitionProducerState> producers = get(admin.describeProducers(partitions).all());
        producers.forEach((tp, state) -> {
            List<ProducerState> open = state.activeProducers().stream()
                    .filter(p -> p.currentTransactionStartOffset().isPresent())
                    .toList();
            if (!open.isEmpty()) {
                openByPartition.put(tp, open);
            }
        });
        if (openByPartition.isEmpty()) {
            return List.of();
        }

        Set<Long> producerIds = new TreeSet<>();
        openByPartition.values().forEach(list -> list.forEach(p -> producerIds.add(p.producerId())));
        Map<Long, String> transactionalIds = new HashMap<>();
        Collection<TransactionListing> listings = get(admin.listTransactions(
                new ListTransactionsOptions().filterProducerIds(producerIds)).all());
        listings.forEach(l -> transactionalIds.put(l.producerId(), l.transactionalId()));
        if (!transactionalIds.keySet().containsAll(producerIds)) {
            requireDescribeOnTransactionalIds();
        }
        Map<String, TransactionDescription> descriptions = describe(transactionalIds.values());

        List<OpenKafkaTransaction> open = new ArrayList<>();
        openByPartition.forEach((tp, states) -> {
            for (ProducerState p : states) {
                open.add(openTransaction(nowMs, tp, p, transactionalIds.get(p.producerId()), descriptions));
            }
        });
        open.sort(Comparator.comparing(OpenKafkaTransaction::topic).thenComparingInt(OpenKafkaTransaction::partition)
                .thenComparingLong(OpenKafkaTransaction::startOffset));
        return open;
    }

    /**
     * The offsets consumer group {@code groupId} committed on these topics: where a view of the
     * job stood at its last completed checkpoint (Flink's Kafka source commits then). Partitions
     * the group never committed are absent.
     */
    public Map<TopicPartition, Long> committedOffsets(String groupId) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed =
                get(admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata());
        Map<TopicPartition, Long> out = new HashMap<>();
        committed.forEach((tp, om) -> {
            if (om != null && topics.contains(tp.topic())) {
                out.put(tp, om.offset());
            }
        });
        return out;
    }

    private OpenKafkaTransaction openTransaction(long nowMs, TopicPartition tp, ProducerState p, String transactionalId,
            Map<String, TransactionDescription> descriptions) {
        TransactionDescription d = transactionalId == null ? null : descriptions.get(transactionalId);
        List<String> listed = d == null ? List.of()
                : d.topicPartitions().stream().map(TopicPartition::toString).sorted().toList();
        long coordinatorStart = d == null ? -1 : d.transactionStartTimeMs().orElse(-1);
        long start = coordinatorStart >= 0 ? coordinatorStart : p.lastTimestamp();
        OpenKafkaTransaction.Kind kind = rule.classify(nowMs, p.lastTimestamp(), start, transactionalId, d != null,
                listed, tp.toString());
        return new OpenKafkaTransaction(tp.topic(), tp.partition(), p.producerId(), p.producerEpoch(),
                p.currentTransactionStartOffset().getAsLong(), p.lastTimestamp(), transactionalId,
                d == null ? null : d.state().toString(), coordinatorStart,
                d == null ? -1 : d.transactionTimeoutMs(), listed, kind);
    }

    /**
     * {@code listTransactions} leaves out, without an error, every transactional id the caller may
     * not describe: a producer missing from its answer has no id, or one hidden from us. Only the
     * first makes a transaction hanging, so ask about an id that cannot exist: a denial means the
     * job lacks Describe on transactional ids and cannot judge, and the poll fails with it rather
     * than call a transaction hanging that may be fine.
     */
    private void requireDescribeOnTransactionalIds() throws Exception {
        try {
            get(admin.describeTransactions(List.of(PERMISSION_PROBE_ID)).description(PERMISSION_PROBE_ID));
        } catch (TransactionalIdNotFoundException expected) {
            // Allowed to describe, and nobody uses this id: the missing producers have no id.
        }
    }

    /** A transactional id nobody uses, asked about to learn whether the job may describe transactional ids. */
    static final String PERMISSION_PROBE_ID = "txinsight-collector-permission-probe";

    /** Descriptions of the ids the coordinator still has; an id it no longer knows is simply absent. */
    private Map<String, TransactionDescription> describe(Collection<String> ids) throws Exception {
        Map<String, TransactionDescription> found = new HashMap<>();
        if (ids.isEmpty()) {
            return found;
        }
        var described = admin.describeTransactions(ids);
        for (String id : ids) {
            try {
                found.put(id, get(described.description(id)));
            } catch (TransactionalIdNotFoundException gone) {
                // Expired between the calls: no description, as find-hanging treats it.
            }
        }
        return found;
    }

    private List<TopicPartition> partitions() throws Exception {
        Map<String, TopicDescription> described = get(admin.describeTopics(topics).allTopicNames());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            described.get(topic).partitions().forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        return partitions;
    }

    private Map<TopicPartition, ListOffsetsResultInfo> latestOffsets(List<TopicPartition> partitions,
            IsolationLevel isolation) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        return get(admin.listOffsets(latest, new ListOffsetsOptions(isolation)).all());
    }

    private <T> T get(KafkaFuture<T> future) throws Exception {
        try {
            return future.get(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            throw new TimeoutException("Kafka did not answer the Admin API within " + callTimeout.toSeconds() + " s");
        }
    }
}
