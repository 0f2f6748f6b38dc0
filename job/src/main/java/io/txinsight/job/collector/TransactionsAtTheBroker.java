package io.txinsight.job.collector;

import io.txinsight.events.KafkaTransactionHanging;
import io.txinsight.job.records.View;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the job's collector does at each poll, outside Flink so tests drive it against a real
 * broker: asks the broker, through the {@link KafkaTransactionsCollector}, where the input
 * partitions stand, where the job's two consumer groups stand and which Kafka transactions hold
 * the partitions; updates the gauges of {@link CollectorMetrics}; and returns one {@link
 * KafkaTransactionHanging} per newly hanging or long-open transaction ({@link HangingReports}).
 *
 * <p>It never throws: a part of the poll that the broker refuses or does not answer is counted
 * by reason and logged once per distinct cause (and once when it answers again). The offsets come
 * first and need only Describe on the topics, so the lags still show when the rest is denied.
 */
public final class TransactionsAtTheBroker {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionsAtTheBroker.class);

    /** Each Admin call waits at most this long: the poll blocks the collector's operator (alone) meanwhile. */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    private final Admin admin;
    private final String bootstrapServers;
    private final List<String> topics;
    private final Pattern topicPattern;
    private final String monitorGroupId;
    private final String committedGroupId;
    private final KafkaTransactionsSettings settings;
    private final CollectorMetrics metrics;
    private final HangingReports reports;
    private final Map<TopicPartition, OffsetHistory> histories = new HashMap<>();
    /** The cause last logged per part of the poll, so a failure repeating every poll is logged once. */
    private final Map<String, String> lastLogged = new HashMap<>();

    /**
     * @param topics the input topics, ignored when {@code topicPattern} is set
     * @param topicPattern the input's topic pattern, or null
     * @param alreadyReported what an earlier run reported as hanging ({@link #reported()})
     */
    public TransactionsAtTheBroker(Admin admin, String bootstrapServers, List<String> topics, String topicPattern,
            String monitorGroupId, String committedGroupId, KafkaTransactionsSettings settings, CollectorMetrics metrics,
            List<String> alreadyReported) {
        this.admin = admin;
        this.bootstrapServers = bootstrapServers;
        this.topics = List.copyOf(topics);
        this.topicPattern = topicPattern == null ? null : Pattern.compile(topicPattern);
        this.monitorGroupId = monitorGroupId;
        this.committedGroupId = committedGroupId;
        this.settings = settings;
        this.metrics = metrics;
        this.reports = new HangingReports(bootstrapServers, alreadyReported);
    }

    /** The hanging transactions already reported that still hang: the collector's checkpointed state. */
    public List<String> reported() {
        return reports.reported();
    }

    /** One poll at {@code nowMs}: updates the gauges and returns the newly hanging and long-open transactions. */
    public List<KafkaTransactionHanging> poll(long nowMs) {
        KafkaTransactionsCollector collector;
        List<PartitionOffsets> offsets;
        try {
            collector = new KafkaTransactionsCollector(admin, inputTopics(), settings.rule(), CALL_TIMEOUT);
            offsets = collector.offsets();
            answered("offsets");
        } catch (Exception e) {
            failed("offsets", e);
            return List.of();
        }
        Map<String, PartitionOffsets> byPartition = new HashMap<>();
        for (PartitionOffsets o : offsets) {
            byPartition.put(o.topic() + "-" + o.partition(), o);
            histories.computeIfAbsent(new TopicPartition(o.topic(), o.partition()), k -> new OffsetHistory())
                    .seen(nowMs, o.highWatermark());
            if (metrics.partition(o.topic(), o.partition())) {
                long lagMs = o.lastStableOffset() < o.highWatermark() ? ageOfRecordAt(o, o.lastStableOffset(), nowMs) : 0;
                metrics.stableLag(o.topic(), o.partition(), o.stableLagRecords(), lagMs);
            }
        }
        viewLags(collector, View.MONITOR, monitorGroupId, offsets, nowMs);
        viewLags(collector, View.COMMITTED, committedGroupId, offsets, nowMs);

        List<OpenKafkaTransaction> open;
        try {
            open = collector.openTransactions(nowMs, offsets);
            answered("transactions");
        } catch (Exception e) {
            failed("transactions", e);
            return List.of();
        }
        metrics.polled();
        topicFigures(offsets, open, nowMs);
        List<KafkaTransactionHanging> hanging = reports.newlyHanging(nowMs, open, byPartition);
        hanging.forEach(h -> {
            if (KafkaTransactionHanging.KAFKA_TRANSACTION_LONG_OPEN.equals(h.alert())) {
                LOG.warn("Long-open Kafka transaction of producer {} (transactional id {}) on {}, open {} ms: the committed "
                        + "view reads no further there until its producer ends it", h.producerId(), h.transactionalId(),
                        h.partitions(), h.ageMs());
            } else {
                LOG.warn("Hanging Kafka transaction of producer {} (transactional id {}) on {}: the committed "
                        + "view reads no further there until it is aborted: {}", h.producerId(), h.transactionalId(),
                        h.partitions(), h.abortCommands());
            }
        });
        return hanging;
    }

    private List<String> inputTopics() throws Exception {
        if (topicPattern == null) {
            return topics;
        }
        return new TreeSet<>(admin.listTopics().names().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).stream()
                .filter(t -> topicPattern.matcher(t).matches())
                .toList();
    }

    /**
     * A view's lag: against the high watermark for the monitor view, against the last stable
     * offset (all read_committed can read) for the committed view; from the offsets the view's
     * group committed at its last completed checkpoint.
     */
    private void viewLags(KafkaTransactionsCollector collector, View view, String groupId, List<PartitionOffsets> offsets,
            long nowMs) {
        Map<TopicPartition, Long> committed;
        try {
            committed = collector.committedOffsets(groupId);
            answered("group " + groupId);
        } catch (Exception e) {
            failed("group " + groupId, e);
            return;
        }
        for (PartitionOffsets o : offsets) {
            Long position = committed.get(new TopicPartition(o.topic(), o.partition()));
            if (position == null) {
                continue;
            }
            long end = view == View.MONITOR ? o.highWatermark() : o.lastStableOffset();
            long records = Math.max(0, end - position);
            long ms = records > 0 ? ageOfRecordAt(o, position, nowMs) : 0;
            metrics.viewLag(view, o.topic(), o.partition(), records, ms);
        }
    }

    private long ageOfRecordAt(PartitionOffsets o, long offset, long nowMs) {
        OffsetHistory h = histories.get(new TopicPartition(o.topic(), o.partition()));
        return h == null ? 0 : h.ageOfRecordAt(offset, nowMs);
    }

    private void topicFigures(List<PartitionOffsets> offsets, List<OpenKafkaTransaction> open, long nowMs) {
        Map<String, long[]> byTopic = new HashMap<>();
        offsets.forEach(o -> byTopic.putIfAbsent(o.topic(), new long[4]));
        for (OpenKafkaTransaction t : open) {
            long[] f = byTopic.computeIfAbsent(t.topic(), k -> new long[4]);
            f[0]++;
            if (t.kind() == OpenKafkaTransaction.Kind.LONG_OPEN) {
                f[1]++;
            } else if (t.kind() == OpenKafkaTransaction.Kind.HANGING) {
                f[2]++;
            }
            f[3] = Math.max(f[3], t.ageMs(nowMs));
        }
        byTopic.forEach((topic, f) -> {
            metrics.topic(topic);
            metrics.topicFigures(topic, f[0], f[1], f[2], f[3]);
        });
    }

    private void failed(String part, Exception e) {
        CollectorFailure why = CollectorFailure.of(e);
        metrics.failed(why);
        String cause = why.label() + ": " + e.getClass().getSimpleName() + ": " + e.getMessage();
        if (cause.equals(lastLogged.put(part, cause))) {
            return;
        }
        if (why.missingPermission() != null) {
            LOG.warn("The Kafka transactions collector cannot read {} ({}): the job's Kafka principal lacks {}. The job "
                    + "keeps tracking; txinsights_kafka_collector_failures{reason=\"{}\"} counts each poll until the "
                    + "ACL is added (docs/operations.md §8). Logged once.", part, e.getMessage(), why.missingPermission(),
                    why.label());
        } else {
            LOG.warn("The Kafka transactions collector failed to read {} from {} ({}: {}). The job keeps tracking; "
                    + "txinsights_kafka_collector_failures{reason=\"{}\"} counts each failed poll. Logged once per "
                    + "distinct cause.", part, bootstrapServers, e.getClass().getSimpleName(), e.getMessage(), why.label());
        }
    }

    private void answered(String part) {
        if (lastLogged.remove(part) != null) {
            LOG.info("The Kafka transactions collector reads {} again.", part);
        }
    }
}
