package io.txinsight.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns Kafka record values into {@link BusinessEvent}s and back.
 *
 * <p>Decoding never throws for bad input: every problem becomes a {@link Rejection} that names
 * the field and says what was expected, so the job can dead-letter the record and carry on.
 * Instances are thread-safe.
 */
public final class EventCodec {

    /** Largest record value accepted, in bytes. Business events are small; anything bigger is a bug upstream. */
    public static final int MAX_RECORD_BYTES = 1 << 20;
    /** Deepest JSON nesting accepted (attributes may hold objects, but not without end). */
    public static final int MAX_NESTING_DEPTH = 32;
    /** Longest single JSON string accepted, in characters. */
    public static final int MAX_STRING_LENGTH = 64 * 1024;
    /** Longest JSON number accepted, in characters. */
    public static final int MAX_NUMBER_LENGTH = 64;

    public static final String EVENT_TYPE = "event_type";
    public static final String TXN_ID = "txn_id";
    public static final String TS = "ts";
    public static final String STEP = "step";
    public static final String TXN_TYPE = "txn_type";
    public static final String STATUS = "status";
    public static final String ATTRIBUTES = "attributes";

    private static final int MAX_STEP_OR_TYPE_LENGTH = 256;

    private final ObjectMapper mapper;

    public EventCodec() {
        JsonFactory factory =
                JsonFactory.builder()
                        .streamReadConstraints(
                                StreamReadConstraints.builder()
                                        .maxDocumentLength(MAX_RECORD_BYTES)
                                        .maxNestingDepth(MAX_NESTING_DEPTH)
                                        .maxStringLength(MAX_STRING_LENGTH)
                                        .maxNumberLength(MAX_NUMBER_LENGTH)
                                        .build())
                        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                        .build();
        this.mapper = new ObjectMapper(factory);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        // Amounts are money: keep decimals exact, trailing zeros included (125.50 stays 125.50).
        mapper.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        mapper.configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
    }

    /** Decodes one record value. Never throws for bad input. */
    public DecodeResult decode(byte[] value) {
        if (value == null || value.length == 0) {
            return reject(Rejection.Reason.NOT_JSON, null, "record value is empty; expected a JSON object");
        }
        if (value.length > MAX_RECORD_BYTES) {
            return reject(
                    Rejection.Reason.TOO_LARGE,
                    null,
                    "record value is " + value.length + " bytes; at most " + MAX_RECORD_BYTES + " bytes are accepted");
        }
        JsonNode root;
        try {
            root = mapper.readTree(value);
        } catch (StreamConstraintsException e) {
            return reject(Rejection.Reason.TOO_LARGE, null, "record is past a size limit: " + describe(e));
        } catch (JsonProcessingException e) {
            if (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field")) {
                return reject(Rejection.Reason.DUPLICATE_FIELD, null, "record repeats a field: " + describe(e));
            }
            return reject(Rejection.Reason.NOT_JSON, null, "record is not valid UTF-8 JSON: " + describe(e));
        } catch (IOException | RuntimeException e) {
            return reject(Rejection.Reason.NOT_JSON, null, "record is not valid UTF-8 JSON: " + e.getMessage());
        }
        if (root == null || root.isMissingNode()) {
            return reject(Rejection.Reason.NOT_JSON, null, "record value holds no JSON; expected a JSON object");
        }
        if (!root.isObject()) {
            return reject(
                    Rejection.Reason.NOT_OBJECT,
                    null,
                    "record is a JSON " + root.getNodeType().name().toLowerCase() + "; expected a JSON object");
        }
        return fromObject((ObjectNode) root);
    }

