package io.txinsight.job.collector;

import static io.txinsight.job.metrics.MetricNames.*;

import io.txinsight.job.records.View;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * The collector's series (docs/metrics.md): per topic, per partition and per view of a partition,
 * plus its polls and failures. Per-topic series of the topics named by {@code --topics} and the
 * counters exist at 0 from the start; a partition's series appear at the first poll that finds
 * it (the job learns its partitions from the broker), at most {@link #MAX_PARTITIONS} of them.
 */
public final class CollectorMetrics {

    /** Partitions with series of their own; more would be a cardinality problem, not a view. */
    public static final int MAX_PARTITIONS = 1_000;

    private final MetricGroup root;
    private final Counter polls;
    private final Map<CollectorFailure, Counter> failures = new EnumMap<>(CollectorFailure.class);
    /** Latest value of every gauge, by series key; gauges read it when reported. */
    private final Map<String, Long> values = new ConcurrentHashMap<>();
    private final Set<String> topics = new HashSet<>();
    private final Set<String> partitions = new HashSet<>();

    public CollectorMetrics(MetricGroup operatorGroup, Iterable<String> knownTopics) {
        this.root = operatorGroup.addGroup(GROUP);
        this.polls = root.counter(KAFKA_COLLECTOR_POLLS);
        for (CollectorFailure f : CollectorFailure.values()) {
            failures.put(f, root.addGroup(REASON, f.label()).counter(KAFKA_COLLECTOR_FAILURES));
        }
        knownTopics.forEach(this::topic);
    }

    public void polled() {
        polls.inc();
    }

    public void failed(CollectorFailure why) {
        failures.get(why).inc();
    }

    /** Registers a topic's series (at 0) if it has none yet. */
    public void topic(String topic) {
        if (!topics.add(topic)) {
            return;
        }
        MetricGroup g = root.addGroup(TOPIC, topic);
        for (String name : new String[] {KAFKA_OPEN_TRANSACTIONS, KAFKA_LONG_OPEN_TRANSACTIONS,
                KAFKA_HANGING_TRANSACTIONS, KAFKA_OLDEST_TRANSACTION_AGE_MS}) {
            String key = name + "|" + topic;
            values.putIfAbsent(key, 0L);
            g.gauge(name, (Gauge<Long>) () -> values.getOrDefault(key, 0L));
        }
    }

    /** Registers a partition's series (LSO lag at 0, view lags at -1 until a group commits) if it has none yet. */
    public boolean partition(String topic, int partition) {
        String id = topic + "|" + partition;
        if (partitions.contains(id)) {
            return true;
        }
        if (partitions.size() >= MAX_PARTITIONS) {
            return false;
        }
        partitions.add(id);
        topic(topic);
        MetricGroup g = root.addGroup(TOPIC, topic).addGroup(PARTITION, String.valueOf(partition));
        for (String name : new String[] {LSO_LAG_RECORDS, LSO_LAG_MS}) {
            String key = name + "|" + id;
            values.putIfAbsent(key, 0L);
            g.gauge(name, (Gauge<Long>) () -> values.getOrDefault(key, 0L));
        }
        for (View v : View.values()) {
            MetricGroup byView = root.addGroup(VIEW, v.label()).addGroup(TOPIC, topic)
                    .addGroup(PARTITION, String.valueOf(partition));
            for (String name : new String[] {INPUT_LAG_RECORDS, INPUT_LAG_MS}) {
                String key = name + "|" + id + "|" + v.label();
                values.putIfAbsent(key, -1L);
                byView.gauge(name, (Gauge<Long>) () -> values.getOrDefault(key, -1L));
            }
        }
        return true;
    }

    public void topicFigures(String topic, long open, long longOpen, long hanging, long oldestAgeMs) {
        values.put(KAFKA_OPEN_TRANSACTIONS + "|" + topic, open);
        values.put(KAFKA_LONG_OPEN_TRANSACTIONS + "|" + topic, longOpen);
        values.put(KAFKA_HANGING_TRANSACTIONS + "|" + topic, hanging);
        values.put(KAFKA_OLDEST_TRANSACTION_AGE_MS + "|" + topic, oldestAgeMs);
    }

    public void stableLag(String topic, int partition, long records, long ms) {
        values.put(LSO_LAG_RECORDS + "|" + topic + "|" + partition, records);
        values.put(LSO_LAG_MS + "|" + topic + "|" + partition, ms);
    }

    /** A view's lag on a partition; -1 for both when its group has committed nothing there. */
    public void viewLag(View view, String topic, int partition, long records, long ms) {
        values.put(INPUT_LAG_RECORDS + "|" + topic + "|" + partition + "|" + view.label(), records);
        values.put(INPUT_LAG_MS + "|" + topic + "|" + partition + "|" + view.label(), ms);
    }

    /** What a gauge reports now, by its series key; for tests. */
    Long value(String key) {
        return values.get(key);
    }
}
