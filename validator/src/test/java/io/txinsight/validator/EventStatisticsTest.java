package io.txinsight.validator;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.events.BusinessEvent;
import io.txinsight.events.CloseStatus;
import io.txinsight.events.KafkaTxn;
import io.txinsight.events.ScenarioCodec;
import io.txinsight.events.ScenarioReader;
import io.txinsight.events.ScenarioRecord;
import io.txinsight.events.TxnFate;
import io.txinsight.events.Verdict;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventStatisticsTest {

    private static final long T = 1_798_761_600_000L;

    private final EventStatistics stats = new EventStatistics();

    private void send(long atMs, BusinessEvent event) {
        stats.accept(new ScenarioRecord(atMs, "events", event.txnId(), event, null, null));
    }

    private void sendIn(long atMs, BusinessEvent event, TxnFate fate) {
        stats.accept(new ScenarioRecord(atMs, "events", event.txnId(), event, null,
                new KafkaTxn("p", atMs, fate, atMs + 10)));
    }

    @Test
    void followsTransactionsThroughDisorderDuplicatesAndAborts() {
        // a: a step done after the close (disorder), a duplicated open, and a late event past settling.
        send(0, BusinessEvent.open("a", T, "payment", Map.of()));
        send(10, BusinessEvent.stepOpen("a", T + 10, "validate"));
        send(11, BusinessEvent.open("a", T, "payment", Map.of()));
        send(30, BusinessEvent.stepDone("a", T + 30, "validate"));
        send(40, BusinessEvent.stepOpen("a", T + 40, "debit"));
        send(100, BusinessEvent.close("a", T + 100, CloseStatus.SUCCESS));
        send(120, BusinessEvent.stepDone("a", T + 90, "debit"));
        // b: its first close aborts with its Kafka transaction, the resent one commits.
        send(200, BusinessEvent.open("b", T + 200, "transfer", Map.of()));
        sendIn(300, BusinessEvent.close("b", T + 300, CloseStatus.SUCCESS), TxnFate.ABORT);
        sendIn(350, BusinessEvent.close("b", T + 350, CloseStatus.FAILED), TxnFate.COMMIT);
        // c: its only close hangs, then aborts; d never closes.
        send(400, BusinessEvent.open("c", T + 400, "transfer", Map.of()));
        sendIn(450, BusinessEvent.close("c", T + 450, CloseStatus.SUCCESS), TxnFate.HANG);
        send(500, BusinessEvent.open("d", T + 500, null, Map.of()));
        stats.accept(new ScenarioRecord(600, "events", null, null, "{oops", null));
        send(100 + EventStatistics.SETTLE_MS + 1, BusinessEvent.stepDone("a", T + 95, "validate"));
        stats.finish();

        assertThat(stats.records()).isEqualTo(15);
        assertThat(stats.events()).isEqualTo(14);
        assertThat(stats.malformed()).isEqualTo(1);
        assertThat(stats.duplicates()).isEqualTo(1);
        assertThat(stats.lateEvents()).isEqualTo(1);
        assertThat(stats.transactions()).isEqualTo(4);
        assertThat(stats.outcomes(EventStatistics.FileOutcome.SUCCESS)).isEqualTo(1);
        assertThat(stats.outcomes(EventStatistics.FileOutcome.FAILED)).isEqualTo(1);
        assertThat(stats.outcomes(EventStatistics.FileOutcome.ABORTED)).isEqualTo(1);
        assertThat(stats.outcomes(EventStatistics.FileOutcome.NEVER_CLOSED)).isEqualTo(1);
        assertThat(stats.outcomesByType()).containsOnlyKeys("payment", "transfer", EventStatistics.UNKNOWN_TYPE);

        assertThat(stats.durations().count()).isEqualTo(2);
        assertThat(stats.durations().min()).isEqualTo(100);
        assertThat(stats.durations().max()).isEqualTo(150);
        assertThat(stats.durationsByType().get("transfer").max()).isEqualTo(150);
        assertThat(stats.stepDurations().get("validate").max()).isEqualTo(20);
        assertThat(stats.stepDurations().get("debit").max()).isEqualTo(50);
        assertThat(stats.gaps().count()).isEqualTo(1);
        assertThat(stats.gaps().max()).isEqualTo(10);
        assertThat(stats.rate().total(EventRate.Kind.HIDDEN)).isEqualTo(2);
        assertThat(stats.rate().total(EventRate.Kind.MALFORMED)).isEqualTo(1);
    }

    @Test
    void theSampleScenarioAddsUpToItsTruth(@TempDir Path dir) throws Exception {
        SampleScenario.Written scenario = SampleScenario.write(dir, 500, 3);
        try (var reader = new ScenarioReader(scenario.events(), new ScenarioCodec())) {
            ScenarioRecord r;
            while ((r = reader.next()) != null) {
                stats.accept(r);
            }
        }
        stats.finish();

        Map<Verdict, Long> truth = scenario.truth().summary().byVerdict();
        assertThat(stats.transactions()).isEqualTo(500);
        assertThat(stats.records()).isEqualTo(scenario.records());
        assertThat(stats.outcomes(EventStatistics.FileOutcome.SUCCESS)).isEqualTo(truth.get(Verdict.CLOSED_SUCCESS));
        assertThat(stats.outcomes(EventStatistics.FileOutcome.FAILED)).isEqualTo(truth.get(Verdict.CLOSED_FAILED));
        assertThat(stats.outcomes(EventStatistics.FileOutcome.ABORTED)).isEqualTo(truth.get(Verdict.ABORTED));
        assertThat(stats.outcomes(EventStatistics.FileOutcome.NEVER_CLOSED)).isEqualTo(truth.get(Verdict.STUCK));
        long maxTrue = scenario.truth().transactions().stream()
                .filter(t -> t.verdict() == Verdict.CLOSED_SUCCESS || t.verdict() == Verdict.CLOSED_FAILED)
                .mapToLong(t -> t.durationMs()).max().orElseThrow();
        assertThat(stats.durations().max()).isEqualTo(maxTrue);
        assertThat(stats.duplicates()).isEqualTo(
                scenario.truth().transactions().stream().mapToLong(t -> t.duplicates()).sum());
    }

    @Test
    void histogramBinsCountEveryValueOnceWithTheTailApart() {
        LatencyDistribution d = new LatencyDistribution();
        for (long v = 0; v < 1000; v++) {
            d.record(v);
        }
        d.record(50_000);
        d.record(-5);

        long[] bins = d.bins(100, 10);

        assertThat(bins).hasSize(11);
        for (int i = 0; i < 10; i++) {
            assertThat(bins[i]).as("bin " + i).isEqualTo(100);
        }
        assertThat(bins[10]).isEqualTo(1);
        assertThat(d.count()).isEqualTo(1001);
        assertThat(d.negative()).isEqualTo(1);
        assertThat(d.percentile(50)).isBetween(499L, 501L);
        assertThat(d.max()).isEqualTo(50_000);
        assertThat(ReportCharts.niceWidth(601)).isEqualTo(20);
        assertThat(ReportCharts.niceWidth(10)).isEqualTo(1);
    }
}
