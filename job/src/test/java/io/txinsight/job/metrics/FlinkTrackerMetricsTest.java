package io.txinsight.job.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.events.CloseStatus;
import io.txinsight.job.records.View;
import io.txinsight.job.tracker.LiveCounts;
import io.txinsight.job.tracker.TrackerMetrics;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FlinkTrackerMetricsTest {

    private final CapturingMetricGroup operator = new CapturingMetricGroup();
    private final TrackerMetrics metrics = FlinkTrackerMetrics.factory().create(operator, new FixedCounts());

    @Test
    void amountsByTypeAndCurrencyWithTheCurrencyCapped() {
        metrics.closedAmount("payment", "EUR", 12.5);
        metrics.closedAmount("payment", "EUR", 1_000);
        metrics.closedAmount("payment", null, 3);
        for (int i = 0; i < MetricNames.CURRENCY_CAP + 2; i++) {
            metrics.closedAmount("transfer", "C" + i, 1);
        }
        String eur = "{currency=EUR,le=%s,txn_type=payment}";
        assertThat(operator.count("txinsights_txn_type_currency_le_amount_bucket" + eur.formatted("10"))).isZero();
        assertThat(operator.count("txinsights_txn_type_currency_le_amount_bucket" + eur.formatted("20"))).isEqualTo(1);
        assertThat(operator.count("txinsights_txn_type_currency_le_amount_bucket" + eur.formatted("1000"))).isEqualTo(2);
        assertThat(operator.count("txinsights_txn_type_currency_amount_count{currency=EUR,txn_type=payment}")).isEqualTo(2);
        assertThat(operator.gaugeValue("txinsights_txn_type_currency_amount_sum{currency=EUR,txn_type=payment}")).isEqualTo(1_012.5);
        assertThat(operator.count("txinsights_txn_type_currency_amount_count{currency=unknown,txn_type=payment}")).isEqualTo(1);
        // one cap for all types: EUR took one of the 10 places, so 3 of transfer's 12 currencies are "other"
        assertThat(operator.count("txinsights_txn_type_currency_amount_count{currency=other,txn_type=transfer}")).isEqualTo(3);
    }

    @Test
    void countersCarryTheirLabelsInAFixedOrder() {
        metrics.opened("payment");
        metrics.opened("payment");
        metrics.tentativelyClosed("payment");
        metrics.closed("payment", CloseStatus.SUCCESS);
        metrics.closed("payment", CloseStatus.FAILED);
        metrics.closed("payment", CloseStatus.FAILED);
        metrics.aborted("transfer");
        metrics.stuck("transfer");
        metrics.recovered("transfer");
        metrics.expired("transfer");
        metrics.outlier("payment");
        metrics.late(View.MONITOR);
        metrics.duplicate(View.COMMITTED);

        assertThat(operator.count("txinsights_txn_type_opened{txn_type=payment}")).isEqualTo(2);
        assertThat(operator.count("txinsights_txn_type_tentatively_closed{txn_type=payment}")).isEqualTo(1);
        assertThat(operator.count("txinsights_txn_type_status_closed{status=success,txn_type=payment}")).isEqualTo(1);
        assertThat(operator.count("txinsights_txn_type_status_closed{status=failed,txn_type=payment}")).isEqualTo(2);
        assertThat(operator.count("txinsights_txn_type_aborted{txn_type=transfer}")).isEqualTo(1);
        assertThat(operator.count("txinsights_txn_type_stuck{txn_type=transfer}")).isEqualTo(1);
        assertThat(operator.count("txinsights_txn_type_recovered{txn_type=transfer}")).isEqualTo(1);
        assertThat(operator.count("txinsights_txn_type_expired{txn_type=transfer}")).isEqualTo(1);
        assertThat(operator.count("txinsights_txn_type_outliers{txn_type=payment}")).isEqualTo(1);
        assertThat(operator.count("txinsights_view_late{view=monitor}")).isEqualTo(1);
        assertThat(operator.count("txinsights_view_late{view=committed}")).isZero();
        assertThat(operator.count("txinsights_view_duplicates{view=committed}")).isEqualTo(1);
    }

    @Test
    void distributionsAreBucketCountersByTypeAndStep() {
        metrics.committedDuration("payment", 120);
        metrics.tentativeDuration("payment", 110);
        metrics.commitLatency("payment", 30);
        metrics.interStepGap("payment", 7);
        metrics.stepDuration("payment", "fraud_check", 40);

        assertThat(operator.count("txinsights_txn_type_le_duration_ms_bucket{le=250,txn_type=payment}")).isEqualTo(1);
        assertThat(operator.count("txinsights_txn_type_le_duration_ms_bucket{le=100,txn_type=payment}")).isZero();
        assertThat(operator.count("txinsights_txn_type_duration_ms_sum{txn_type=payment}")).isEqualTo(120);
        assertThat(operator.count("txinsights_txn_type_tentative_duration_ms_count{txn_type=payment}")).isEqualTo(1);
        assertThat(operator.count("txinsights_txn_type_le_commit_latency_ms_bucket{le=50,txn_type=payment}")).isEqualTo(1);
        assertThat(operator.count("txinsights_txn_type_le_inter_step_gap_ms_bucket{le=10,txn_type=payment}")).isEqualTo(1);
        assertThat(operator.count(
                        "txinsights_txn_type_step_le_step_duration_ms_bucket{le=50,step=fraud_check,txn_type=payment}"))
                .isEqualTo(1);
        assertThat(operator.count(
                        "txinsights_txn_type_step_step_duration_ms_count{step=fraud_check,txn_type=payment}"))
                .isEqualTo(1);
    }

    @Test
    void missingLabelValuesAreUnknown() {
        metrics.opened(null);
        metrics.closed(null, null);
        metrics.stepDuration(null, null, 5);
        assertThat(operator.count("txinsights_txn_type_opened{txn_type=unknown}")).isEqualTo(1);
        assertThat(operator.count("txinsights_txn_type_status_closed{status=unknown,txn_type=unknown}")).isEqualTo(1);
        assertThat(operator.count(
                        "txinsights_txn_type_step_step_duration_ms_count{step=unknown,txn_type=unknown}"))
                .isEqualTo(1);
    }

    @Test
    void typeLabelsAreCappedAndOverflowToOther() {
        IntStream.range(0, MetricNames.TXN_TYPE_CAP + 5).forEach(i -> metrics.opened("type-" + i));
        long typeSeries = operator.metrics().keySet().stream()
                .filter(k -> k.startsWith("txinsights_txn_type_opened{"))
                .count();
        assertThat(typeSeries).isEqualTo(MetricNames.TXN_TYPE_CAP + 1);
        assertThat(operator.count("txinsights_txn_type_opened{txn_type=other}")).isEqualTo(5);
        assertThat(operator.count("txinsights_txn_type_opened{txn_type=type-0}")).isEqualTo(1);
    }

    @Test
    void stepLabelsAreCappedAndOverflowToOther() {
        IntStream.range(0, MetricNames.STEP_CAP + 3).forEach(i -> metrics.stepDuration("payment", "step-" + i, 1));
        long stepSeries = operator.metrics().keySet().stream()
                .filter(k -> k.startsWith("txinsights_txn_type_step_step_duration_ms_count{"))
                .count();
        assertThat(stepSeries).isEqualTo(MetricNames.STEP_CAP + 1);
        assertThat(operator.count(
                        "txinsights_txn_type_step_step_duration_ms_count{step=other,txn_type=payment}"))
                .isEqualTo(3);
    }

    @Test
    void gaugesReadTheLiveCounts() {
        assertThat(operator.gaugeValue("txinsights_open_now")).isEqualTo(5L);
        assertThat(operator.gaugeValue("txinsights_tentatively_closed_now")).isEqualTo(4L);
        assertThat(operator.gaugeValue("txinsights_stuck_now")).isEqualTo(3L);
        assertThat(operator.gaugeValue("txinsights_held_back_now")).isEqualTo(6L);
        assertThat(operator.gaugeValue("txinsights_oldest_open_age_ms")).isEqualTo(2_000L);
        assertThat(operator.gaugeValue("txinsights_committed_view_lag_ms")).isEqualTo(1_000L);
    }

    private static final class FixedCounts implements LiveCounts {
        @Override public long openNow() { return 5; }
        @Override public long tentativelyClosedNow() { return 4; }
        @Override public long stuckNow() { return 3; }
        @Override public long heldBackNow() { return 6; }
        @Override public long oldestOpenAgeMs() { return 2_000; }
        @Override public long committedViewLagMs() { return 1_000; }
    }
}
