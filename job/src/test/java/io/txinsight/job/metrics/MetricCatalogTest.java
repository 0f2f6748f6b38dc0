package io.txinsight.job.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.events.CloseStatus;
import io.txinsight.events.EventType;
import io.txinsight.job.collector.CollectorMetrics;
import io.txinsight.job.records.View;
import io.txinsight.job.sources.FetchHealth;
import io.txinsight.job.tracker.LiveCounts;
import io.txinsight.job.tracker.TrackerMetrics;
import io.txinsight.job.velocity.VelocityMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.txinsight.job.stats.ActiveAccountsOperator;
import org.junit.jupiter.api.Test;

/**
 * The contract between the names the job registers, the Prometheus relabelling that gives them
 * their documented names, and {@code docs/metrics.md}.
 */
public class MetricCatalogTest {

    static final String RAW_PREFIX = "flink_taskmanager_job_task_operator_";

    /** Rule 1 of monitoring/prometheus/prometheus.yml (Prometheus regexes are anchored, as matches() is). */
    static final String STRIP_LABEL_KEYS_REGEX =
            "flink_taskmanager_job_task_operator_txinsights_(?:(?:" + String.join("|", MetricNames.LABEL_KEYS) + ")_)*(.+)";
    static final Pattern STRIP_LABEL_KEYS = Pattern.compile(STRIP_LABEL_KEYS_REGEX);

    static final Set<String> DOCUMENTED = Set.of(
            "txinsights_opened", "txinsights_tentatively_closed", "txinsights_closed", "txinsights_aborted",
            "txinsights_stuck", "txinsights_recovered", "txinsights_expired", "txinsights_outliers",
            "txinsights_events", "txinsights_malformed", "txinsights_late", "txinsights_duplicates",
            "txinsights_dead_lettered", "txinsights_open_attribute_problems", "txinsights_input_fetch_age_ms", "txinsights_input_reachable", "txinsights_open_now", "txinsights_tentatively_closed_now",
            "txinsights_stuck_now", "txinsights_held_back_now", "txinsights_oldest_open_age_ms", "txinsights_committed_view_lag_ms",
            "txinsights_duration_ms_bucket", "txinsights_duration_ms_count", "txinsights_duration_ms_sum",
            "txinsights_tentative_duration_ms_bucket", "txinsights_tentative_duration_ms_count",
            "txinsights_tentative_duration_ms_sum", "txinsights_commit_latency_ms_bucket",
            "txinsights_commit_latency_ms_count", "txinsights_commit_latency_ms_sum",
            "txinsights_step_duration_ms_bucket", "txinsights_step_duration_ms_count",
            "txinsights_step_duration_ms_sum", "txinsights_inter_step_gap_ms_bucket",
            "txinsights_inter_step_gap_ms_count", "txinsights_inter_step_gap_ms_sum",
            "txinsights_ledger_rows_pending", "txinsights_ledger_rows_written", "txinsights_ledger_write_failures",
            "txinsights_amount_bucket", "txinsights_amount_count", "txinsights_amount_sum",
            "txinsights_active_accounts",

            "txinsights_velocity_opens", "txinsights_velocity_bursts", "txinsights_velocity_late",
            "txinsights_velocity_duplicates",

            "txinsights_kafka_open_transactions", "txinsights_kafka_long_open_transactions",
            "txinsights_kafka_hanging_transactions", "txinsights_kafka_oldest_transaction_age_ms",
            "txinsights_lso_lag_records", "txinsights_lso_lag_ms", "txinsights_input_lag_records",
            "txinsights_input_lag_ms", "txinsights_kafka_collector_polls", "txinsights_kafka_collector_failures");

    /** The documented name of a raw exported name with its labels (rules 1 and 2). */
    public static String documentedName(String rawName, Map<String, String> labels) {
        Matcher m = STRIP_LABEL_KEYS.matcher(rawName);
        if (!m.matches()) {
            return rawName;
        }
        String name = "txinsights_" + m.group(1);
        if (labels.containsKey("step") && name.matches("txinsights_duration_ms_(bucket|count|sum)")) {
            name = name.replace("txinsights_", "txinsights_step_");
        }
        return name;
    }

