package io.txinsight.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

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
    /** Reads the attributes object in the middle of a record: what follows it is the record's business. */
    private final ObjectReader attributesReader;

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
        this.attributesReader = mapper.readerFor(new TypeReference<LinkedHashMap<String, Object>>() {})
                .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** Decodes one record value, attributes included. Never throws for bad input. */
    public DecodeResult decode(byte[] value) {
        return decode(value, null);
    }

    /**
     * Decodes one record value for a reader that needs only some of the attributes (the job reads
     * {@link OpenAttributes#NAMES}): the record is validated exactly as {@link #decode(byte[])}
     * does, rejections included, but of the attributes only those named are built; the others are
     * read and checked, never kept. A named attribute keeps its JSON type: a string, an exact
     * number (BigDecimal, Integer, Long or BigInteger, as {@link #decode(byte[])} makes it), a
     * boolean, or an empty map or list standing for an object or an array.
     */
    public DecodeResult decodeKeeping(Set<String> attributeNames, byte[] value) {
        return decode(value, Objects.requireNonNull(attributeNames, "attributeNames"));
    }

    /** {@code keepAttributes}: the attribute names to build, or null for all of them. */
    private DecodeResult decode(byte[] value, Set<String> keepAttributes) {
        if (value == null || value.length == 0) {
            return reject(Rejection.Reason.NOT_JSON, null, "record value is empty; expected a JSON object");
        }
        if (value.length > MAX_RECORD_BYTES) {
            return reject(
                    Rejection.Reason.TOO_LARGE,
                    null,
                    "record value is " + value.length + " bytes; at most " + MAX_RECORD_BYTES + " bytes are accepted");
        }
        // Straight from the bytes with the streaming parser: no tree, and no string for a value
        // the event does not keep. The whole record is still read, so every syntax error, limit and
        // duplicate field is found as before.
        try (JsonParser parser = mapper.getFactory().createParser(value)) {
            JsonToken root = parser.nextToken();
            if (root == null) {
                return reject(Rejection.Reason.NOT_JSON, null, "record value holds no JSON; expected a JSON object");
            }
            if (root != JsonToken.START_OBJECT) {
                skipValue(parser);
                DecodeResult trailing = trailingToken(parser);
                return trailing != null
                        ? trailing
                        : reject(
                                Rejection.Reason.NOT_OBJECT,
                                null,
                                "record is a JSON " + jsonType(root) + "; expected a JSON object");
            }
            Fields fields = readObject(parser, keepAttributes);
            DecodeResult trailing = trailingToken(parser);
            return trailing != null ? trailing : fields.validate();
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
    }

    /** A record is one JSON value: anything after it makes the record invalid. */
    private static DecodeResult trailingToken(JsonParser parser) throws IOException {
        JsonToken next = parser.nextToken();
        if (next == null) {
            return null;
        }
        JsonLocation loc = parser.currentTokenLocation();
        return reject(
                Rejection.Reason.NOT_JSON,
                null,
                "record is not valid UTF-8 JSON: Trailing token (of type " + next + ") found after value"
                        + " (at line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")");
    }

    /**
     * Reads the fields of the object the parser is on (at its START_OBJECT) and leaves the parser
     * on its END_OBJECT. Only the fields of an event are kept; the rest is read and checked only.
     */
    private Fields readObject(JsonParser parser, Set<String> keepAttributes) throws IOException {
        Fields f = new Fields();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken token = parser.nextToken();
            switch (name) {
                case EVENT_TYPE -> f.eventType = FieldValue.read(parser, token);
                case TXN_ID -> f.txnId = FieldValue.read(parser, token);
                case TS -> f.ts = FieldValue.read(parser, token);
                case STEP -> f.step = FieldValue.read(parser, token);
                case TXN_TYPE -> f.txnType = FieldValue.read(parser, token);
                case STATUS -> f.status = FieldValue.read(parser, token);
                case ATTRIBUTES -> {
                    f.attributesToken = token;
                    if (token != JsonToken.START_OBJECT) {
                        skipValue(parser);
                    } else if (keepAttributes == null) {
                        f.attributes = attributesReader.readValue(parser);
                    } else {
                        f.attributes = readNamed(parser, keepAttributes);
                    }
                }
                default -> skipValue(parser);
            }
        }
        return f;
    }

    /**
     * Reads the attributes object the parser is on, keeping only the attributes named, each as
     * the full decode would make it (objects and arrays only as empty stand-ins of their type).
     */
    private static Map<String, Object> readNamed(JsonParser parser, Set<String> names) throws IOException {
        Map<String, Object> kept = new LinkedHashMap<>(8);
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken token = parser.nextToken();
            if (!names.contains(name)) {
                skipValue(parser);
                continue;
            }
            switch (token) {
                case VALUE_STRING -> kept.put(name, parser.getText());
                case VALUE_NUMBER_FLOAT -> kept.put(name, parser.getDecimalValue());
                case VALUE_NUMBER_INT -> kept.put(name, parser.getNumberValue());
                case VALUE_TRUE, VALUE_FALSE -> kept.put(name, parser.getBooleanValue());
                case VALUE_NULL -> kept.put(name, null);
                case START_OBJECT -> {
                    skipValue(parser);
                    kept.put(name, Map.of());
                }
                default -> {
                    skipValue(parser);
                    kept.put(name, List.of());
                }
            }
        }
        return kept;
    }

    /**
     * Reads past the value the parser is on without keeping it. Every string is still measured:
     * a skipped 70,000-character string must be rejected as it is when the attributes are kept.
     */
    private static void skipValue(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_STRING) {
            measureString(parser);
            return;
        }
        if (token != JsonToken.START_OBJECT && token != JsonToken.START_ARRAY) {
            return;
        }
        int depth = 1;
        while (depth > 0) {
            JsonToken t = parser.nextToken();
            if (t == null) {
                return; // the parser reports the unclosed value on the next read
            }
            if (t.isStructStart()) {
                depth++;
            } else if (t.isStructEnd()) {
                depth--;
            } else if (t == JsonToken.VALUE_STRING) {
                measureString(parser);
            }
        }
    }

    /**
     * The parser checks a string against the length limit only when it makes a {@code String} of
     * it; a string past the limit is made one, so it fails exactly as a kept string would.
     */
    private static void measureString(JsonParser parser) throws IOException {
        if (parser.getTextLength() > MAX_STRING_LENGTH) {
            parser.getText();
        }
    }

    /** The value of one event field as read, before it is checked. */
    private record FieldValue(JsonToken token, String text, boolean fitsLong, long number) {

        static FieldValue read(JsonParser parser, JsonToken token) throws IOException {
            switch (token) {
                case VALUE_STRING:
                    return new FieldValue(token, parser.getText(), false, 0);
                case VALUE_NUMBER_INT: {
                    JsonParser.NumberType type = parser.getNumberType();
                    boolean fitsLong = type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG;
                    return fitsLong
                            ? new FieldValue(token, null, true, parser.getLongValue())
                            : new FieldValue(token, parser.getBigIntegerValue().toString(), false, 0);
                }
                case VALUE_NUMBER_FLOAT:
                    return new FieldValue(token, parser.getDecimalValue().toString(), false, 0);
                default:
                    skipValue(parser);
                    return new FieldValue(token, null, false, 0);
            }
        }

        boolean absent() {
            return token == JsonToken.VALUE_NULL;
        }

        boolean isString() {
            return token == JsonToken.VALUE_STRING;
        }

        /** What the number looks like in a message. */
        String numberText() {
            return fitsLong ? Long.toString(number) : text;
        }
    }

    /**
     * The event fields of one record, checked in a fixed order once the whole record has been
     * read, so the same record always gets the same rejection whatever its field order.
     */
    private static final class Fields {
        FieldValue eventType;
        FieldValue txnId;
        FieldValue ts;
        FieldValue step;
        FieldValue txnType;
        FieldValue status;
        JsonToken attributesToken;
        Map<String, Object> attributes;

        private static boolean absent(FieldValue v) {
            return v == null || v.absent();
        }

        DecodeResult validate() {
            if (absent(this.eventType)) {
                return missing(EVENT_TYPE, "one of " + EventType.wireNames());
            }
            if (!this.eventType.isString()) {
                return wrongType(EVENT_TYPE, this.eventType.token(), "a string");
            }
            EventType eventType = EventType.fromWire(this.eventType.text()).orElse(null);
            if (eventType == null) {
                return reject(
                        Rejection.Reason.UNKNOWN_VALUE,
                        EVENT_TYPE,
                        "field 'event_type' is '" + clip(this.eventType.text()) + "'; expected one of "
                                + EventType.wireNames());
            }

            if (absent(this.txnId)) {
                return missing(TXN_ID, "a non-empty string of at most " + BusinessEvent.MAX_TXN_ID_LENGTH + " characters");
            }
            if (!this.txnId.isString()) {
                return wrongType(TXN_ID, this.txnId.token(), "a string");
            }
            String txnId = this.txnId.text();
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

            if (absent(this.ts)) {
                return missing(TS, "an ISO-8601 UTC time such as 2026-11-21T18:09:14.123Z, or epoch milliseconds");
            }
            long ts;
            if (this.ts.isString()) {
                try {
                    ts = EventTime.parse(this.ts.text());
                } catch (DateTimeParseException e) {
                    return reject(
                            Rejection.Reason.UNPARSEABLE_TIMESTAMP,
                            TS,
                            "field 'ts' is '" + clip(this.ts.text())
                                    + "', which is not an ISO-8601 time with a zone; expected e.g. 2026-11-21T18:09:14.123Z");
                }
            } else if (this.ts.fitsLong()) {
                ts = this.ts.number();
                if (ts < 0) {
                    return reject(
                            Rejection.Reason.UNPARSEABLE_TIMESTAMP,
                            TS,
                            "field 'ts' is " + ts + "; epoch milliseconds must not be negative");
                }
            } else if (this.ts.token().isNumeric()) {
                return reject(
                        Rejection.Reason.UNPARSEABLE_TIMESTAMP,
                        TS,
                        "field 'ts' is " + this.ts.numberText() + "; epoch milliseconds must be a whole number");
            } else {
                return wrongType(TS, this.ts.token(), "a string (ISO-8601) or a number (epoch milliseconds)");
            }

            String step = null;
            if (!absent(this.step)) {
                if (!this.step.isString()) {
                    return wrongType(STEP, this.step.token(), "a string");
                }
                step = this.step.text();
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

            String txnType = null;
            if (!absent(this.txnType)) {
                if (!this.txnType.isString()) {
                    return wrongType(TXN_TYPE, this.txnType.token(), "a string");
                }
                txnType = this.txnType.text();
                if (txnType.length() > MAX_STEP_OR_TYPE_LENGTH) {
                    return tooLong(TXN_TYPE, txnType);
                }
            }

            CloseStatus status = null;
            if (!absent(this.status)) {
                if (!this.status.isString()) {
                    return wrongType(STATUS, this.status.token(), "a string");
                }
                status = CloseStatus.fromWire(this.status.text()).orElse(null);
                if (status == null) {
                    return reject(
                            Rejection.Reason.UNKNOWN_VALUE,
                            STATUS,
                            "field 'status' is '" + clip(this.status.text()) + "'; expected success or failed");
                }
            }

            if (attributesToken != null && attributesToken != JsonToken.VALUE_NULL
                    && attributesToken != JsonToken.START_OBJECT) {
                return wrongType(ATTRIBUTES, attributesToken, "a JSON object");
            }
            return new DecodeResult.Accepted(new BusinessEvent(
                    eventType, txnId, ts, step, txnType, status, attributes == null ? Map.of() : attributes));
        }
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
        try (JsonParser parser = mapper.treeAsTokens(node)) {
            parser.nextToken();
            return readObject(parser, null).validate();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read an event from a JSON tree", e);
        }
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

    private static DecodeResult wrongType(String field, JsonToken actual, String expected) {
        return reject(
                Rejection.Reason.WRONG_TYPE,
                field,
                "field '" + field + "' is a JSON " + jsonType(actual) + "; expected " + expected);
    }

    /** The JSON type a value starting with {@code token} has, as a message names it. */
    private static String jsonType(JsonToken token) {
        return switch (token) {
            case START_OBJECT -> "object";
            case START_ARRAY -> "array";
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            case VALUE_NULL -> "null";
            default -> token.name().toLowerCase();
        };
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
