package io.txinsight.job.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.txinsight.events.EventType;
import io.txinsight.events.Rejection;
import io.txinsight.job.records.View;
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
}
