package io.txinsight.job.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.txinsight.events.EventType;
import io.txinsight.events.OpenAttributes;
import io.txinsight.events.Rejection;
import io.txinsight.job.records.View;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReadMetricsTest {

    @Test
    void countsEventsByViewAndTypeAndMalformedByReason() {
        CapturingMetricGroup operator = new CapturingMetricGroup();
        ReadMetrics read = new ReadMetrics(operator, View.MONITOR);
        read.event(EventType.STEP_DONE);
        read.event(EventType.STEP_DONE);
        read.malformed("NOT_JSON");
        read.deadLettered();

        assertThat(operator.count("txinsights_view_event_type_events{event_type=step_done,view=monitor}")).isEqualTo(2);
        assertThat(operator.count("txinsights_view_event_type_events{event_type=transaction_open,view=monitor}")).isZero();
        assertThat(operator.count("txinsights_view_reason_malformed{reason=not_json,view=monitor}")).isEqualTo(1);
        assertThat(operator.count("txinsights_dead_lettered")).isEqualTo(1);
    }

    @Test
    void everyReasonExistsAtZeroFromTheStart() {
        CapturingMetricGroup operator = new CapturingMetricGroup();
        new ReadMetrics(operator, View.COMMITTED);
        for (Rejection.Reason r : Rejection.Reason.values()) {
            assertThat(operator.count("txinsights_view_reason_malformed{reason=" + r.name().toLowerCase()
                    + ",view=committed}")).isZero();
        }
        assertThat(operator.count("txinsights_view_reason_malformed{reason=decoder_error,view=committed}")).isZero();
    }

    @Test
    void onlyTheMonitorViewDeadLetters() {
        CapturingMetricGroup operator = new CapturingMetricGroup();
        ReadMetrics committed = new ReadMetrics(operator, View.COMMITTED);
        assertThat(operator.metrics()).doesNotContainKey("txinsights_dead_lettered");
        assertThatThrownBy(committed::deadLettered).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theMonitorViewCountsEveryAttributeProblemByAttributeAndReason() {
        CapturingMetricGroup operator = new CapturingMetricGroup();
        ReadMetrics monitor = new ReadMetrics(operator, View.MONITOR);
        int bits = OpenAttributes.of(Map.of("account", 7, "currency", "EUR", "merchant", "m", "category", "c")).problemBits();

        monitor.attributeProblems(bits);
        monitor.attributeProblems(bits);
        monitor.attributeProblems(0);

        assertThat(operator.count("txinsights_attribute_reason_open_attribute_problems{attribute=account,reason=wrong_type}"))
                .isEqualTo(2);
        assertThat(operator.count("txinsights_attribute_reason_open_attribute_problems{attribute=amount,reason=missing}"))
                .isEqualTo(2);
        assertThat(operator.count("txinsights_attribute_reason_open_attribute_problems{attribute=currency,reason=missing}"))
                .as("every series exists at zero").isZero();
    }

    @Test
    void theCommittedViewLeavesAttributeProblemsToTheMonitorView() {
        CapturingMetricGroup operator = new CapturingMetricGroup();
        new ReadMetrics(operator, View.COMMITTED).attributeProblems(0b11);
        assertThat(operator.metrics().keySet()).noneMatch(k -> k.contains("attribute_problems"));
    }
}