    /** Every metric the job registers, by raw name, with the set of label keys each carries. */
    static Map<String, Set<String>> everyRegisteredMetric() {
        CapturingMetricGroup operator = new CapturingMetricGroup();
        TrackerMetrics t = FlinkTrackerMetrics.factory().create(operator, new LiveCounts() {
            @Override public long openNow() { return 0; }
            @Override public long tentativelyClosedNow() { return 0; }
            @Override public long stuckNow() { return 0; }
            @Override public long heldBackNow() { return 0; }
            @Override public long oldestOpenAgeMs() { return 0; }
            @Override public long committedViewLagMs() { return 0; }
        });
        t.opened("payment");
        t.tentativelyClosed("payment");
        t.closed("payment", CloseStatus.SUCCESS);
        t.aborted("payment");
        t.stuck("payment");
        t.recovered("payment");
        t.expired("payment");
        t.outlier("payment");
        t.late(View.MONITOR);
        t.duplicate(View.MONITOR);
        t.tentativeDuration("payment", 1);
        t.committedDuration("payment", 1);
        t.commitLatency("payment", 1);
        t.stepDuration("payment", "settle", 1);
        t.interStepGap("payment", 1);
        t.closedAmount("payment", "EUR", 12.5);
        ActiveAccountsOperator.registerGauges(operator, new long[ActiveAccountsOperator.WINDOW_MINUTES.length]);
        for (View v : View.values()) {
            CapturingMetricGroup router = new CapturingMetricGroup();
            ReadMetrics r = new ReadMetrics(router, v);
            r.event(EventType.STEP_OPEN);
            r.input(FetchHealth.watch("nobody", () -> 0));
            operator.metrics().putAll(router.metrics());
        }
        CapturingMetricGroup velocity = new CapturingMetricGroup();
        new VelocityMetrics(velocity);
        operator.metrics().putAll(velocity.metrics());
        CapturingMetricGroup collector = new CapturingMetricGroup();
        new CollectorMetrics(collector, List.of("txn-events")).partition("txn-events", 0);
        operator.metrics().putAll(collector.metrics());
        Map<String, Set<String>> out = new HashMap<>();
        // The ledger's writers register these, without labels, in the same group.
        for (String ledger : List.of(MetricNames.LEDGER_ROWS_PENDING, MetricNames.LEDGER_ROWS_WRITTEN,
                MetricNames.LEDGER_WRITE_FAILURES)) {
            out.put(RAW_PREFIX + MetricNames.GROUP + "_" + ledger, new HashSet<>());
        }
        operator.metrics().keySet().forEach(id -> {
            int brace = id.indexOf('{');
            String raw = RAW_PREFIX + (brace < 0 ? id : id.substring(0, brace));
            Set<String> keys = new TreeSet<>();
            if (brace >= 0) {
                for (String kv : id.substring(brace + 1, id.length() - 1).split(",")) {
                    keys.add(kv.substring(0, kv.indexOf('=')));
                }
            }
            out.computeIfAbsent(raw, k -> new HashSet<>()).addAll(keys);
        });
        return out;
    }

    @Test
    void everyRegisteredMetricGetsItsDocumentedNameAndNoTwoCollide() {
        Map<String, Set<String>> labelsByDocumentedName = new HashMap<>();
        everyRegisteredMetric().forEach((raw, keys) -> {
            Map<String, String> labels = new HashMap<>();
            keys.forEach(k -> labels.put(k, "x"));
            String name = documentedName(raw, labels);
            Set<String> previous = labelsByDocumentedName.put(name, keys);
            assertThat(previous == null || previous.equals(keys))
                    .as("%s comes from raw names with different labels (%s and %s)", name, previous, keys)
                    .isTrue();
        });
        assertThat(labelsByDocumentedName.keySet()).containsExactlyInAnyOrderElementsOf(DOCUMENTED);
        assertThat(labelsByDocumentedName.get("txinsights_step_duration_ms_bucket"))
                .containsExactlyInAnyOrder("txn_type", "step", "le");
        assertThat(labelsByDocumentedName.get("txinsights_duration_ms_bucket"))
                .containsExactlyInAnyOrder("txn_type", "le");
        assertThat(labelsByDocumentedName.get("txinsights_amount_bucket"))
                .containsExactlyInAnyOrder("txn_type", "currency", "le");
        assertThat(labelsByDocumentedName.get("txinsights_active_accounts")).containsExactly("window");
        assertThat(labelsByDocumentedName.get("txinsights_lso_lag_ms")).containsExactlyInAnyOrder("topic", "partition");
        assertThat(labelsByDocumentedName.get("txinsights_input_lag_ms"))
                .containsExactlyInAnyOrder("view", "topic", "partition");
        assertThat(labelsByDocumentedName.get("txinsights_kafka_collector_failures")).containsExactly("reason");
    }

    @Test
    void prometheusStripsExactlyTheLabelKeysTheJobUses() throws Exception {
        String rule = "regex: '" + STRIP_LABEL_KEYS_REGEX + "'";
        assertThat(Files.readString(Path.of("..", "monitoring", "prometheus", "prometheus.yml"))).contains(rule);
        for (String doc : List.of("metrics.md", "monitoring.md")) {
            assertThat(Files.readString(Path.of("..", "docs", doc))).as("docs/%s shows rule 1", doc)
                    .contains("`" + STRIP_LABEL_KEYS_REGEX + "`");
        }
    }

    @Test
    void docsListEveryMetricAndItsRawName() throws Exception {
        Path doc = Path.of("..", "docs", "metrics.md");
        assertThat(doc).exists();
        String text = Files.readString(doc);
        for (String name : DOCUMENTED) {
            String base = name.replaceAll("_(bucket|count|sum)$", "");
            assertThat(text).as("docs/metrics.md mentions %s", base).contains("`" + base);
        }
        everyRegisteredMetric().keySet().stream()
                .filter(raw -> !raw.endsWith("_count") && !raw.endsWith("_sum"))
                .forEach(raw -> assertThat(text).as("docs/metrics.md shows the raw name %s", raw).contains(raw));
    }
}
