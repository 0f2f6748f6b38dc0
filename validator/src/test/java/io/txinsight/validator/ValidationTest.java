package io.txinsight.validator;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.events.Alert;
import io.txinsight.events.BlockingKafkaTransaction;
import io.txinsight.events.CloseStatus;
import io.txinsight.events.KafkaTransactionHanging;
import io.txinsight.events.KafkaTransactionHanging.HeldPartition;
import io.txinsight.events.Outcome;
import io.txinsight.events.Truth;
import io.txinsight.events.VelocityAlert;
import io.txinsight.events.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidationTest {

    private static final long T = 1_798_761_600_000L;

    private static Truth.Transaction txn(String id, String type, Verdict verdict, Long duration, boolean outlier,
            boolean stuckAlert) {
        return new Truth.Transaction(id, type, verdict, T, duration == null ? null : T + duration, duration, outlier,
                stuckAlert, 0);
    }

    private static Truth truth(List<Truth.Transaction> txns) {
        return new Truth(Map.of(), new Truth.Timing(30_000, 5_000, 200, 5.0), null, txns);
    }

    private static Outcome closed(String id, String type, CloseStatus status, long duration, boolean outlier,
            boolean wasStuck) {
        return new Outcome(id, type, Outcome.State.CLOSED, status, T, T + duration, duration, 5L, outlier, "last", 3,
                wasStuck, T + duration);
    }

    private static Outcome aborted(String id, String type) {
        return new Outcome(id, type, Outcome.State.ABORTED, null, T, null, null, null, false, "last", 2, false, T + 9_000);
    }

    private static Outcome expired(String id, String type, boolean wasStuck) {
        return new Outcome(id, type, Outcome.State.EXPIRED, null, T, null, null, null, false, "last", 1, wasStuck,
                T + 600_000);
    }

    private static Alert stuck(String id, String type) {
        return new Alert(Alert.STUCK, id, type, T, T + 100, 30_100, 30_000, "last", 30_000, T + 30_100);
    }

    /** A truth with every kind of transaction, and the records a correct job writes for it. */
    private static final List<Truth.Transaction> TRUTH = List.of(
            txn("pay-1", "payment", Verdict.CLOSED_SUCCESS, 120L, false, false),
            txn("pay-2", "payment", Verdict.CLOSED_FAILED, 80L, false, false),
            txn("pay-3", "payment", Verdict.CLOSED_SUCCESS, 2_400L, true, false),
            txn("pay-4", "payment", Verdict.ABORTED, null, false, false),
            txn("tr-1", "transfer", Verdict.STUCK, null, false, true),
            txn("tr-2", "transfer", Verdict.CLOSED_SUCCESS, 45_000L, false, true), // a late close
            txn("tr-3", "transfer", Verdict.STUCK, null, false, true),
            txn("tr-4", "transfer", Verdict.EXPIRED, null, false, false));

    private static List<Outcome> correctOutcomes() {
        return new ArrayList<>(List.of(
                closed("pay-1", "payment", CloseStatus.SUCCESS, 120, false, false),
                closed("pay-2", "payment", CloseStatus.FAILED, 80, false, false),
                closed("pay-3", "payment", CloseStatus.SUCCESS, 2_400, true, false),
                aborted("pay-4", "payment"),
                closed("tr-2", "transfer", CloseStatus.SUCCESS, 45_000, false, true),
                expired("tr-3", "transfer", true),
                expired("tr-4", "transfer", false)));
    }

    private static List<Alert> correctAlerts() {
        // tr-1 is stuck and not yet expired: its alert alone says so.
        return new ArrayList<>(List.of(stuck("tr-1", "transfer"), stuck("tr-2", "transfer"), stuck("tr-3", "transfer")));
    }

    @Test
    void aCorrectStreamPasses() {
        Validation v = Validation.compare(truth(TRUTH), correctOutcomes(), correctAlerts());

        assertThat(v.passed()).isTrue();
        assertThat(v.transactions()).isEqualTo(8);
        assertThat(v.matched()).isEqualTo(8);
        assertThat(v.mismatched()).isZero();
        assertThat(v.missing()).isZero();
        assertThat(v.mismatches()).isEmpty();
        assertThat(v.byVerdict().get("stuck")).containsEntry("stuck", 2L).containsEntry(Validation.MISSING, 0L);
        assertThat(v.byVerdict().get("closed_success")).containsEntry("closed_success", 3L);
        assertThat(v.byType().get("payment").matched()).isEqualTo(4);
        assertThat(v.byType().get("transfer").expected()).containsEntry("stuck", 2L).containsEntry("expired", 1L);
        for (Validation.Score s : v.scores()) {
            assertThat(s.truePositives()).as(s.signal()).isEqualTo(s.expected()).isEqualTo(s.observed());
        }
        assertThat(score(v, "stuck").recall()).isEqualTo(1.0);
        assertThat(score(v, "stuck_alert").expected()).isEqualTo(3);
        assertThat(v.durationError().compared()).isEqualTo(4);
        assertThat(v.durationError().exact()).isEqualTo(4);
        assertThat(v.durationError().maxAbsMs()).isZero();
        assertThat(v.table()).contains("Validation PASSED: all 8 transactions").contains("payment")
                .doesNotContain("mismatch(es)");
    }

    @Test
    void aCorruptedStreamFailsAndNamesEveryMismatch() {
        List<Outcome> outcomes = correctOutcomes();
        List<Alert> alerts = correctAlerts();
        // pay-1: lost entirely; pay-4: the job closed what Kafka aborted; pay-2: wrong business result
        // and duration off by 7 ms; tr-1: no stuck alert, expired without one.
        outcomes.removeIf(o -> o.txnId().equals("pay-1"));
        outcomes.replaceAll(o -> switch (o.txnId()) {
            case "pay-4" -> closed("pay-4", "payment", CloseStatus.SUCCESS, 300, false, false);
            case "pay-2" -> closed("pay-2", "payment", CloseStatus.SUCCESS, 87, false, false);
            default -> o;
        });
        alerts.removeIf(a -> a.txnId().equals("tr-1"));
        outcomes.add(expired("tr-1", "transfer", false));
        // pay-3's injected outlier goes unflagged.
        outcomes.replaceAll(o -> o.txnId().equals("pay-3") ? closed("pay-3", "payment", CloseStatus.SUCCESS, 2_400,
                false, false) : o);

        Validation v = Validation.compare(truth(TRUTH), outcomes, alerts);

        assertThat(v.passed()).isFalse();
        assertThat(v.mismatched()).isEqualTo(4);
        assertThat(v.missing()).isEqualTo(1);
        assertThat(v.mismatches()).extracting(Validation.Mismatch::txnId)
                .containsExactly("pay-1", "pay-2", "pay-4", "tr-1");
        assertThat(v.mismatches()).filteredOn(m -> m.txnId().equals("pay-1")).singleElement()
                .satisfies(m -> {
                    assertThat(m.observed()).isEqualTo(Validation.MISSING);
                    assertThat(m.detail()).isEqualTo("no outcome, no stuck alert");
                });
        assertThat(v.mismatches()).filteredOn(m -> m.txnId().equals("pay-4")).singleElement()
                .satisfies(m -> {
                    assertThat(m.expected()).isEqualTo("aborted");
                    assertThat(m.observed()).isEqualTo("closed_success");
                    assertThat(m.detail()).contains("outcome closed/success", "300 ms");
                });
        assertThat(v.byVerdict().get("aborted")).containsEntry("closed_success", 1L).containsEntry("aborted", 0L);
        assertThat(v.byVerdict().get("closed_success")).containsEntry(Validation.MISSING, 1L);
        assertThat(v.byType().get("payment").matched()).isEqualTo(1);

        assertThat(score(v, "aborted").recall()).isEqualTo(0.0);
        assertThat(score(v, "aborted").precision()).isNull(); // nothing observed as aborted
        assertThat(score(v, "stuck").expected()).isEqualTo(2);
        assertThat(score(v, "stuck").truePositives()).isEqualTo(1);
        assertThat(score(v, "stuck").recall()).isEqualTo(0.5);
        assertThat(score(v, "stuck").precision()).isEqualTo(1.0);
        assertThat(score(v, "outlier").recall()).isEqualTo(0.0);
        assertThat(v.durationError().maxAbsMs()).isEqualTo(7);
        assertThat(v.durationError().maxTxnId()).isEqualTo("pay-2");

        String table = v.table();
        assertThat(table).contains("Validation FAILED: 4 of 8 transactions", "(1 missing)",
                "First 4 mismatch(es) of 4", "pay-1", "pay-2", "pay-4", "tr-1", "max 7 ms (pay-2)");
    }

    @Test
    void aStuckAlertAloneIsStuckButALateCloseWaitsForItsOutcome() {
        ObservedTransactions observed = new ObservedTransactions();
        observed.add(stuck("tr-1", "transfer"));
        observed.add(stuck("tr-2", "transfer"));
        Truth.Transaction stuckOne = TRUTH.get(4);
        Truth.Transaction lateClose = TRUTH.get(5);

        assertThat(observed.verdict("tr-1")).isEqualTo(Verdict.STUCK);
        assertThat(observed.accountsFor(stuckOne)).isTrue();
        assertThat(observed.accountsFor(lateClose)).as("a late close is not done at its alert").isFalse();

        observed.add(closed("tr-2", "transfer", CloseStatus.SUCCESS, 45_000, false, true));
        assertThat(observed.verdict("tr-2")).isEqualTo(Verdict.CLOSED_SUCCESS);
        assertThat(observed.accountsFor(lateClose)).isTrue();
        assertThat(observed.verdict("nobody")).isNull();
    }

    @Test
    void aFinalOutcomeOutranksAnExpiryWhicheverComesFirst() {
        ObservedTransactions observed = new ObservedTransactions();
        observed.add(aborted("a", "payment"));
        observed.add(expired("a", "payment", false));
        observed.add(expired("b", "payment", false));
        observed.add(closed("b", "payment", CloseStatus.FAILED, 10, false, false));

        assertThat(observed.verdict("a")).isEqualTo(Verdict.ABORTED);
        assertThat(observed.verdict("b")).isEqualTo(Verdict.CLOSED_FAILED);
        assertThat(observed.conflicting()).containsExactlyInAnyOrder("a", "b");
        assertThat(observed.outcomeRecords()).isEqualTo(4);
    }

    @Test
    void outputsForUnknownTransactionsAreCountedNotFailed() {
        List<Outcome> outcomes = correctOutcomes();
        outcomes.add(closed("from-another-run", "payment", CloseStatus.SUCCESS, 5, false, false));

        Validation v = Validation.compare(truth(TRUTH), outcomes, correctAlerts());

        assertThat(v.passed()).isTrue();
        assertThat(v.unexpected()).isEqualTo(1);
        assertThat(v.table()).contains("1 transaction(s) in the outcomes/alerts are not in the truth");
    }

    @Test
    void listsOnlyTheFirstMismatchesButCountsThemAll() {
        List<Truth.Transaction> many = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            many.add(txn(String.format("m-%02d", i), "payment", Verdict.CLOSED_SUCCESS, 10L, false, false));
        }

        Validation v = Validation.compare(truth(many), List.of(), List.of());

        assertThat(v.mismatched()).isEqualTo(50);
        assertThat(v.missing()).isEqualTo(50);
        assertThat(v.mismatches()).hasSize(Validation.DEFAULT_LISTED_MISMATCHES);
        assertThat(v.mismatches().get(0).txnId()).isEqualTo("m-00");
        assertThat(v.table()).contains("First 20 mismatch(es) of 50");
    }

    @Test
    void theValidationFileRoundTrips(@TempDir Path dir) throws Exception {
        Validation v = Validation.compare(truth(TRUTH), correctOutcomes(), List.of());
        ValidationFile file = new ValidationFile("scenarios/01_x", "2027-01-01T00:00:00Z",
                new ValidationFile.Source("localhost:9092", "txn-outcomes", "txn-alerts", 7, 0, 0, List.of(), true,
                        List.of(), 1234),
                v);
        Path json = dir.resolve("report").resolve("validation.json");

        file.write(json);

        assertThat(ValidationFile.read(json)).isEqualTo(file);
        assertThat(v.passed()).isFalse(); // tr-1 has no alert and no outcome here
    }

    @Test
    void velocityAlertsAreScoredAgainstTheTruthsBursts() {
        Truth.VelocityBurst found = new Truth.VelocityBurst("acc-1", 1_000, 1_500, List.of("a", "b", "c", "d", "e", "f"));
        Truth.VelocityBurst missed = new Truth.VelocityBurst("acc-2", 9_000, 9_100, List.of("g", "h", "i", "j", "k", "l"));
        Truth truth = new Truth(Map.of(), new Truth.Timing(30_000, 5_000, 200, 5.0, 5, 3_000), null, List.of(),
                List.of(found, missed));
        VelocityAlert right = velocity("acc-1", 1_000, 1_700, "a"); // took in one more open of its account
        VelocityAlert rebased = velocity("acc-2", 509_000, 509_100, "g", "h"); // a replay that moved event times
        VelocityAlert wrong = velocity("acc-3", 1_000, 1_500);

        Validation.Score s = score(Validation.compare(truth, List.of(), List.of(), List.of(right, wrong)), "velocity");
        assertThat(s.expected()).isEqualTo(2);
        assertThat(s.observed()).isEqualTo(2);
        assertThat(s.precision()).isEqualTo(0.5);
        assertThat(s.recall()).isEqualTo(0.5);

        Validation v = Validation.compare(truth, List.of(), List.of(), List.of(right, rebased));
        assertThat(score(v, "velocity").precision()).isEqualTo(1.0);
        assertThat(score(v, "velocity").recall()).isEqualTo(1.0);
        assertThat(v.table()).contains("velocity");
        assertThat(Validation.compare(truth(TRUTH), List.of(), List.of()).scores())
                .as("a truth without bursts has no velocity score").noneMatch(x -> x.signal().equals("velocity"));
    }

    private static VelocityAlert velocity(String account, long first, long last, String... txnIds) {
        return new VelocityAlert(VelocityAlert.VELOCITY, account, null, 6, null, 3_000, 5, java.math.BigDecimal.TEN,
                first, last, List.of(txnIds), last + 3_000);
    }

    private static Validation.Score score(Validation v, String signal) {
        return v.scores().stream().filter(s -> s.signal().equals(signal)).findFirst().orElseThrow();
    }

    /** The replayer's name for scenario producer p0 in one replay. */
    private static final String P0 = "txinsight-replay-1a2b3c4d-p0";

    private static final HeldOpenKafkaTransactions.Held HANG =
            new HeldOpenKafkaTransactions.Held("p0", 79, 8_001, 23_000, 13, List.of("pay-1"));

    private static KafkaTransactionHanging kafkaRecord(String alert, String transactionalId, long producerId,
            long startOffset, long ageMs) {
        return new KafkaTransactionHanging(alert, transactionalId, producerId, 3,
                List.of(new HeldPartition("txn-events", 0, startOffset), new HeldPartition("txn-events", 2, startOffset + 5)),
                ageMs, T, 40, null, List.of(), List.of(), T + ageMs);
    }

    private static Validation withHangs(List<Outcome> outcomes, List<Alert> alerts,
            List<KafkaTransactionHanging> kafka) {
        return Validation.compare(truth(TRUTH), ObservedTransactions.of(outcomes, alerts, List.of(), kafka),
                List.of(HANG), Validation.DEFAULT_LISTED_MISMATCHES);
    }

    @Test
    void aHeldOpenKafkaTransactionNamedByALongOpenRecordPasses() {
        // Named long open, then (the same transaction, a shared start offset) hanging: one transaction.
        Validation v = withHangs(correctOutcomes(), correctAlerts(), List.of(
                kafkaRecord(KafkaTransactionHanging.KAFKA_TRANSACTION_LONG_OPEN, P0, 4001, 120, 7_600),
                kafkaRecord(KafkaTransactionHanging.KAFKA_TRANSACTION_HANGING, P0, 4001, 120, 16_000)));

        assertThat(v.passed()).isTrue();
        assertThat(v.kafkaHangs()).singleElement().satisfies(h -> {
            assertThat(h.named()).isTrue();
            assertThat(h.transactionalId()).isEqualTo(P0);
            assertThat(h.alert()).isEqualTo(KafkaTransactionHanging.KAFKA_TRANSACTION_LONG_OPEN);
            assertThat(h.detectedAgeMs()).isEqualTo(7_600L);
            assertThat(h.heldOpenMs()).isEqualTo(14_999);
            assertThat(h.partitions()).containsExactly("txn-events-0", "txn-events-2");
        });
        assertThat(v.otherKafkaTransactions()).isEmpty();
        Validation.Score s = score(v, Validation.KAFKA_HANG);
        assertThat(List.of(s.expected(), s.observed(), s.truePositives())).containsExactly(1L, 1L, 1L);
        assertThat(v.table())
                .contains("and the job named the 1 Kafka transaction(s) the scenario held open")
                .contains("Kafka transactions the scenario held open (the job must name each)")
                .containsPattern("p0 +15\\.0s +13 +yes +" + P0
                        + " +kafka_transaction_long_open \\(open 7\\.6s, on txn-events-0, txn-events-2\\)");
    }

    @Test
    void aHeldOpenKafkaTransactionTheJobNeverNamesFailsTheValidation() {
        // Another producer's long-open transaction does not name p0's (p01 is not p0 either).
        Validation v = withHangs(correctOutcomes(), correctAlerts(), List.of(
                kafkaRecord(KafkaTransactionHanging.KAFKA_TRANSACTION_LONG_OPEN, "txinsight-replay-1a2b3c4d-p01", 4002, 7,
                        9_000)));

        assertThat(v.mismatched()).isZero();
        assertThat(v.passed()).isFalse();
        assertThat(v.unnamedKafkaHangs()).isEqualTo(1);
        assertThat(v.otherKafkaTransactions()).singleElement().asString()
                .startsWith("kafka_transaction_long_open: txinsight-replay-1a2b3c4d-p01 (producer 4002)");
        assertThat(v.table())
                .startsWith("Validation FAILED: all 8 transactions have the expected verdict, but the job did not name 1 of"
                        + " the 1 Kafka transaction(s) the scenario held open.")
                .containsPattern("p0 +15\\.0s +13 +NO +- +nothing: no long-open or hanging record")
                .contains("Note: the job also named 1 long-open or hanging Kafka transaction(s) the scenario did not hold open");
        // Without the scenario's events file nothing is said about Kafka transactions.
        assertThat(Validation.compare(truth(TRUTH), correctOutcomes(), correctAlerts()).kafkaHangs()).isNull();
    }

    @Test
    void aBlockedByOfWhatItHeldBackNamesItToo() {
        List<Outcome> outcomes = correctOutcomes();
        Outcome held = outcomes.get(0);
        outcomes.set(0, new Outcome(held.txnId(), held.txnType(), held.state(), held.result(), held.openedAtMs(),
                held.closedAtMs(), held.durationMs(), 15_000L, held.outlier(), held.lastStep(), held.steps(),
                held.wasStuck(), held.decidedAtMs(), new BlockingKafkaTransaction(P0, 4001, List.of("txn-events-0"))));

        Validation v = withHangs(outcomes, correctAlerts(), List.of());

        assertThat(v.passed()).isTrue();
        assertThat(v.kafkaHangs()).singleElement().satisfies(h -> {
            assertThat(h.alert()).isNull();
            assertThat(h.transactionalId()).isEqualTo(P0);
            assertThat(h.blockedOutcomes()).isEqualTo(1);
        });
        assertThat(v.table()).contains("blocked_by of 1 outcome(s), 0 stuck alert(s)");
    }

    @Test
    void theHeldOpenTransactionsAreReadFromTheEventsFile(@TempDir Path dir) throws Exception {
        Path events = dir.resolve("events.jsonl");
        Files.writeString(events, String.join("\n",
                "{\"at_ms\":10,\"topic\":\"t\",\"key\":\"a\",\"txn\":{\"producer\":\"p1\",\"seq\":1,\"fate\":\"commit\",\"end_ms\":20},"
                        + "\"event\":{\"event_type\":\"transaction_open\",\"txn_id\":\"a\",\"ts\":\"2026-01-01T00:00:00.010Z\",\"txn_type\":\"payment\"}}",
                "{\"at_ms\":30,\"topic\":\"t\",\"key\":\"b\",\"txn\":{\"producer\":\"p0\",\"seq\":4,\"fate\":\"hang\",\"end_ms\":15030},"
                        + "\"event\":{\"event_type\":\"transaction_open\",\"txn_id\":\"b\",\"ts\":\"2026-01-01T00:00:00.030Z\",\"txn_type\":\"payment\"}}",
                "{\"at_ms\":40,\"topic\":\"t\",\"key\":\"a\",\"txn\":{\"producer\":\"p0\",\"seq\":4,\"fate\":\"hang\",\"end_ms\":15030},"
                        + "\"event\":{\"event_type\":\"transaction_close\",\"txn_id\":\"a\",\"ts\":\"2026-01-01T00:00:00.040Z\",\"status\":\"success\"}}",
                ""));

        assertThat(HeldOpenKafkaTransactions.read(events))
                .containsExactly(new HeldOpenKafkaTransactions.Held("p0", 4, 30, 15_030, 2, List.of("b", "a")));
        assertThat(HeldOpenKafkaTransactions.read(dir.resolve("none.jsonl"))).isEmpty();
        assertThat(HANG.producedBy(P0)).isTrue();
        assertThat(HANG.producedBy(P0 + "-lane2")).isTrue();
        assertThat(HANG.producedBy("txinsight-replay-1a2b3c4d-p01")).isFalse();
        assertThat(HANG.producedBy(null)).isFalse();
    }
}
