package io.txinsight.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EventCodecTest {

    private final EventCodec codec = new EventCodec();

    @Test
    void decodesADocumentedEvent() {
        DecodeResult r = decode("{\"event_type\":\"transaction_open\",\"txn_id\":\"T-1\","
                + "\"ts\":\"2026-11-21T18:09:14.123Z\",\"txn_type\":\"payment\","
                + "\"attributes\":{\"account\":\"ACC-0042\",\"amount\":125.50,\"currency\":\"EUR\"},"
                + "\"producer_version\":\"ignored\"}");

        BusinessEvent e = r.event();
        assertThat(e.eventType()).isEqualTo(EventType.TRANSACTION_OPEN);
        assertThat(e.txnId()).isEqualTo("T-1");
        assertThat(e.ts()).isEqualTo(1795284554123L);
        assertThat(e.txnType()).isEqualTo("payment");
        assertThat(e.attributes()).containsEntry("account", "ACC-0042")
                .containsEntry("amount", new BigDecimal("125.50"));
    }

    @Test
    void acceptsEpochMillisAndOffsets() {
        assertThat(decode("{\"event_type\":\"transaction_close\",\"txn_id\":\"T\",\"ts\":1795284554123,\"status\":\"failed\"}")
                        .event())
                .satisfies(e -> {
                    assertThat(e.ts()).isEqualTo(1795284554123L);
                    assertThat(e.status()).isEqualTo(CloseStatus.FAILED);
                });
        assertThat(decode("{\"event_type\":\"step_open\",\"txn_id\":\"T\",\"step\":\"s\",\"ts\":\"2026-11-21T19:09:14.123+01:00\"}")
                        .event().ts())
                .isEqualTo(1795284554123L);
    }

    static List<Arguments> rejections() {
        String ok = "\"event_type\":\"step_done\",\"txn_id\":\"T-1\",\"ts\":\"2026-11-21T18:09:14.123Z\",\"step\":\"settle\"";
        return List.of(
                Arguments.of("empty", "", Rejection.Reason.NOT_JSON, null, "record value is empty; expected a JSON object"),
                Arguments.of("not json", "{event_type: open", Rejection.Reason.NOT_JSON, null,
                        "record is not valid UTF-8 JSON: Unexpected character ('e' (code 101)): was expecting double-quote to start field name (at line 1, column 2)"),
                Arguments.of("trailing garbage", "{" + ok + "} x", Rejection.Reason.NOT_JSON, null, "record is not valid UTF-8 JSON"),
                Arguments.of("array", "[1,2]", Rejection.Reason.NOT_OBJECT, null, "record is a JSON array; expected a JSON object"),
                Arguments.of("string", "\"hello\"", Rejection.Reason.NOT_OBJECT, null, "record is a JSON string; expected a JSON object"),
                Arguments.of("missing txn_id", "{\"event_type\":\"transaction_open\",\"ts\":1}", Rejection.Reason.MISSING_FIELD, "txn_id",
                        "field 'txn_id' is missing; expected a non-empty string of at most 256 characters"),
                Arguments.of("blank txn_id", "{\"event_type\":\"transaction_open\",\"txn_id\":\"  \",\"ts\":1}", Rejection.Reason.BLANK_FIELD, "txn_id",
                        "field 'txn_id' is blank; expected a non-empty string"),
                Arguments.of("oversized txn_id", "{\"event_type\":\"transaction_open\",\"txn_id\":\"" + "x".repeat(257) + "\",\"ts\":1}",
                        Rejection.Reason.FIELD_TOO_LONG, "txn_id", "field 'txn_id' is 257 characters long; at most 256 are accepted"),
                Arguments.of("numeric txn_id", "{\"event_type\":\"transaction_open\",\"txn_id\":42,\"ts\":1}", Rejection.Reason.WRONG_TYPE, "txn_id",
                        "field 'txn_id' is a JSON number; expected a string"),
                Arguments.of("missing event_type", "{\"txn_id\":\"T\",\"ts\":1}", Rejection.Reason.MISSING_FIELD, "event_type",
                        "field 'event_type' is missing; expected one of transaction_open, step_open, step_done, transaction_close"),
                Arguments.of("unknown event_type", "{\"event_type\":\"transaction_reopen\",\"txn_id\":\"T\",\"ts\":1}", Rejection.Reason.UNKNOWN_VALUE, "event_type",
                        "field 'event_type' is 'transaction_reopen'; expected one of transaction_open, step_open, step_done, transaction_close"),
                Arguments.of("event_type not a string", "{\"event_type\":true,\"txn_id\":\"T\",\"ts\":1}", Rejection.Reason.WRONG_TYPE, "event_type",
                        "field 'event_type' is a JSON boolean; expected a string"),
                Arguments.of("missing ts", "{\"event_type\":\"transaction_open\",\"txn_id\":\"T\"}", Rejection.Reason.MISSING_FIELD, "ts",
                        "field 'ts' is missing; expected an ISO-8601 UTC time such as 2026-11-21T18:09:14.123Z, or epoch milliseconds"),
                Arguments.of("unparseable ts", "{\"event_type\":\"transaction_open\",\"txn_id\":\"T\",\"ts\":\"yesterday\"}", Rejection.Reason.UNPARSEABLE_TIMESTAMP, "ts",
                        "field 'ts' is 'yesterday', which is not an ISO-8601 time with a zone; expected e.g. 2026-11-21T18:09:14.123Z"),
                Arguments.of("ts without zone", "{\"event_type\":\"transaction_open\",\"txn_id\":\"T\",\"ts\":\"2026-11-21T18:09:14.123\"}", Rejection.Reason.UNPARSEABLE_TIMESTAMP, "ts",
                        "field 'ts' is '2026-11-21T18:09:14.123', which is not an ISO-8601 time with a zone"),
                Arguments.of("fractional epoch", "{\"event_type\":\"transaction_open\",\"txn_id\":\"T\",\"ts\":1.5}", Rejection.Reason.UNPARSEABLE_TIMESTAMP, "ts",
                        "field 'ts' is 1.5; epoch milliseconds must be a whole number"),
                Arguments.of("negative epoch", "{\"event_type\":\"transaction_open\",\"txn_id\":\"T\",\"ts\":-5}", Rejection.Reason.UNPARSEABLE_TIMESTAMP, "ts",
                        "field 'ts' is -5; epoch milliseconds must not be negative"),
                Arguments.of("ts an object", "{\"event_type\":\"transaction_open\",\"txn_id\":\"T\",\"ts\":{}}", Rejection.Reason.WRONG_TYPE, "ts",
                        "field 'ts' is a JSON object; expected a string (ISO-8601) or a number (epoch milliseconds)"),
                Arguments.of("step event without step", "{\"event_type\":\"step_open\",\"txn_id\":\"T\",\"ts\":1}", Rejection.Reason.MISSING_FIELD, "step",
                        "field 'step' is missing; expected the step name on a step_open event"),
                Arguments.of("blank step", "{\"event_type\":\"step_done\",\"txn_id\":\"T\",\"ts\":1,\"step\":\"\"}", Rejection.Reason.BLANK_FIELD, "step",
                        "field 'step' is blank on a step_done event; expected the step name"),
                Arguments.of("step a number", "{\"event_type\":\"step_done\",\"txn_id\":\"T\",\"ts\":1,\"step\":7}", Rejection.Reason.WRONG_TYPE, "step",
                        "field 'step' is a JSON number; expected a string"),
                Arguments.of("unknown status", "{\"event_type\":\"transaction_close\",\"txn_id\":\"T\",\"ts\":1,\"status\":\"ok\"}", Rejection.Reason.UNKNOWN_VALUE, "status",
                        "field 'status' is 'ok'; expected success or failed"),
                Arguments.of("attributes an array", "{\"event_type\":\"transaction_open\",\"txn_id\":\"T\",\"ts\":1,\"attributes\":[1]}", Rejection.Reason.WRONG_TYPE, "attributes",
                        "field 'attributes' is a JSON array; expected a JSON object"),
                Arguments.of("txn_type a number", "{\"event_type\":\"transaction_open\",\"txn_id\":\"T\",\"ts\":1,\"txn_type\":1}", Rejection.Reason.WRONG_TYPE, "txn_type",
                        "field 'txn_type' is a JSON number; expected a string"),
                Arguments.of("duplicate txn_id", "{\"event_type\":\"transaction_open\",\"txn_id\":\"A\",\"txn_id\":\"B\",\"ts\":1}", Rejection.Reason.DUPLICATE_FIELD, null,
                        "record repeats a field: Duplicate field 'txn_id'"),
                Arguments.of("too deep", "{\"event_type\":\"transaction_open\",\"txn_id\":\"T\",\"ts\":1,\"attributes\":" + "{\"a\":".repeat(40) + "1" + "}".repeat(40) + "}",
                        Rejection.Reason.TOO_LARGE, null, "record is past a size limit: Document nesting depth (33) exceeds the maximum allowed (32"),
                Arguments.of("huge string", "{\"event_type\":\"transaction_open\",\"txn_id\":\"T\",\"ts\":1,\"attributes\":{\"memo\":\"" + "m".repeat(70_000) + "\"}}",
                        Rejection.Reason.TOO_LARGE, null, "record is past a size limit: String value length"),
                Arguments.of("huge number", "{\"event_type\":\"transaction_open\",\"txn_id\":\"T\",\"ts\":1,\"attributes\":{\"n\":" + "9".repeat(100) + "}}",
                        Rejection.Reason.TOO_LARGE, null, "record is past a size limit: Number value length"),
                Arguments.of("huge record", "{\"event_type\":\"transaction_open\",\"txn_id\":\"T\",\"ts\":1,\"pad\":\"" + "p".repeat(EventCodec.MAX_RECORD_BYTES) + "\"}",
                        Rejection.Reason.TOO_LARGE, null, "bytes; at most 1048576 bytes are accepted"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejections")
    void rejectsWithAMessageThatSaysWhatAndWhere(
            String name, String json, Rejection.Reason reason, String field, String message) {
        DecodeResult r = decode(json);

        assertThat(r.isAccepted()).as("%s should be rejected", name).isFalse();
        Rejection rejection = r.rejection();
        assertThat(rejection.reason()).isEqualTo(reason);
        assertThat(rejection.field()).isEqualTo(field);
        assertThat(rejection.message()).contains(message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejections")
    void keepingSomeAttributesRejectsEveryRecordTheSameWay(
            String name, String json, Rejection.Reason reason, String field, String message) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);

        DecodeResult lean = codec.decodeKeeping(OpenAttributes.NAMES, bytes);

        assertThat(lean.isAccepted()).as("%s should be rejected", name).isFalse();
        assertThat(lean.rejection()).isEqualTo(codec.decode(bytes).rejection());
    }

    @Test
    void keepingSomeAttributesKeepsEveryFieldAndOnlyTheNamedAttributes() {
        Random random = new Random(20261206L);
        for (int i = 0; i < 10_000; i++) {
            BusinessEvent event = randomEvent(random);
            byte[] bytes = codec.encode(event);
            Map<String, Object> named = new LinkedHashMap<>();
            codec.decode(bytes).event().attributes().forEach((k, v) -> {
                if (OpenAttributes.NAMES.contains(k)) {
                    named.put(k, v instanceof Map ? Map.of() : v); // an object stands in empty
                }
            });

            BusinessEvent lean = codec.decodeKeeping(OpenAttributes.NAMES, bytes).event();

            assertThat(lean).as("lean decoding of %s", new String(bytes, StandardCharsets.UTF_8))
                    .isEqualTo(new BusinessEvent(event.eventType(), event.txnId(), event.ts(), event.step(),
                            event.txnType(), event.status(), named));
        }
    }

    @Test
    void readsTheFinancialAttributesOfAnOpenExactly() {
        String json = "{\"event_type\":\"transaction_open\",\"txn_id\":\"T\",\"ts\":1,\"attributes\":"
                + "{\"account\":\"acc-7\",\"amount\":125.50,\"currency\":\"EUR\",\"merchant\":\"Metro #2\","
                + "\"category\":\"fuel\",\"note\":{\"a\":[1,2]}}}";

        OpenAttributes a = OpenAttributes.of(
                codec.decodeKeeping(OpenAttributes.NAMES, json.getBytes(StandardCharsets.UTF_8)).event().attributes());

        assertThat(a).isEqualTo(new OpenAttributes("acc-7", new BigDecimal("125.50"), "EUR", "Metro #2", "fuel", List.of()));
        assertThat(a.amount().scale()).as("trailing zero kept").isEqualTo(2);
    }

    @Test
    void namesEveryMissingOrMistypedAttributeWithoutRejectingTheRecord() {
        String json = "{\"event_type\":\"transaction_open\",\"txn_id\":\"T\",\"ts\":1,\"attributes\":"
                + "{\"account\":42,\"amount\":\"12.50\",\"currency\":null,\"merchant\":[\"x\"]}}";

        DecodeResult r = codec.decodeKeeping(OpenAttributes.NAMES, json.getBytes(StandardCharsets.UTF_8));
        OpenAttributes a = OpenAttributes.of(r.event().attributes());

        assertThat(a.problems()).containsExactly(
                new OpenAttributes.Problem("account", OpenAttributes.Reason.WRONG_TYPE),
                new OpenAttributes.Problem("amount", OpenAttributes.Reason.WRONG_TYPE),
                new OpenAttributes.Problem("currency", OpenAttributes.Reason.MISSING),
                new OpenAttributes.Problem("merchant", OpenAttributes.Reason.WRONG_TYPE),
                new OpenAttributes.Problem("category", OpenAttributes.Reason.MISSING));
        assertThat(a.account()).isNull();
        assertThat(a.amount()).isNull();
        assertThat(OpenAttributes.problemsOf(a.problemBits())).isEqualTo(a.problems());
        assertThat(OpenAttributes.of(Map.of("amount", 7)).amount()).isEqualByComparingTo("7");
    }

    @Test
    void rejectsTrailingValuesAfterTheObject() {
        String json = "{\"event_type\":\"transaction_open\",\"txn_id\":\"T\",\"ts\":1} {}";

        Rejection rejection = decode(json).rejection();

        assertThat(rejection.reason()).isEqualTo(Rejection.Reason.NOT_JSON);
        assertThat(rejection.message()).contains("Trailing token");
    }

    @Test
    void rejectsBytesThatAreNotUtf8() {
        byte[] bad = "{\"event_type\":\"transaction_open\",\"txn_id\":\"T\u00e9\",\"ts\":1}"
                .getBytes(StandardCharsets.ISO_8859_1);

        Rejection rejection = codec.decode(bad).rejection();

        assertThat(rejection.reason()).isEqualTo(Rejection.Reason.NOT_JSON);
        assertThat(rejection.message()).startsWith("record is not valid UTF-8 JSON: Invalid UTF-8");
    }

    @Test
    void neverThrowsOnRandomBytes() {
        Random random = new Random(7);
        for (int i = 0; i < 5_000; i++) {
            byte[] junk = new byte[random.nextInt(64)];
            random.nextBytes(junk);
            assertThat(codec.decode(junk)).isNotNull();
        }
        assertThat(codec.decode((byte[]) null).isAccepted()).isFalse();
    }

    @Test
    void encodingThenDecodingGivesTheSameEvent() {
        Random random = new Random(20261121L);
        for (int i = 0; i < 10_000; i++) {
            BusinessEvent event = randomEvent(random);
            byte[] bytes = codec.encode(event);
            assertThat(codec.decode(bytes).event()).as("round trip of %s", new String(bytes, StandardCharsets.UTF_8))
                    .isEqualTo(event);
        }
    }

    @Test
    void encodesTimeAsIsoUtcWithMilliseconds() {
        String json = codec.encodeToString(BusinessEvent.close("T-9", 1795284554000L, CloseStatus.SUCCESS));

        assertThat(json).isEqualTo(
                "{\"event_type\":\"transaction_close\",\"txn_id\":\"T-9\",\"ts\":\"2026-11-21T18:09:14.000Z\",\"status\":\"success\"}");
    }

    private static BusinessEvent randomEvent(Random random) {
        EventType type = EventType.values()[random.nextInt(EventType.values().length)];
        String txnId = randomText(random, 1 + random.nextInt(BusinessEvent.MAX_TXN_ID_LENGTH));
        long ts = (long) (random.nextDouble() * 4_000_000_000_000L);
        String step = type.isStep() || random.nextBoolean() ? randomText(random, 1 + random.nextInt(20)) : null;
        String txnType = random.nextBoolean() ? randomText(random, 1 + random.nextInt(12)) : null;
        CloseStatus status = random.nextInt(3) == 0 ? null : CloseStatus.values()[random.nextInt(2)];
        Map<String, Object> attributes = new LinkedHashMap<>();
        int n = random.nextInt(5);
        for (int a = 0; a < n; a++) {
            Object value;
            switch (random.nextInt(5)) {
                case 0: value = randomText(random, random.nextInt(10)); break;
                case 1: value = random.nextInt(); break;
                case 2: value = BigDecimal.valueOf(random.nextInt(1_000_000), 2); break;
                case 3: value = random.nextBoolean(); break;
                default: value = Map.of("nested", randomText(random, 3)); break;
            }
            // Some attributes carry a name the job reads, with any type, to test the lean decode.
            String name = random.nextInt(3) == 0
                    ? OpenAttributes.ORDER.get(random.nextInt(OpenAttributes.ORDER.size()))
                    : "k" + a + randomText(random, 3);
            attributes.put(name, value);
        }
        return new BusinessEvent(type, txnId, ts, step, txnType, status, attributes);
    }

    /** Random text across ASCII, accents, quotes, escapes and astral-plane characters. */
    private static String randomText(Random random, int length) {
        String alphabet = "abcXYZ019-_ \"\\/\u00e9\u00fc\u4e2d\t\n";
        StringBuilder sb = new StringBuilder();
        while (sb.length() < length) {
            if (random.nextInt(20) == 0 && sb.length() + 2 <= length) {
                sb.appendCodePoint(0x1F600 + random.nextInt(40));
            } else {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
        }
        String s = sb.toString();
        return s.isBlank() && !s.isEmpty() ? "x" + s.substring(1) : s;
    }

    private DecodeResult decode(String json) {
        return codec.decode(json.getBytes(StandardCharsets.UTF_8));
    }
}
