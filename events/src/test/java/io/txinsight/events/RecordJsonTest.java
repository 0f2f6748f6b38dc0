package io.txinsight.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordJsonTest {

    @Test
    void outcomeUsesTheDocumentedFieldNamesAndMapsToAVerdict() {
        Outcome closed = new Outcome("T-1", "payment", Outcome.State.CLOSED, CloseStatus.FAILED, 1_000L, 1_900L, 900L,
                12L, false, "settle", 4, true, 2_000L);

        String json = new String(RecordJson.toBytes(closed), StandardCharsets.UTF_8);

        assertThat(json).isEqualTo("{\"txn_id\":\"T-1\",\"txn_type\":\"payment\",\"state\":\"closed\",\"result\":\"failed\","
                + "\"opened_at_ms\":1000,\"closed_at_ms\":1900,\"duration_ms\":900,\"commit_latency_ms\":12,\"outlier\":false,"
                + "\"last_step\":\"settle\",\"steps\":4,\"was_stuck\":true,\"decided_at_ms\":2000}");
        assertThat(RecordJson.fromBytes(json.getBytes(StandardCharsets.UTF_8), Outcome.class)).isEqualTo(closed);
        assertThat(closed.verdict()).isEqualTo(Verdict.CLOSED_FAILED);

        Outcome held = new Outcome("T-2", "payment", Outcome.State.CLOSED, CloseStatus.SUCCESS, 1_000L, 1_900L, 900L,
                61_000L, false, null, 0, false, 63_000L,
                new BlockingKafkaTransaction("ledger-writer-7", 4711, List.of("payments.events-1")));
        String heldJson = new String(RecordJson.toBytes(held), StandardCharsets.UTF_8);
        assertThat(heldJson).endsWith("\"decided_at_ms\":63000,\"blocked_by\":{\"transactional_id\":\"ledger-writer-7\","
                + "\"producer_id\":4711,\"partitions\":[\"payments.events-1\"]}}");
        assertThat(RecordJson.fromBytes(heldJson.getBytes(StandardCharsets.UTF_8), Outcome.class)).isEqualTo(held);
        assertThat(new Outcome("T", null, Outcome.State.ABORTED, null, null, 5L, null, null, false, null, 0, false, 9).verdict())
                .isEqualTo(Verdict.ABORTED);
        assertThat(new Outcome("T", null, Outcome.State.EXPIRED, null, 1L, null, null, null, false, null, 0, true, 9).verdict())
                .isEqualTo(Verdict.STUCK);
        assertThat(new Outcome("T", null, Outcome.State.EXPIRED, null, 1L, null, null, null, false, null, 0, false, 9).verdict())
                .isEqualTo(Verdict.EXPIRED);
    }

    @Test
    void alertAndDeadLetterRoundTrip() {
        Alert alert = new Alert(Alert.STUCK, "T-2", "refund", 100L, 400L, 10_400L, 10_000L, "reserve_funds", 10_000L, 10_400L);
        assertThat(RecordJson.fromBytes(RecordJson.toBytes(alert), Alert.class)).isEqualTo(alert);

        DeadLetter dead = new DeadLetter("txn-events", 2, 77, "monitor", "NOT_JSON", null, "record is not valid UTF-8 JSON",
                null, "e25vdA==", "{not");
        assertThat(RecordJson.fromBytes(RecordJson.toBytes(dead), DeadLetter.class)).isEqualTo(dead);
    }

    @Test
    void velocityAlertsShareTheAlertsTopicAndAreToldApartByKind() {
        VelocityAlert burst = new VelocityAlert(VelocityAlert.VELOCITY, "acc-00042", null, 6, new java.math.BigDecimal("310.25"),
                3_000, 5, new java.math.BigDecimal("50000"), 1_000, 1_180, List.of("T-1", "T-2", "T-3", "T-4", "T-5", "T-6"),
                4_180);
        Alert stuck = new Alert(Alert.STUCK, "T-2", "refund", 100L, 400L, 10_400L, 10_000L, "reserve_funds", 10_000L, 10_400L);

        String json = new String(RecordJson.toBytes(burst), StandardCharsets.UTF_8);

        assertThat(json).startsWith("{\"alert\":\"velocity\",\"account\":\"acc-00042\",\"count\":6,\"amount\":310.25,");
        assertThat(VelocityAlert.readAlertsTopicRecord(RecordJson.toBytes(burst))).isEqualTo(burst);
        assertThat(VelocityAlert.readAlertsTopicRecord(RecordJson.toBytes(stuck))).isEqualTo(stuck);
    }

    @Test
    void hangingKafkaTransactionsShareTheAlertsTopicToo() {
        KafkaTransactionHanging hanging = new KafkaTransactionHanging(KafkaTransactionHanging.KAFKA_TRANSACTION_HANGING,
                null, 4001, 7, List.of(new KafkaTransactionHanging.HeldPartition("txn-events", 2, 120)), 960_000,
                1_000, 35, null, List.of(),
                List.of("kafka-transactions.sh --bootstrap-server k:9092 abort --topic txn-events --partition 2 --start-offset 120"),
                961_000);

        String json = new String(RecordJson.toBytes(hanging), StandardCharsets.UTF_8);

        assertThat(json).startsWith("{\"alert\":\"kafka_transaction_hanging\",\"producer_id\":4001,\"producer_epoch\":7,"
                + "\"partitions\":[{\"topic\":\"txn-events\",\"partition\":2,\"start_offset\":120}]");
        assertThat(json).doesNotContain("blocked_txn_count").doesNotContain("transactional_id");
        assertThat(VelocityAlert.readAlertsTopicRecord(RecordJson.toBytes(hanging))).isEqualTo(hanging);

        KafkaTransactionHanging longOpen = new KafkaTransactionHanging(
                KafkaTransactionHanging.KAFKA_TRANSACTION_LONG_OPEN, "txinsight-replay-ab12-p0", 4002, 3,
                List.of(new KafkaTransactionHanging.HeldPartition("txn-events", 0, 77)), 10_500, 1_000, 12, null,
                List.of(), List.of(), 11_500);
        assertThat(VelocityAlert.readAlertsTopicRecord(RecordJson.toBytes(longOpen))).isEqualTo(longOpen);
    }

    @Test
    void truthRoundTripsThroughAFile(@TempDir Path dir) throws Exception {
        Map<Verdict, Long> byVerdict = new EnumMap<>(Verdict.class);
        byVerdict.put(Verdict.CLOSED_SUCCESS, 1L);
        byVerdict.put(Verdict.STUCK, 1L);
        Map<String, Map<Verdict, Long>> byType = new TreeMap<>();
        byType.put("payment", byVerdict);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("seed", 42);
        Truth truth = new Truth(params, new Truth.Timing(10_000, 3_000, 2_000, 4.0),
                new Truth.Summary(2, 7, 0, byVerdict, byType, Map.of("p50", 900L), 0, 1),
                List.of(new Truth.Transaction("T-1", "payment", Verdict.CLOSED_SUCCESS, 0, 900L, 900L, false, false, 0),
                        new Truth.Transaction("T-2", "payment", Verdict.STUCK, 10, null, null, false, true, 1)));

        Path file = dir.resolve("truth.json");
        truth.write(file);

        assertThat(Truth.read(file)).isEqualTo(truth);
    }
}