    private DecodeResult fromObject(ObjectNode node) {
        // event_type
        JsonNode typeNode = node.get(EVENT_TYPE);
        if (typeNode == null || typeNode.isNull()) {
            return missing(EVENT_TYPE, "one of " + EventType.wireNames());
        }
        if (!typeNode.isTextual()) {
            return wrongType(EVENT_TYPE, typeNode, "a string");
        }
        EventType eventType = EventType.fromWire(typeNode.textValue()).orElse(null);
        if (eventType == null) {
            return reject(
                    Rejection.Reason.UNKNOWN_VALUE,
                    EVENT_TYPE,
                    "field 'event_type' is '" + clip(typeNode.textValue()) + "'; expected one of " + EventType.wireNames());
        }

        // txn_id
        JsonNode idNode = node.get(TXN_ID);
        if (idNode == null || idNode.isNull()) {
            return missing(TXN_ID, "a non-empty string of at most " + BusinessEvent.MAX_TXN_ID_LENGTH + " characters");
        }
        if (!idNode.isTextual()) {
            return wrongType(TXN_ID, idNode, "a string");
        }
        String txnId = idNode.textValue();
        if (txnId.isBlank()) {
            return reject(Rejection.Reason.BLANK_FIELD, TXN_ID, "field 'txn_id' is blank; expected a non-empty string");
        }
        if (txnId.length() > BusinessEvent.MAX_TXN_ID_LENGTH) {
            return reject(
                    Rejection.Reason.FIELD_TOO_LONG,
                    TXN_ID,
                    "field 'txn_id' is " + txnId.length() + " characters long; at most "
                            + BusinessEvent.MAX_TXN_ID_LENGTH + " are accepted");
        }

        // ts
        JsonNode tsNode = node.get(TS);
        if (tsNode == null || tsNode.isNull()) {
            return missing(TS, "an ISO-8601 UTC time such as 2026-11-21T18:09:14.123Z, or epoch milliseconds");
        }
        long ts;
        if (tsNode.isTextual()) {
            try {
                ts = EventTime.parse(tsNode.textValue());
            } catch (DateTimeParseException e) {
                return reject(
                        Rejection.Reason.UNPARSEABLE_TIMESTAMP,
                        TS,
                        "field 'ts' is '" + clip(tsNode.textValue())
                                + "', which is not an ISO-8601 time with a zone; expected e.g. 2026-11-21T18:09:14.123Z");
            }
        } else if (tsNode.isIntegralNumber() && tsNode.canConvertToLong()) {
            ts = tsNode.longValue();
            if (ts < 0) {
                return reject(
                        Rejection.Reason.UNPARSEABLE_TIMESTAMP,
                        TS,
                        "field 'ts' is " + ts + "; epoch milliseconds must not be negative");
            }
        } else if (tsNode.isNumber()) {
            return reject(
                    Rejection.Reason.UNPARSEABLE_TIMESTAMP,
                    TS,
                    "field 'ts' is " + tsNode.asText() + "; epoch milliseconds must be a whole number");
        } else {
            return wrongType(TS, tsNode, "a string (ISO-8601) or a number (epoch milliseconds)");
        }

        // step
        String step = null;
        JsonNode stepNode = node.get(STEP);
        if (stepNode != null && !stepNode.isNull()) {
            if (!stepNode.isTextual()) {
                return wrongType(STEP, stepNode, "a string");
            }
            step = stepNode.textValue();
        }
        if (eventType.isStep()) {
            if (step == null) {
                return missing(STEP, "the step name on a " + eventType.wireName() + " event");
            }
            if (step.isBlank()) {
                return reject(
                        Rejection.Reason.BLANK_FIELD,
                        STEP,
                        "field 'step' is blank on a " + eventType.wireName() + " event; expected the step name");
            }
        }
        if (step != null && step.length() > MAX_STEP_OR_TYPE_LENGTH) {
            return tooLong(STEP, step);
        }

        // txn_type
        String txnType = null;
        JsonNode typeOfTxn = node.get(TXN_TYPE);
        if (typeOfTxn != null && !typeOfTxn.isNull()) {
            if (!typeOfTxn.isTextual()) {
                return wrongType(TXN_TYPE, typeOfTxn, "a string");
            }
            txnType = typeOfTxn.textValue();
            if (txnType.length() > MAX_STEP_OR_TYPE_LENGTH) {
                return tooLong(TXN_TYPE, txnType);
            }
        }

        // status
        CloseStatus status = null;
        JsonNode statusNode = node.get(STATUS);
        if (statusNode != null && !statusNode.isNull()) {
            if (!statusNode.isTextual()) {
                return wrongType(STATUS, statusNode, "a string");
            }
            status = CloseStatus.fromWire(statusNode.textValue()).orElse(null);
            if (status == null) {
                return reject(
                        Rejection.Reason.UNKNOWN_VALUE,
                        STATUS,
                        "field 'status' is '" + clip(statusNode.textValue()) + "'; expected success or failed");
            }
        }

        // attributes
        Map<String, Object> attributes = Map.of();
        JsonNode attrNode = node.get(ATTRIBUTES);
        if (attrNode != null && !attrNode.isNull()) {
            if (!attrNode.isObject()) {
                return wrongType(ATTRIBUTES, attrNode, "a JSON object");
            }
            attributes = toMap(attrNode);
        }
        return new DecodeResult.Accepted(new BusinessEvent(eventType, txnId, ts, step, txnType, status, attributes));
    }

