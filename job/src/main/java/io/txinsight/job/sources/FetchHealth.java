package io.txinsight.job.sources;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.MetricsReporter;

/**
 * Whether a view's Kafka consumer is getting answers from the brokers: the difference between a
 * silent input and an unreachable one (issue 15, docs/design.md §3).
 *
 * <p>A silent partition advances the monitor clock with the wall clock, so stuck alerts fire when
 * every producer has died. A broker outage looks the same from the records alone: none arrive. But
 * the consumer knows: while the brokers answer, it completes a fetch at least every {@code
 * fetch.max.wait.ms} (500 ms by default), records or not; while they cannot be reached it completes
 * none. Its {@code fetch-total} metric counts them.
 *
 * <p>Kafka hands its consumers' metrics to the reporters named in {@code metric.reporters}; the
 * views' sources name this class there, so each consumer gets one instance, registered under its
 * {@code client.id}. Flink's Kafka source names its consumer {@code <prefix>-<subtask index>}, so
 * the same subtask's watermark generator and router find it with {@link #watch}. A client id with
 * no consumer (another source, a test) is unknown, and unknown means "assume it fetches": the
 * clock then behaves as it did before.
 */
public final class FetchHealth implements MetricsReporter {

    /** What {@link Watch#fetchAgeMs()} says when it cannot tell. */
    public static final long UNKNOWN = -1;

    private static final Map<String, FetchHealth> BY_CLIENT_ID = new ConcurrentHashMap<>();

    private volatile String clientId;
    private volatile KafkaMetric fetchTotal;
    private volatile KafkaMetric lastPollSecondsAgo;

    /** Kafka creates it, one per consumer, from {@code metric.reporters}. */
    public FetchHealth() {}

    /** The client id of subtask {@code subtask} of a Kafka source with client id prefix {@code prefix}. */
    public static String clientId(String prefix, int subtask) {
        return prefix + "-" + subtask;
    }

    /** The reporter list of a consumer that already names {@code existing} reporters, or none. */
    public static String withThisReporter(String existing) {
        String me = FetchHealth.class.getName();
        return existing == null || existing.isBlank() ? me : existing + "," + me;
    }

    @Override
    public void configure(Map<String, ?> configs) {
        Object id = configs.get(CommonClientConfigs.CLIENT_ID_CONFIG);
        clientId = id == null ? null : id.toString();
    }

    @Override
    public void init(List<KafkaMetric> metrics) {
        metrics.forEach(this::metricChange);
        if (clientId != null) {
            BY_CLIENT_ID.put(clientId, this);
        }
    }

    @Override
    public void metricChange(KafkaMetric metric) {
        MetricName name = metric.metricName();
        if (name.name().equals("fetch-total") && name.group().equals("consumer-fetch-manager-metrics")
                && !name.tags().containsKey("topic")) {
            fetchTotal = metric;
        } else if (name.name().equals("last-poll-seconds-ago") && name.group().equals("consumer-metrics")) {
            lastPollSecondsAgo = metric;
        }
    }

    @Override
    public void metricRemoval(KafkaMetric metric) {
        // The consumer is closing: close() follows.
    }

    @Override
    public void close() {
        if (clientId != null) {
            BY_CLIENT_ID.remove(clientId, this);
        }
    }

    private static double valueOf(KafkaMetric metric) {
        if (metric == null) {
            return -1;
        }
        Object v = metric.metricValue();
        return v instanceof Number n ? n.doubleValue() : -1;
    }

    /** Watches the consumer {@code clientId}, which need not exist yet. */
    public static Watch watch(String clientId, WallClock clock) {
        return new Watch(clientId, clock);
    }

    /**
     * One reader's view of one consumer. It learns that a fetch completed by seeing the count move
     * between two looks, so it is as precise as it is looked at: the watermark generator looks every
     * watermark interval (200 ms), a gauge at every metrics report.
     */
    public static final class Watch {
        /**
         * No answer for this long while the consumer keeps polling means the brokers cannot be
         * reached: far above the 500 ms an empty fetch takes, far below a stuck timeout.
         */
        public static final long UNREACHABLE_AFTER_MS = 10_000;
        /** A consumer that has not polled for this long is held back (backpressure), not cut off. */
        private static final double POLLING_WITHIN_S = 30;

        private final String clientId;
        private final WallClock clock;
        private double lastCount = -1;
        private long countMovedAtMs = UNKNOWN;

        private Watch(String clientId, WallClock clock) {
            this.clientId = clientId;
            this.clock = clock;
        }

        /** Milliseconds since the consumer last completed a fetch, as far as this watch saw; {@link #UNKNOWN} without it. */
        public synchronized long fetchAgeMs() {
            FetchHealth consumer = BY_CLIENT_ID.get(clientId);
            double count = consumer == null ? -1 : valueOf(consumer.fetchTotal);
            if (count < 0) {
                return UNKNOWN;
            }
            long now = clock.nowMs();
            if (count != lastCount || countMovedAtMs == UNKNOWN) {
                lastCount = count;
                countMovedAtMs = now;
            }
            return now - countMovedAtMs;
        }

        /**
         * Whether the brokers answer: false only when the consumer keeps asking and has had no
         * answer for {@link #UNREACHABLE_AFTER_MS}. Unknown counts as reachable.
         */
        public synchronized boolean reachable() {
            long age = fetchAgeMs();
            if (age == UNKNOWN || age <= UNREACHABLE_AFTER_MS) {
                return true;
            }
            FetchHealth consumer = BY_CLIENT_ID.get(clientId);
            double pollAge = consumer == null ? -1 : valueOf(consumer.lastPollSecondsAgo);
            return pollAge < 0 || pollAge > POLLING_WITHIN_S;
        }
    }
}
