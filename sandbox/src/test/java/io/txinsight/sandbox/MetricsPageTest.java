package io.txinsight.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class MetricsPageTest {

    private static final String P = "flink_taskmanager_job_task_operator_txinsights_";

    @Test
    void namesSeriesAsTheMonitoringRelabelDoes() {
        assertThat(MetricsPage.documentedName(P + "txn_type_le_duration_ms_bucket")).isEqualTo("txinsights_duration_ms_bucket");
        assertThat(MetricsPage.documentedName(P + "txn_type_status_closed")).isEqualTo("txinsights_closed");
        assertThat(MetricsPage.documentedName(P + "open_now")).isEqualTo("txinsights_open_now");
        assertThat(MetricsPage.documentedName(P + "txn_type_currency_le_amount_bucket")).isEqualTo("txinsights_amount_bucket");
        assertThat(MetricsPage.documentedName(P + "window_active_accounts")).isEqualTo("txinsights_active_accounts");
    }

    @Test
    void sumsOverSubtasksAndComputesAQuantileFromCumulativeBuckets() {
        String page = String.join("\n",
                "# HELP something",
                "flink_jobmanager_numRunningJobs{host=\"h\"} 1.0",
                P + "txn_type_status_closed{txn_type=\"payment\",status=\"success\",subtask_index=\"0\"} 30.0",
                P + "txn_type_status_closed{txn_type=\"payment\",status=\"failed\",subtask_index=\"1\"} 5.0",
                P + "open_now{subtask_index=\"0\"} 3.0",
                P + "open_now{subtask_index=\"1\"} 4.0",
                P + "txn_type_le_duration_ms_bucket{txn_type=\"payment\",le=\"100\",subtask_index=\"0\"} 50.0",
                P + "txn_type_le_duration_ms_bucket{txn_type=\"payment\",le=\"200\",subtask_index=\"0\"} 100.0",
                P + "txn_type_le_duration_ms_bucket{txn_type=\"payment\",le=\"_Inf\",subtask_index=\"0\"} 100.0",
                P + "txn_type_le_duration_ms_bucket{txn_type=\"payment\",le=\"100\",subtask_index=\"1\"} 50.0",
                P + "txn_type_le_duration_ms_bucket{txn_type=\"payment\",le=\"200\",subtask_index=\"1\"} 100.0",
                P + "txn_type_le_duration_ms_bucket{txn_type=\"payment\",le=\"_Inf\",subtask_index=\"1\"} 100.0",
                P + "txn_type_currency_amount_sum{txn_type=\"payment\",currency=\"EUR\",subtask_index=\"0\"} 1000.25",
                P + "txn_type_currency_amount_sum{txn_type=\"transfer\",currency=\"EUR\",subtask_index=\"1\"} 2000.0",
                P + "txn_type_currency_amount_sum{txn_type=\"payment\",currency=\"USD\",subtask_index=\"0\"} 12345.0",
                P + "window_active_accounts{window=\"1m\",subtask_index=\"0\"} 12.0",
                P + "window_active_accounts{window=\"5m\",subtask_index=\"0\"} 40.0",
                P + "window_active_accounts{window=\"15m\",subtask_index=\"0\"} 1234.0",
                "");

        MetricsPage metrics = MetricsPage.parse(page);

        assertThat(metrics.sum("txinsights_closed")).isEqualTo(35.0);
        assertThat(metrics.sum("txinsights_closed", s -> "failed".equals(s.labels().get("status")))).isEqualTo(5.0);
        assertThat(metrics.sum("txinsights_open_now")).isEqualTo(7.0);
        // 200 observations: half at or below 100 ms, all at or below 200 ms; p50 = 100, p75 = 150.
        assertThat(metrics.quantile("txinsights_duration_ms_bucket", 0.5)).isCloseTo(100.0, within(0.001));
        assertThat(metrics.quantile("txinsights_duration_ms_bucket", 0.75)).isCloseTo(150.0, within(0.001));
        assertThat(metrics.quantile("txinsights_inter_step_gap_ms_bucket", 0.5)).isNaN();
        assertThat(LiveSummary.line(metrics, "12")).contains("open 7", "closed 35 (failed 5)", "p99 duration 198ms",
                "active accounts 1m/5m/15m 12/40/1,234", "closed amount USD 12,345, EUR 3,000");
    }

    @Test
    void theSummarySaysWhenKafkaDoesNotAnswer() {
        MetricsPage healthy = MetricsPage.parse(String.join("\n",
                P + "view_input_reachable{view=\"monitor\",subtask_index=\"0\"} 1.0",
                P + "view_input_fetch_age_ms{view=\"monitor\",subtask_index=\"0\"} 120.0", ""));
        MetricsPage cutOff = MetricsPage.parse(String.join("\n",
                P + "view_input_reachable{view=\"monitor\",subtask_index=\"0\"} 1.0",
                P + "view_input_reachable{view=\"monitor\",subtask_index=\"1\"} 0.0",
                P + "view_input_fetch_age_ms{view=\"monitor\",subtask_index=\"1\"} 23400.0",
                P + "view_input_reachable{view=\"committed\",subtask_index=\"0\"} 1.0", ""));

        assertThat(LiveSummary.unreachable(healthy)).isEmpty();
        assertThat(LiveSummary.line(cutOff, "0"))
                .endsWith(" | KAFKA UNREACHABLE for the monitor view (no answer for 23.4s; the clock waits, no stuck alert for the outage)");
    }

    @Test
    void theSummarySaysWhileAKafkaTransactionIsLongOpenOrHanging() {
        MetricsPage none = MetricsPage.parse(String.join("\n",
                P + "topic_kafka_long_open_transactions{topic=\"txn-events\",subtask_index=\"0\"} 0.0",
                P + "topic_kafka_hanging_transactions{topic=\"txn-events\",subtask_index=\"0\"} 0.0",
                P + "topic_kafka_oldest_transaction_age_ms{topic=\"txn-events\",subtask_index=\"0\"} 120.0", ""));
        MetricsPage longOpen = MetricsPage.parse(String.join("\n",
                P + "topic_kafka_long_open_transactions{topic=\"txn-events\",subtask_index=\"0\"} 2.0",
                P + "topic_kafka_hanging_transactions{topic=\"txn-events\",subtask_index=\"0\"} 0.0",
                P + "topic_kafka_oldest_transaction_age_ms{topic=\"txn-events\",subtask_index=\"0\"} 12300.0",
                P + "topic_partition_lso_lag_records{topic=\"txn-events\",partition=\"0\",subtask_index=\"0\"} 40.0",
                P + "topic_partition_lso_lag_records{topic=\"txn-events\",partition=\"2\",subtask_index=\"0\"} 1200.0",
                ""));
        MetricsPage hanging = MetricsPage.parse(String.join("\n",
                P + "topic_kafka_hanging_transactions{topic=\"txn-events\",subtask_index=\"0\"} 1.0",
                P + "topic_kafka_oldest_transaction_age_ms{topic=\"txn-events\",subtask_index=\"0\"} 960000.0", ""));

        MetricsPage opening = MetricsPage.parse(String.join("\n",
                P + "topic_kafka_long_open_transactions{topic=\"txn-events\",subtask_index=\"0\"} 0.0",
                P + "topic_kafka_oldest_transaction_age_ms{topic=\"txn-events\",subtask_index=\"0\"} 3200.0",
                P + "topic_partition_lso_lag_records{topic=\"txn-events\",partition=\"1\",subtask_index=\"0\"} 310.0",
                ""));

        assertThat(LiveSummary.line(none, "0")).doesNotContain("KAFKA TRANSACTION").doesNotContain("Kafka transaction");
        assertThat(LiveSummary.line(opening, "0"))
                .endsWith(" | a Kafka transaction open 3.2s holds 310 records back from the committed view");
        assertThat(LiveSummary.line(longOpen, "0")).endsWith(" | KAFKA TRANSACTION LONG OPEN on 2 partition(s), open 12.3s,"
                + " 1,240 records held back from the committed view (named on the alerts topic)");
        assertThat(LiveSummary.kafkaTransactions(hanging)).startsWith(" | KAFKA TRANSACTION HANGING on 1 partition(s), open 960.0s");
    }

    @Test
    void topicSpecsSayWhatIsWrong() {
        assertThat(TopicSpec.parse("txn-events:3")).isEqualTo(new TopicSpec("txn-events", 3));
        assertThat(TopicSpec.parse("alerts")).isEqualTo(new TopicSpec("alerts", 1));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TopicSpec.parse("t:zero"))
                .hasMessage("topic 't:zero': partitions must be a whole number of at least 1, e.g. t:3");
    }
}
