package io.txinsight.job.sources;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.events.DeadLetter;
import io.txinsight.events.EventType;
import io.txinsight.job.records.DecodedRecord;
import io.txinsight.job.records.View;
import io.txinsight.job.records.ViewEvent;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class ViewRouterTest {

    private static DecodedRecord event(View view, String txnId) {
        ViewEvent e = new ViewEvent();
        e.view = view;
        e.eventType = EventType.TRANSACTION_OPEN;
        e.txnId = txnId;
        e.ts = 1_000;
        return DecodedRecord.event(e);
    }

    private static DecodedRecord bad(View view) {
        return DecodedRecord.deadLetter(
                new DeadLetter("t", 0, 7, view.label(), "NOT_JSON", null, "bad", "k", "AA==", "x"));
    }

    @Test
    void theMonitorViewPassesEventsOnAndDeadLettersAside() throws Exception {
        try (OneInputStreamOperatorTestHarness<DecodedRecord, ViewEvent> h =
                ProcessFunctionTestHarnesses.forProcessFunction(new ViewRouter(View.MONITOR))) {
            h.processElement(event(View.MONITOR, "t-1"), 1_000);
            h.processElement(bad(View.MONITOR), 5);
            h.processElement(event(View.MONITOR, "t-2"), 1_000);

            assertThat(h.extractOutputValues()).extracting(e -> e.txnId).containsExactly("t-1", "t-2");
            assertThat(h.getSideOutput(ViewRouter.DEAD_LETTERS))
                    .extracting(StreamRecord::getValue)
                    .extracting(DeadLetter::offset)
                    .containsExactly(7L);
        }
    }

    @Test
    void theCommittedViewCountsBadRecordsButDoesNotDeadLetterThemAgain() throws Exception {
        try (OneInputStreamOperatorTestHarness<DecodedRecord, ViewEvent> h =
                ProcessFunctionTestHarnesses.forProcessFunction(new ViewRouter(View.COMMITTED))) {
            h.processElement(bad(View.COMMITTED), 5);
            h.processElement(event(View.COMMITTED, "t-1"), 1_000);

            assertThat(h.extractOutputValues()).extracting(e -> e.txnId).containsExactly("t-1");
            assertThat(h.getSideOutput(ViewRouter.DEAD_LETTERS)).isNullOrEmpty();
        }
    }
}
