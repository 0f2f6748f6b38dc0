package io.txinsight.replayer;

import static io.txinsight.events.TxnFate.ABORT;
import static io.txinsight.events.TxnFate.COMMIT;
import static io.txinsight.events.TxnFate.HANG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.txinsight.events.ScenarioRecord;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Records fed one at a time keep the same schedule as a file: a fake clock, a recording publisher. */
class LiveReplayTest {

    private final FakeClock clock = new FakeClock(2_000_000_000_000L);
    private final RecordingPublisher publisher = new RecordingPublisher(clock);

    private LiveReplay start(Speed speed, long longestTransactionMs) {
        return LiveReplay.start(new LiveReplay.Settings("unused:9092", "sim-", Map.of(), Set.of("p0", "p1"),
                Set.of("txn-events"), longestTransactionMs, speed), publisher::open, clock);
    }

    @Test
    void recordsGoOutAtTheirTimeAndTransactionsEndAtTheirsAHangAtItsRecordedEnd() {
        ScenarioFile s = new ScenarioFile()
                .txn(100, "a", "p0", 0, COMMIT, 300)
                .txn(150, "b", "p1", 0, HANG, 2_000)
                .txn(200, "a", "p0", 0, COMMIT, 300)
                .txn(300, "c", "p0", 1, ABORT, 600)
                .txn(400, "d", "p0", 1, ABORT, 600);

        LiveReplay.Figures figures;
        try (LiveReplay live = start(Speed.REAL_TIME, 2_000)) {
            s.records().forEach(live::publish);
            figures = live.finish();
        }

        assertThat(publisher.lines()).containsExactly(
                "0.0 begin p0",
                "100.0 send p0 txn-events/a",
                "100.0 begin p1",
                "150.0 send p1 txn-events/b",
                "200.0 send p0 txn-events/a",
                "300.0 commit p0",
                "300.0 begin p0",
                "300.0 send p0 txn-events/c",
                "400.0 send p0 txn-events/d",
                "600.0 abort p0",
                "2000.0 abort p1");
        // 5 records, 1 committed, 1 aborted, 1 hung; 2 s to the hang's end, 300 ms from the first send to the last
        assertThat(figures).isEqualTo(new LiveReplay.Figures(5, 1, 1, 1, 2_000_000_000L, 300_000_000L, 0));
        // The producers get what the replayer's get: the prefix plus the name, a timeout above the longest transaction.
        assertThat(publisher.setup.transactionalIdPrefix()).isEqualTo("sim-");
        assertThat(publisher.setup.paced()).isTrue();
        assertThat(publisher.setup.plainRecords()).isFalse();
        assertThat(publisher.setup.transactionTimeoutMs()).isEqualTo(62_000);
        assertThat(publisher.closed).isTrue();
    }

    @Test
    void atMaxSpeedNothingWaitsAndTransactionsKeepTheirOrderAndFates() {
        ScenarioFile s = new ScenarioFile()
                .txn(1_000, "a", "p0", 0, COMMIT, 1_500)
                .txn(1_200, "b", "p1", 0, ABORT, 1_400)
                .txn(1_600, "c", "p0", 1, COMMIT, 2_000);

        try (LiveReplay live = start(Speed.MAX, 2_000)) {
            s.records().forEach(live::publish);
            live.finish();
        }

        assertThat(clock.sleeps).isZero();
        assertThat(publisher.lines()).containsExactly(
                "0.0 begin p0", "0.0 send p0 txn-events/a", "0.0 begin p1", "0.0 send p1 txn-events/b",
                "0.0 abort p1", "0.0 commit p0", "0.0 begin p0", "0.0 send p0 txn-events/c", "0.0 commit p0");
        assertThat(publisher.setup.paced()).isFalse();
    }

    @Test
    void closingEarlyAbortsWhatIsStillOpen() {
        try (LiveReplay live = start(Speed.REAL_TIME, 1_000)) {
            live.publish(new ScenarioFile().txn(10, "a", "p0", 0, COMMIT, 1_000).records().get(0));
        }

        assertThat(publisher.lines()).containsExactly("0.0 begin p0", "10.0 send p0 txn-events/a", "10.0 abort p0");
        assertThat(publisher.closed).isTrue();
    }

    @Test
    void everyRecordNeedsAKafkaTransaction() {
        ScenarioRecord plain = new ScenarioFile().plain(10, "z").records().get(0);
        try (LiveReplay live = start(Speed.REAL_TIME, 1_000)) {
            assertThatThrownBy(() -> live.publish(plain)).hasMessageContaining("in a Kafka transaction");
        }
    }
}
