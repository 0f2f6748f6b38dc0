/*
 * Regenerates flink-2.2.1-reporter-sample.prom: what Flink's PrometheusReporter really serves for
 * metrics registered the way the txinsight job registers them (user group "txinsights", one
 * key/value group per label, bucket counters under an "le" group), plus Flink's own job metrics.
 *
 * Not part of any build. With the Flink 2.2.1 jars (flink-streaming-java, flink-clients,
 * flink-metrics-prometheus and their dependencies) on a classpath CP; compiled first, because
 * Flink's user-code class loader cannot see classes of a single-file source launch:
 *   javac -cp "$CP" -d /tmp/sample monitoring/test/FlinkReporterSample.java
 *   java --add-opens java.base/java.util=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED \
 *       -cp "/tmp/sample:$CP" FlinkReporterSample > /tmp/flink-metrics.txt
 * then keep the families the monitoring reads (see the header of the .prom file).
 * It prints the reporter's whole /metrics page once the txinsights metrics and a completed
 * checkpoint are visible.
 */

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.legacy.DiscardingSink;

public class FlinkReporterSample {
    static final int PORT = 9399;

    /** Registers one series of each shape the txinsight tracker exports. */
    public static class Tracker extends RichMapFunction<Long, Long> {
        @Override
        public void open(OpenContext ctx) {
            MetricGroup g = getRuntimeContext().getMetricGroup().addGroup("txinsights");
            g.addGroup("txn_type", "payment").counter("opened").inc(5);
            // "order-v2" shows the reporter's label value filtering ("-" becomes "_").
            g.addGroup("txn_type", "order-v2").addGroup("status", "success").counter("closed").inc(2);
            g.addGroup("txn_type", "payment").addGroup("le", "+Inf").counter("duration_ms_bucket").inc(3);
            g.addGroup("txn_type", "payment").addGroup("le", "250").counter("duration_ms_bucket").inc(1);
            g.addGroup("txn_type", "payment").counter("duration_ms_count").inc(3);
            g.addGroup("txn_type", "payment").addGroup("step", "capture").addGroup("le", "250")
                    .counter("step_duration_ms_bucket").inc(1);
            g.addGroup("txn_type", "payment").addGroup("step", "capture").counter("step_duration_ms_count").inc(1);
            g.addGroup("txn_type", "payment").addGroup("step", "capture").counter("step_duration_ms_sum").inc(120);
            g.addGroup("view", "monitor").addGroup("event_type", "step_done").counter("events").inc(7);
            g.addGroup("view", "monitor").addGroup("reason", "not_json").counter("malformed");
            g.addGroup("view", "committed").counter("late");
            g.counter("dead_lettered");
            g.gauge("open_now", () -> 3L);
            g.gauge("committed_view_lag_ms", () -> 250L);
        }

        @Override
        public Long map(Long value) throws Exception {
            Thread.sleep(50); // keeps the job running (and checkpointing) while the page is read
            return value;
        }
    }

    public static void main(String[] args) throws Exception {
        Configuration conf = new Configuration();
        conf.setString("metrics.reporter.prom.factory.class",
                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        conf.setString("metrics.reporter.prom.port", String.valueOf(PORT));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
        env.enableCheckpointing(500);
        env.fromSequence(0, 1_000_000).map(new Tracker()).name("TransactionTracker").addSink(new DiscardingSink<>());
        var job = env.executeAsync("flink-sample");

        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        String page = "";
        while (Instant.now().isBefore(deadline) && !complete(page)) {
            Thread.sleep(500);
            try {
                page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
            } catch (java.io.IOException e) {
                // the reporter starts with the cluster; try again
            }
        }
        System.out.print(page);
        job.cancel().get();
        System.exit(complete(page) ? 0 : 1);
    }

    static boolean complete(String page) {
        return page.contains("txinsights_view_event_type_events")
                && page.matches("(?s).*numberOfCompletedCheckpoints\\{[^}]*\\} [1-9].*");
    }
}
