package io.txinsight.job.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.events.CloseStatus;
import io.txinsight.events.EventType;
import io.txinsight.events.Outcome;
import io.txinsight.events.Verdict;
import io.txinsight.job.records.View;
import io.txinsight.job.records.ViewEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;

/**
 * {@link TransactionTracker#track} in a real (local) Flink runtime with bounded inputs: the
 * operator's uid and name, and every kind of outcome once both inputs have ended.
 */
class TrackTopologyTest {

    @Test
    void trackRunsTheTrackerOnBothViews() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        List<ViewEvent> monitor = new ArrayList<>();
        List<ViewEvent> committed = new ArrayList<>();
        // closed: both views
        add(monitor, committed, EventType.TRANSACTION_OPEN, "closed", 1_000, 0);
        add(monitor, committed, EventType.TRANSACTION_CLOSE, "closed", 2_000, 1);
        // stuck: never closes
        add(monitor, committed, EventType.TRANSACTION_OPEN, "stuck", 1_000, 2);
        // aborted: its close is only in the monitor view, and a later committed record passes it
        add(monitor, committed, EventType.TRANSACTION_OPEN, "aborted", 1_000, 3);
        monitor.add(event(View.MONITOR, EventType.TRANSACTION_CLOSE, "aborted", 2_000, 4));
        add(monitor, committed, EventType.TRANSACTION_OPEN, "later", 3_000, 5);
        add(monitor, committed, EventType.TRANSACTION_CLOSE, "later", 4_000, 6);

        TypeInformation<ViewEvent> type = TypeInformation.of(ViewEvent.class);
        DataStream<ViewEvent> m = env.fromData(monitor, type);
        DataStream<ViewEvent> c = env.fromData(committed, type);
        SingleOutputStreamOperator<Outcome> outcomes =
                TransactionTracker.track(m, c, TrackerSettings.DEFAULTS, TrackerMetrics.NONE, null);
        assertThat(outcomes.getTransformation().getUid()).isEqualTo("transaction-tracker");
        assertThat(outcomes.getName()).isEqualTo("TransactionTracker");
        assertThat(outcomes.getSideOutput(TransactionTracker.ALERTS)).isNotNull();

        List<Outcome> out = new ArrayList<>();
        try (CloseableIterator<Outcome> it = outcomes.executeAndCollect("track-topology")) {
            it.forEachRemaining(out::add);
        }
        Map<String, Verdict> verdicts = out.stream().collect(Collectors.toMap(Outcome::txnId, Outcome::verdict));
        assertThat(verdicts).containsExactlyInAnyOrderEntriesOf(Map.of(
                "closed", Verdict.CLOSED_SUCCESS,
                "stuck", Verdict.STUCK,
                "aborted", Verdict.ABORTED,
                "later", Verdict.CLOSED_SUCCESS));
    }

    private static void add(List<ViewEvent> monitor, List<ViewEvent> committed, EventType t, String txn, long ts, long offset) {
        monitor.add(event(View.MONITOR, t, txn, ts, offset));
        committed.add(event(View.COMMITTED, t, txn, ts, offset));
    }

    private static ViewEvent event(View view, EventType t, String txn, long ts, long offset) {
        ViewEvent e = new ViewEvent();
        e.view = view;
        e.eventType = t;
        e.txnId = txn;
        e.ts = ts;
        e.txnType = t == EventType.TRANSACTION_OPEN ? "payment" : null;
        e.status = t == EventType.TRANSACTION_CLOSE ? CloseStatus.SUCCESS : null;
        e.topic = "payments";
        e.partition = 0;
        e.offset = offset;
        e.seenAtMs = ts;
        return e;
    }
}