    private Map<String, Object> toMap(JsonNode attrNode) {
        Map<String, Object> map = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = attrNode.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            map.put(e.getKey(), mapper.convertValue(e.getValue(), Object.class));
        }
        return map;
    }

    /** Encodes an event in the documented wire form (UTF-8 JSON, {@code ts} as ISO-8601 UTC). */
    public byte[] encode(BusinessEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(160);
        try (JsonGenerator gen = mapper.getFactory().createGenerator(out)) {
            writeEvent(event, gen);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode event " + event.txnId(), e);
        }
        return out.toByteArray();
    }

    /** Writes an event as a JSON object on an open generator (used inside scenario records too). */
    public void writeEvent(BusinessEvent event, JsonGenerator gen) throws IOException {
        gen.writeStartObject();
        gen.writeStringField(EVENT_TYPE, event.eventType().wireName());
        gen.writeStringField(TXN_ID, event.txnId());
        gen.writeStringField(TS, EventTime.format(event.ts()));
        if (event.step() != null) {
            gen.writeStringField(STEP, event.step());
        }
        if (event.txnType() != null) {
            gen.writeStringField(TXN_TYPE, event.txnType());
        }
        if (event.status() != null) {
            gen.writeStringField(STATUS, event.status().wireName());
        }
        if (!event.attributes().isEmpty()) {
            gen.writeFieldName(ATTRIBUTES);
            mapper.writeValue(gen, event.attributes());
        }
        gen.writeEndObject();
    }

    /** Decodes an event that is already a parsed JSON object (a scenario record's {@code event}). */
    public DecodeResult decode(JsonNode node) {
        if (node == null || !node.isObject()) {
            return reject(Rejection.Reason.NOT_OBJECT, null, "event is not a JSON object");
        }
        return fromObject((ObjectNode) node);
    }

    public String encodeToString(BusinessEvent event) {
        return new String(encode(event), StandardCharsets.UTF_8);
    }

    ObjectMapper mapper() {
        return mapper;
    }

    private static DecodeResult reject(Rejection.Reason reason, String field, String message) {
        return new DecodeResult.Rejected(new Rejection(reason, field, message));
    }

    private static DecodeResult missing(String field, String expected) {
        return reject(Rejection.Reason.MISSING_FIELD, field, "field '" + field + "' is missing; expected " + expected);
    }

    private static DecodeResult wrongType(String field, JsonNode actual, String expected) {
        return reject(
                Rejection.Reason.WRONG_TYPE,
                field,
                "field '" + field + "' is a JSON " + actual.getNodeType().name().toLowerCase() + "; expected " + expected);
    }

    private static DecodeResult tooLong(String field, String value) {
        return reject(
                Rejection.Reason.FIELD_TOO_LONG,
                field,
                "field '" + field + "' is " + value.length() + " characters long; at most "
                        + MAX_STEP_OR_TYPE_LENGTH + " are accepted");
    }

    private static String describe(JsonProcessingException e) {
        JsonLocation loc = e.getLocation();
        String where =
                loc == null || loc.getLineNr() < 0
                        ? ""
                        : " (at line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
        String msg = e.getOriginalMessage();
        int nl = msg == null ? -1 : msg.indexOf('\n');
        return (nl >= 0 ? msg.substring(0, nl) : msg) + where;
    }

    private static String clip(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }
}
