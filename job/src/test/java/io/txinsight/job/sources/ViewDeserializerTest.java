package io.txinsight.job.sources;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.events.BusinessEvent;
import io.txinsight.events.CloseStatus;
import io.txinsight.events.DeadLetter;
import io.txinsight.events.EventCodec;
import io.txinsight.events.EventType;
import io.txinsight.events.OpenAttributes;
import io.txinsight.events.Rejection;
import io.txinsight.job.records.DecodedRecord;
import io.txinsight.job.records.View;
import io.txinsight.job.records.ViewEvent;
import io.txinsight.job.records.ViewEventTypeInfo;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class ViewDeserializerTest {

    private static final long NOW = 1_790_000_000_000L;
    private static final long SKEW = 300_000;
    private final ViewDeserializer monitor = new ViewDeserializer(View.MONITOR, () -> NOW, SKEW);

    private static ConsumerRecord<byte[], byte[]> record(String key, byte[] value) {
        return new ConsumerRecord<>("txn-events", 2, 41L, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
    }

    private static ConsumerRecord<byte[], byte[]> record(String value) {
        return record("t-1", value.getBytes(StandardCharsets.UTF_8));
    }

    private DecodedRecord decodeOne(ConsumerRecord<byte[], byte[]> r) {
        List<DecodedRecord> out = new ArrayList<>();
        monitor.deserialize(r, new org.apache.flink.util.Collector<>() {
            @Override
            public void collect(DecodedRecord record) {
                out.add(record);
            }

            @Override
            public void close() {}
        });
        assertThat(out).as("exactly one output per Kafka record").hasSize(1);
        return out.get(0);
    }

    @Test
    void aValidEventBecomesAViewEventWithItsKafkaPosition() {
        byte[] value = new EventCodec().encode(new BusinessEvent(
                EventType.TRANSACTION_CLOSE, "t-1", 1_700_000_000_123L, null, "payment", CloseStatus.FAILED, Map.of()));
        DecodedRecord r = decodeOne(record("t-1", value));
        assertThat(r.isEvent()).isTrue();
        assertThat(r.event.view).isEqualTo(View.MONITOR);
        assertThat(r.event.eventType).isEqualTo(EventType.TRANSACTION_CLOSE);
        assertThat(r.event.txnId).isEqualTo("t-1");
        assertThat(r.event.ts).isEqualTo(1_700_000_000_123L);
        assertThat(r.event.txnType).isEqualTo("payment");
        assertThat(r.event.status).isEqualTo(CloseStatus.FAILED);
        assertThat(r.event.topic).isEqualTo("txn-events");
        assertThat(r.event.partition).isEqualTo(2);
        assertThat(r.event.offset).isEqualTo(41L);
        assertThat(r.event.seenAtMs).isEqualTo(NOW);
    }

    @Test
    void anOpenCarriesItsFinancialAttributesAndNothingElse() {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("account", "acc-00042");
        attributes.put("amount", new BigDecimal("125.50"));
        attributes.put("currency", "EUR");
        attributes.put("merchant", "Metro Fuel #7");
        attributes.put("category", 7); // mistyped: counted, the record is still an event
        attributes.put("note", "ignored");
        byte[] value = new EventCodec().encode(BusinessEvent.open("t-1", 5L, "deposit", attributes));

        ViewEvent e = decodeOne(record("t-1", value)).event;

        assertThat(e.account).isEqualTo("acc-00042");
        assertThat(e.amount).isEqualTo(new BigDecimal("125.50"));
        assertThat(e.currency).isEqualTo("EUR");
        assertThat(e.merchant).isEqualTo("Metro Fuel #7");
        assertThat(e.category).isNull();
        assertThat(OpenAttributes.problemsOf(e.attributeProblems)).containsExactly(
                new OpenAttributes.Problem("category", OpenAttributes.Reason.WRONG_TYPE));
    }

    @Test
    void anEventDatedBeyondTheAllowedSkewIsADeadLetterAndOneFromThePastIsNot() {
        EventCodec codec = new EventCodec();
        DecodedRecord future = decodeOne(record("t-1", codec.encode(BusinessEvent.open("t-1", NOW + SKEW + 1, "p", Map.of()))));
        DecodedRecord edge = decodeOne(record("t-2", codec.encode(BusinessEvent.open("t-2", NOW + SKEW, "p", Map.of()))));
        DecodedRecord past = decodeOne(record("t-3", codec.encode(BusinessEvent.open("t-3", 86_400_000L, "p", Map.of()))));

        assertThat(future.isEvent()).isFalse();
        assertThat(future.deadLetter.reason()).isEqualTo("FUTURE_TIMESTAMP");
        assertThat(future.deadLetter.field()).isEqualTo("ts");
        assertThat(future.deadLetter.message())
                .contains("ahead of the job's clock").contains("at most 5m ahead").contains("--max-clock-skew");
        assertThat(edge.isEvent()).as("exactly the allowed skew is accepted").isTrue();
        assertThat(past.isEvent()).as("a replay from 1970 is still an event").isTrue();
    }

    @Test
    void theKafkaTimestampTravelsWithTheRecordForTheWatermarks() {
        byte[] value = new EventCodec().encode(BusinessEvent.open("t-9", 5L, "payment", Map.of()));
        ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>("txn-events", 0, 3L, NOW - 250,
                org.apache.kafka.common.record.TimestampType.CREATE_TIME, 0, value.length, null, value,
                new org.apache.kafka.common.header.internals.RecordHeaders(), java.util.Optional.empty());
        DecodedRecord d = decodeOne(r);
        assertThat(d.kafkaTimestamp).isEqualTo(NOW - 250);
        assertThat(d.event.seenAtMs - d.kafkaTimestamp).as("how far behind the reader was").isEqualTo(250);
    }

    /** One bad record per rejection reason; a new reason in the codec fails this test until it gets a case. */
    @Test
    void everyRejectionBecomesADeadLetterWithItsReason() {
        String deep = "{\"event_type\":\"transaction_open\",\"txn_id\":\"t\",\"ts\":1,\"attributes\":"
                + "{\"a\":".repeat(40) + "1" + "}".repeat(40) + "}";
        Map<Rejection.Reason, String> cases = new EnumMap<>(Map.of(
                Rejection.Reason.NOT_JSON, "{\"event_type\": transaction_open",
                Rejection.Reason.NOT_OBJECT, "[1, 2, 3]",
                Rejection.Reason.TOO_LARGE, deep,
                Rejection.Reason.MISSING_FIELD, "{\"txn_id\":\"t-1\",\"ts\":1}",
                Rejection.Reason.BLANK_FIELD, "{\"event_type\":\"transaction_open\",\"txn_id\":\"  \",\"ts\":1}",
                Rejection.Reason.FIELD_TOO_LONG,
                        "{\"event_type\":\"transaction_open\",\"txn_id\":\"" + "x".repeat(300) + "\",\"ts\":1}",
                Rejection.Reason.WRONG_TYPE, "{\"event_type\":\"transaction_open\",\"txn_id\":42,\"ts\":1}",
                Rejection.Reason.UNKNOWN_VALUE, "{\"event_type\":\"transaction_reopen\",\"txn_id\":\"t-1\",\"ts\":1}",
                Rejection.Reason.UNPARSEABLE_TIMESTAMP,
                        "{\"event_type\":\"transaction_open\",\"txn_id\":\"t-1\",\"ts\":\"yesterday\"}",
                Rejection.Reason.DUPLICATE_FIELD,
                        "{\"event_type\":\"transaction_open\",\"txn_id\":\"t-1\",\"txn_id\":\"t-2\",\"ts\":1}"));
        cases.put(Rejection.Reason.FUTURE_TIMESTAMP,
                "{\"event_type\":\"transaction_open\",\"txn_id\":\"t-1\",\"ts\":\"2099-01-01T00:00:00Z\"}");
        assertThat(cases.keySet()).containsExactlyInAnyOrderElementsOf(EnumSet.allOf(Rejection.Reason.class));

        cases.forEach((reason, value) -> {
            DecodedRecord r = decodeOne(record(value));
            assertThat(r.isEvent()).as(reason.name()).isFalse();
            DeadLetter d = r.deadLetter;
            assertThat(d.reason()).isEqualTo(reason.name());
            assertThat(d.message()).isNotBlank();
            assertThat(d.view()).isEqualTo("monitor");
            assertThat(d.topic()).isEqualTo("txn-events");
            assertThat(d.partition()).isEqualTo(2);
            assertThat(d.offset()).isEqualTo(41L);
            assertThat(d.key()).isEqualTo("t-1");
            assertThat(Base64.getDecoder().decode(d.valueBase64())).isEqualTo(value.getBytes(StandardCharsets.UTF_8));
        });
    }

    @Test
    void deadLettersNameTheOffendingField() {
        DeadLetter d = decodeOne(record("{\"event_type\":\"transaction_open\",\"txn_id\":\"t-1\",\"ts\":\"later\"}")).deadLetter;
        assertThat(d.field()).isEqualTo("ts");
        assertThat(d.message()).contains("ts");
    }

    @Test
    void aTombstoneOrMissingKeyIsADeadLetterToo() {
        DeadLetter d = decodeOne(record(null, null)).deadLetter;
        assertThat(d.reason()).isEqualTo("NOT_JSON");
        assertThat(d.key()).isNull();
        assertThat(d.valueBase64()).isNull();
        assertThat(d.valuePreview()).isNull();
    }

    @Test
    void thePreviewIsShortAndReadable() {
        String value = "not json " + "é".repeat(2_000);
        DeadLetter d = decodeOne(record(value)).deadLetter;
        assertThat(d.valuePreview()).hasSize(ViewDeserializer.PREVIEW_CHARS).startsWith("not json é");
        assertThat(Base64.getDecoder().decode(d.valueBase64())).hasSize(value.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void aRecordAboveTheSizeLimitIsTooLarge() {
        byte[] big = new byte[EventCodec.MAX_RECORD_BYTES + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        assertThat(decodeOne(record("k", big)).deadLetter.reason()).isEqualTo("TOO_LARGE");
    }

    @Test
    void neverThrowsOnArbitraryBytes() {
        Random random = new Random(7);
        Set<String> reasons = new java.util.HashSet<>();
        for (int i = 0; i < 5_000; i++) {
            byte[] value = new byte[random.nextInt(64)];
            random.nextBytes(value);
            if (i % 3 == 0 && value.length > 0) {
                value[0] = '{';
            }
            DecodedRecord r = decodeOne(record("k", value));
            assertThat(r.isEvent()).isFalse();
            reasons.add(r.deadLetter.reason());
        }
        assertThat(reasons).isNotEmpty().allMatch(reason -> !reason.isBlank());
    }

    @Test
    void theCommittedViewLabelsItsOwnRecords() {
        ViewDeserializer committed = new ViewDeserializer(View.COMMITTED, () -> NOW, SKEW);
        DecodedRecord r = committed.decode(record("[]"));
        assertThat(r.deadLetter.view()).isEqualTo("committed");
    }

    @Test
    void decodedRecordsAreFlinkPojos() {
        // Kryo would be slower and brittle across versions; the wrapper and the dead letter are POJOs,
        // the event has a serializer of its own (ViewEventSerializer).
        TypeInformation<DecodedRecord> type = monitor.getProducedType();
        assertThat(type).isInstanceOf(PojoTypeInfo.class);
        PojoTypeInfo<DecodedRecord> pojo = (PojoTypeInfo<DecodedRecord>) type;
        assertThat(pojo.getTypeAt("event")).isEqualTo(ViewEventTypeInfo.INSTANCE);
        assertThat(pojo.getTypeAt("deadLetter")).isInstanceOf(PojoTypeInfo.class);
    }
}
