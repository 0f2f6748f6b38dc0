package io.txinsight.job.e2e;

import io.txinsight.job.LocalMiniCluster;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.txinsight.events.CloseStatus;
import io.txinsight.job.JobConfig;
import io.txinsight.job.TxInsightJob;
import io.txinsight.job.sources.StartingOffsets;
import io.txinsight.job.metrics.MetricCatalogTest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs the job on a MiniCluster with Flink's Prometheus reporter, configured as
 * {@code flink-conf/config.yaml} does, feeds it a small hand-written input whose every figure is
 * known, and scrapes {@code /metrics} over HTTP: the txinsights counters, gauges and {@code le}
 * bucket series must be there with the expected values once the relabelling of
 * {@code docs/metrics.md} is applied.
 */
class PrometheusMetricsE2ETest {

    /** Picked free on 127.0.0.1; the reporter itself binds every interface, as Flink does. */
    private static final int PORT = freePort();

    private static volatile String lastBody = "";

    @RegisterExtension
    static final MiniClusterExtension FLINK = LocalMiniCluster.withSlots(2, Configuration.fromMap(Map.of(
                            "metrics.reporter.prom.factory.class",
                            "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
                            "metrics.reporter.prom.port", String.valueOf(PORT))));

    @RegisterExtension
    static final KafkaBroker kafka = new KafkaBroker();

    @Test
    void txinsightsMetricsReachPrometheusWithTheirValues() throws Exception {
        String topic = "metrics-events";
        kafka.createTopic(topic, 2);
        kafka.createTopics(1, "metrics-outcomes", "metrics-alerts", "metrics-dead-letters");
        JobConfig config = JobConfig.DEFAULTS
                .withBootstrapServers(kafka.bootstrapServers())
                .withTopics(topic)
                .withStartingOffsets(StartingOffsets.EARLIEST)
                .withTracker(JobConfig.DEFAULTS.tracker().withStuckTimeoutMs(3_000))
                .withOutOfOrdernessMs(500)
                .withOutputTopics("metrics-outcomes", "metrics-alerts", "metrics-dead-letters")
                .withCheckpointIntervalMs(0)
                .withParallelism(2)
                .withJobName("metrics-e2e");
        JobClient job = TxInsightJob.start(StreamExecutionEnvironment.getExecutionEnvironment(), config);
        try (KafkaProducer<byte[], byte[]> producer = TestEvents.producer(kafka.bootstrapServers(), null)) {
            long t = System.currentTimeMillis();
            // 6 payments of 120 ms (4 succeed, 2 fail), 3 transfers of 3 s, and one payment that
            // never finishes (it goes stuck). Plain records: both views see them at once.
            for (int i = 0; i < 7; i++) {
                String id = "pay-" + i;
                producer.send(TestEvents.record(topic, TestEvents.open(id, t, "payment")));
                producer.send(TestEvents.record(topic, TestEvents.stepOpen(id, t + 10, "validate")));
                if (i < 6) {
                    producer.send(TestEvents.record(topic, TestEvents.stepDone(id, t + 50, "validate")));
                    producer.send(TestEvents.record(topic, TestEvents.close(id, t + 120,
                            i < 4 ? CloseStatus.SUCCESS : CloseStatus.FAILED)));
                }
            }
            for (int i = 0; i < 3; i++) {
                String id = "xfer-" + i;
                producer.send(TestEvents.record(topic, TestEvents.open(id, t, "transfer")));
                producer.send(TestEvents.record(topic, TestEvents.stepOpen(id, t + 5, "debit")));
                producer.send(TestEvents.record(topic, TestEvents.stepDone(id, t + 2_000, "debit")));
                producer.send(TestEvents.record(topic, TestEvents.close(id, t + 3_000, CloseStatus.SUCCESS)));
            }
            producer.send(TestEvents.raw(topic, "bad-1", "{not json"));
            producer.send(TestEvents.raw(topic, "bad-2", "[1, 2]"));
            producer.flush();

            Map<String, Double> expected = new LinkedHashMap<>();
            expected.put("txinsights_opened{txn_type=payment}", 7.0);
            expected.put("txinsights_opened{txn_type=transfer}", 3.0);
            expected.put("txinsights_closed{status=success,txn_type=payment}", 4.0);
            expected.put("txinsights_closed{status=failed,txn_type=payment}", 2.0);
            expected.put("txinsights_closed{status=success,txn_type=transfer}", 3.0);
            expected.put("txinsights_stuck{txn_type=payment}", 1.0);
            expected.put("txinsights_events{event_type=transaction_open,view=monitor}", 10.0);
            expected.put("txinsights_events{event_type=step_done,view=monitor}", 9.0);
            expected.put("txinsights_events{event_type=transaction_close,view=committed}", 9.0);
            expected.put("txinsights_malformed{reason=not_json,view=monitor}", 1.0);
            expected.put("txinsights_malformed{reason=not_object,view=committed}", 1.0);
            expected.put("txinsights_malformed{reason=too_large,view=monitor}", 0.0);
            expected.put("txinsights_dead_lettered", 2.0);
            expected.put("txinsights_duration_ms_bucket{le=100,txn_type=payment}", 0.0);
            expected.put("txinsights_duration_ms_bucket{le=250,txn_type=payment}", 6.0);
            expected.put("txinsights_duration_ms_bucket{le=+Inf,txn_type=payment}", 6.0);
            expected.put("txinsights_duration_ms_bucket{le=2500,txn_type=transfer}", 0.0);
            expected.put("txinsights_duration_ms_bucket{le=5000,txn_type=transfer}", 3.0);
            expected.put("txinsights_duration_ms_count{txn_type=transfer}", 3.0);
            expected.put("txinsights_duration_ms_sum{txn_type=payment}", 720.0);
            expected.put("txinsights_duration_ms_sum{txn_type=transfer}", 9_000.0);
            expected.put("txinsights_step_duration_ms_bucket{le=50,step=validate,txn_type=payment}", 6.0);
            expected.put("txinsights_step_duration_ms_count{step=debit,txn_type=transfer}", 3.0);
            expected.put("txinsights_open_now", 1.0);
            expected.put("txinsights_stuck_now", 1.0);
            expected.put("txinsights_tentatively_closed_now", 0.0);
            // The Kafka transactions collector: no Kafka transaction here (plain records), so
            // nothing open and no LSO lag; the reporter turns the topic's "-" into "_".
            expected.put("txinsights_kafka_open_transactions{topic=metrics_events}", 0.0);
            expected.put("txinsights_kafka_hanging_transactions{topic=metrics_events}", 0.0);
            expected.put("txinsights_lso_lag_records{partition=0,topic=metrics_events}", 0.0);
            expected.put("txinsights_lso_lag_records{partition=1,topic=metrics_events}", 0.0);
            expected.put("txinsights_kafka_collector_failures{reason=denied_cluster}", 0.0);

            Map<String, Double>[] last = new Map[1];
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions()
                    .untilAsserted(() -> {
                        last[0] = scrape();
                        for (Map.Entry<String, Double> e : expected.entrySet()) {
                            assertThat(last[0]).as("scraped series").containsEntry(e.getKey(), e.getValue());
                        }
                    });

            Map<String, Double> series = last[0];
            // The raw form, as documented: label keys in the name, values as labels.
            assertThat(lastBody)
                    .contains("flink_taskmanager_job_task_operator_txinsights_txn_type_le_duration_ms_bucket{")
                    .contains("flink_taskmanager_job_task_operator_txinsights_txn_type_step_le_step_duration_ms_bucket{")
                    .contains("flink_taskmanager_job_task_operator_txinsights_view_event_type_events{")
                    .contains("flink_taskmanager_job_task_operator_txinsights_open_now{")
                    .contains("le=\"_Inf\"")
                    .contains("txn_type=\"payment\"")
                    .contains("operator_name=\"TransactionTracker\"");
            assertThat(series.keySet().stream().filter(k -> k.startsWith("txinsights_duration_ms_bucket{")
                            && k.endsWith("txn_type=payment}")))
                    .as("16 le buckets").hasSize(16);
            assertThat(series.get("txinsights_oldest_open_age_ms")).isGreaterThan(0.0);
            assertThat(series).containsKey("txinsights_committed_view_lag_ms");
            assertThat(series.get("txinsights_kafka_collector_polls")).isGreaterThan(0.0);
            assertThat(series).containsKeys("txinsights_input_lag_ms{partition=0,topic=metrics_events,view=monitor}",
                    "txinsights_input_lag_records{partition=1,topic=metrics_events,view=committed}");
            assertThat(lastBody)
                    .contains("flink_taskmanager_job_task_operator_txinsights_topic_partition_lso_lag_records{")
                    .contains("flink_taskmanager_job_task_operator_txinsights_view_topic_partition_input_lag_ms{")
                    .contains("operator_name=\"Kafka_transactions_at_the_broker\"");
            assertThat(series.keySet()).noneMatch(k -> k.contains("pay-") || k.contains("xfer-"));
        } finally {
            job.cancel().get();
        }
    }

