package io.txinsight.replayer;

import static io.txinsight.events.TxnFate.ABORT;
import static io.txinsight.events.TxnFate.COMMIT;
import static io.txinsight.events.TxnFate.HANG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.txinsight.events.ScenarioCodec;
import io.txinsight.events.ScenarioFormatException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The validation pass: every problem names file, line and field; a valid file yields the plan. */
class ScenarioPlanTest {

    @TempDir
    Path dir;

    private ScenarioPlan survey(ScenarioFile s, long from, long to) throws Exception {
        return ScenarioPlan.survey(s.writeTo(dir.resolve("events.jsonl")), new ScenarioCodec(), from, to);
    }

    private ScenarioFormatException invalid(ScenarioFile s) {
        return (ScenarioFormatException) org.assertj.core.api.Assertions.catchThrowable(() -> survey(s, 0, Long.MAX_VALUE));
    }

    /** The survey rejects the file at this line and field, with a message that says all of what it is given. */
    private void assertRejected(ScenarioFile s, long line, String field, String... says) {
        ScenarioFormatException e = invalid(s);
        assertThat(e.line()).isEqualTo(line);
        assertThat(e.field()).isEqualTo(field);
        assertThat(says).isNotEmpty();
        for (String part : says) {
            assertThat(e.getMessage()).contains(part);
        }
    }

    @Test
    void planCountsWhatTheReplayNeeds() throws Exception {
        ScenarioPlan plan = survey(new ScenarioFile()
                .txn(100, "a", "p1", 0, COMMIT, 400)
                .txn(150, "b", "p2", 0, ABORT, 250)
                .plain(200, "z")
                .topic("other").txn(300, "h", "p3", 0, HANG, 90_000)
                .txn(450, "a", "p1", 1, COMMIT, 600), 0, Long.MAX_VALUE);

        assertThat(plan.totalRecords()).isEqualTo(5);
        assertThat(plan.rangeRecords()).isEqualTo(5);
        assertThat(plan.producers()).containsExactly("p1", "p2", "p3");
        assertThat(plan.topics()).containsExactly("txn-events", "other");
        assertThat(plan.plainRecords()).isEqualTo(1);
        assertThat(plan.transactions(COMMIT)).isEqualTo(2);
        assertThat(plan.transactions(ABORT)).isEqualTo(1);
        assertThat(plan.transactions(HANG)).isEqualTo(1);
        assertThat(plan.endMs()).as("last commit; the hang is cut at the end").isEqualTo(600);
        assertThat(plan.longestTransactionMs()).as("the hang, held 300 -> 600").isEqualTo(300);
        assertThat(plan.scenarioStartEpochMs()).isEqualTo(ScenarioFile.START_EPOCH_MS);
    }

    @Test
    void rangeCountsOnlyItsOwnRecordsAndTransactions() throws Exception {
        ScenarioPlan plan = survey(new ScenarioFile()
                .txn(100, "a", "p1", 0, COMMIT, 400)
                .txn(200, "a", "p1", 0, COMMIT, 400)
                .plain(300, "z")
                .txn(500, "b", "p2", 0, ABORT, 700), 1, 3);

        assertThat(plan.from()).isEqualTo(1);
        assertThat(plan.to()).isEqualTo(3);
        assertThat(plan.baseMs()).isEqualTo(200);
        assertThat(plan.producers()).containsExactly("p1");
        assertThat(plan.transactionCount()).isEqualTo(1);
        assertThat(plan.endMs()).isEqualTo(400);
    }

    @Test
    void malformedJsonIsReportedWithFileAndLine() {
        ScenarioFormatException e = invalid(new ScenarioFile().plain(0, "a").plain(1, "b").line("{\"at_ms\": 2, oops"));

        assertThat(e.line()).isEqualTo(3);
        assertThat(e.getMessage()).startsWith(dir.resolve("events.jsonl") + ":3: not valid JSON");
    }

    @Test
    void aBadFieldIsNamed() {
        assertRejected(new ScenarioFile().plain(0, "a").line(
                "{\"at_ms\":5,\"topic\":\"t\",\"key\":\"k\",\"raw\":\"x\",\"txn\":{\"producer\":\"p\",\"seq\":0,\"fate\":\"maybe\",\"end_ms\":9}}"),
                2, "txn.fate", "expected commit, abort or hang");
    }

    @Test
    void recordsGoingBackInTimeAreRejected() {
        assertRejected(new ScenarioFile().plain(100, "a").plain(50, "b"), 2, "at_ms",
                "earlier than the previous record's 100");
    }

    @Test
    void aProducerStartingATransactionWhileItsPreviousIsOpenIsRejected() {
        assertRejected(new ScenarioFile()
                        .txn(100, "a", "p1", 0, COMMIT, 500)
                        .txn(200, "b", "p1", 1, COMMIT, 600),
                2, "txn.seq", "open until 500 ms", "at most one open Kafka transaction");
    }

    @Test
    void aTransactionWithTwoFatesOrEndsIsRejected() {
        assertRejected(new ScenarioFile()
                        .txn(100, "a", "p1", 0, COMMIT, 500)
                        .txn(200, "b", "p1", 0, ABORT, 500),
                2, "txn.fate", "producer 'p1' transaction seq 0");
        assertRejected(new ScenarioFile()
                        .txn(100, "a", "p1", 0, COMMIT, 500)
                        .txn(200, "b", "p1", 0, COMMIT, 700),
                2, "txn.end_ms", "a transaction has one end");
    }

    @Test
    void aProducerGoingBackToAnEarlierTransactionIsRejected() {
        assertRejected(new ScenarioFile()
                        .txn(100, "a", "p1", 3, COMMIT, 150)
                        .txn(200, "b", "p1", 2, COMMIT, 300),
                2, "txn.seq", "already moved on to seq 3");
    }

    @Test
    void aRangeOutsideTheFileIsRefusedWithTheFileSize() {
        ScenarioFile s = new ScenarioFile().plain(0, "a").plain(1, "b");

        assertThatThrownBy(() -> survey(s, 2, Long.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--from 2 is past the end")
                .hasMessageContaining("holds 2 records");
        assertThatThrownBy(() -> survey(s, 1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--to (1) must be greater than --from (1)");
    }
}
