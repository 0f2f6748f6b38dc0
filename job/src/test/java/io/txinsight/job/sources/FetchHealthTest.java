package io.txinsight.job.sources;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.common.metrics.Measurable;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeCount;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The reporter on Kafka's own metrics registry, named as a consumer names them: what the job reads
 * to tell a broker that does not answer from producers that write nothing.
 */
class FetchHealthTest {

    private static final String CLIENT = "txinsight-monitor-0";

    private final Metrics metrics = new Metrics();
    private final FetchHealth reporter = new FetchHealth();
    private final Sensor fetches = metrics.sensor("fetch-latency");
    private final double[] lastPollSecondsAgo = {0};
    private long now = 1_000_000;

    FetchHealthTest() {
        Map<String, String> tags = Map.of("client-id", CLIENT);
        fetches.add(metrics.metricName("fetch-total", "consumer-fetch-manager-metrics", tags), new CumulativeCount());
        // The per-topic series of the same name must not be taken for the consumer's.
        metrics.sensor("topic-fetch").add(metrics.metricName("fetch-total", "consumer-fetch-manager-metrics",
                Map.of("client-id", CLIENT, "topic", "txn-events")), new CumulativeCount());
        metrics.addMetric(metrics.metricName("last-poll-seconds-ago", "consumer-metrics", tags),
                (Measurable) (config, ms) -> lastPollSecondsAgo[0]);
        reporter.configure(Map.of("client.id", CLIENT));
        metrics.addReporter(reporter);
    }

    @AfterEach
    void closeConsumer() {
        metrics.close();
    }

    @Test
    void theAgeOfTheLastAnswerGrowsUntilTheNextFetchCompletes() {
        FetchHealth.Watch watch = FetchHealth.watch(FetchHealth.clientId("txinsight-monitor", 0), () -> now);
        fetches.record();
        assertThat(watch.fetchAgeMs()).isZero();
        now += 400;
        fetches.record();
        assertThat(watch.fetchAgeMs()).as("a fetch completed since the last look").isZero();
        now += 7_000;
        assertThat(watch.fetchAgeMs()).isEqualTo(7_000);
        assertThat(watch.reachable()).as("7 s is slow, not cut off").isTrue();
        now += 4_000;
        assertThat(watch.reachable()).as("polling, and no answer for 11 s").isFalse();
        lastPollSecondsAgo[0] = 40;
        assertThat(watch.reachable()).as("not polling: held back, not cut off").isTrue();
        fetches.record();
        lastPollSecondsAgo[0] = 0;
        assertThat(watch.fetchAgeMs()).isZero();
        assertThat(watch.reachable()).isTrue();
    }

    @Test
    void aConsumerNobodyKnowsIsUnknownAndUnknownIsReachable() {
        FetchHealth.Watch other = FetchHealth.watch("txinsight-committed-3", () -> now);
        assertThat(other.fetchAgeMs()).isEqualTo(FetchHealth.UNKNOWN);
        assertThat(other.reachable()).isTrue();

        FetchHealth.Watch mine = FetchHealth.watch(CLIENT, () -> now);
        assertThat(mine.fetchAgeMs()).isZero();
        metrics.close(); // the consumer closes: its reporter leaves the registry
        assertThat(mine.fetchAgeMs()).isEqualTo(FetchHealth.UNKNOWN);
    }

    @Test
    void theReporterJoinsWhateverReportersTheUserNamed() {
        assertThat(FetchHealth.withThisReporter(null)).isEqualTo(FetchHealth.class.getName());
        assertThat(FetchHealth.withThisReporter("com.acme.Reporter"))
                .isEqualTo("com.acme.Reporter," + FetchHealth.class.getName());
    }
}