    /**
     * The txinsights series of /metrics, by documented name and the job's own labels (sorted),
     * summed over subtasks, with the relabelling of docs/metrics.md applied in Java.
     */
    private static Map<String, Double> scrape() throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        lastBody = r.body();
        Pattern line = Pattern.compile("^(flink_taskmanager_job_task_operator_txinsights_\\w+)\\{(.*)} (\\S+)$");
        Pattern label = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");
        Map<String, Double> out = new LinkedHashMap<>();
        for (String l : r.body().split("\n")) {
            Matcher m = line.matcher(l);
            if (!m.matches()) {
                continue;
            }
            Map<String, String> labels = new java.util.TreeMap<>();
            Matcher lm = label.matcher(m.group(2));
            while (lm.find()) {
                labels.put(lm.group(1), lm.group(2));
            }
            // rule 3: the reporter's default label filter turns "+Inf" into "_Inf"
            if ("_Inf".equals(labels.get("le"))) {
                labels.put("le", "+Inf");
            }
            String name = MetricCatalogTest.documentedName(m.group(1), labels);
            List<String> own = new ArrayList<>();
            for (String key : List.of("event_type", "le", "partition", "reason", "status", "step", "topic", "txn_type",
                    "view")) {
                if (labels.containsKey(key)) {
                    own.add(key + "=" + labels.get(key));
                }
            }
            String id = own.isEmpty() ? name : name + "{" + String.join(",", own) + "}";
            out.merge(id, Double.parseDouble(m.group(3)), Double::sum);
        }
        return out;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port on 127.0.0.1", e);
        }
    }
}
