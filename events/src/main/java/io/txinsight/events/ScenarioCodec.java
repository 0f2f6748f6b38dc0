package io.txinsight.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Writer;

/**
 * Reads and writes scenario records, one JSON object per line of {@code events.jsonl}.
 *
 * <p>Field names on the wire: {@code at_ms}, {@code topic}, {@code key}, {@code event} or {@code
 * raw}, and {@code txn} ({@code producer}, {@code seq}, {@code fate}, {@code end_ms}).
 */
public final class ScenarioCodec {

    public static final String AT_MS = "at_ms";
    public static final String TOPIC = "topic";
    public static final String KEY = "key";
    public static final String EVENT = "event";
    public static final String RAW = "raw";
    public static final String TXN = "txn";
    public static final String PRODUCER = "producer";
    public static final String SEQ = "seq";
    public static final String FATE = "fate";
    public static final String END_MS = "end_ms";

    private final EventCodec events;
    private final ObjectMapper mapper;
    private final JsonFactory factory;

    public ScenarioCodec() {
        this(new EventCodec());
    }

    public ScenarioCodec(EventCodec events) {
        this.events = events;
        this.mapper = events.mapper();
        this.factory = mapper.getFactory();
    }

    public EventCodec events() {
        return events;
    }

    /** A generator that writes one record per line on {@code out}; close it to flush. */
    public JsonGenerator lineWriter(Writer out) throws IOException {
        JsonGenerator gen = factory.createGenerator(out);
        gen.setRootValueSeparator(new SerializedString("\n"));
        return gen;
    }

    /** Writes one record; with a {@link #lineWriter} generator, records end up one per line. */
    public void write(ScenarioRecord record, JsonGenerator gen) throws IOException {
        gen.writeStartObject();
        gen.writeNumberField(AT_MS, record.atMs());
        gen.writeStringField(TOPIC, record.topic());
        if (record.key() != null) {
            gen.writeStringField(KEY, record.key());
        }
        KafkaTxn txn = record.txn();
        if (txn != null) {
            gen.writeObjectFieldStart(TXN);
            gen.writeStringField(PRODUCER, txn.producer());
            gen.writeNumberField(SEQ, txn.seq());
            gen.writeStringField(FATE, txn.fate().wireName());
            gen.writeNumberField(END_MS, txn.endMs());
            gen.writeEndObject();
        }
        if (record.event() != null) {
            gen.writeFieldName(EVENT);
            events.writeEvent(record.event(), gen);
        } else {
            gen.writeStringField(RAW, record.raw());
        }
        gen.writeEndObject();
    }

    public String toLine(ScenarioRecord record) {
        java.io.StringWriter sw = new java.io.StringWriter(256);
        try (JsonGenerator gen = factory.createGenerator(sw)) {
            write(record, gen);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return sw.toString();
    }

    /**
     * Parses one line.
     *
     * @param source the file name, for the error message
     * @param lineNumber 1-based, for the error message
     * @throws ScenarioFormatException naming the file, line and field at fault
     */
    public ScenarioRecord parse(String line, String source, long lineNumber) throws ScenarioFormatException {
        JsonNode node;
        try {
            node = mapper.readTree(line);
        } catch (JsonProcessingException e) {
            String msg = e.getOriginalMessage();
            int nl = msg == null ? -1 : msg.indexOf('\n');
            throw new ScenarioFormatException(
                    source, lineNumber, null, "not valid JSON: " + (nl >= 0 ? msg.substring(0, nl) : msg));
        }
        if (node == null || !node.isObject()) {
            throw new ScenarioFormatException(source, lineNumber, null, "expected a JSON object");
        }
        long atMs = requireLong(node, AT_MS, source, lineNumber);
        if (atMs < 0) {
            throw new ScenarioFormatException(source, lineNumber, AT_MS, "must not be negative, was " + atMs);
        }
        String topic = requireText(node, TOPIC, source, lineNumber);
        if (topic.isBlank()) {
            throw new ScenarioFormatException(source, lineNumber, TOPIC, "must not be blank");
        }
        String key = optionalText(node, KEY, source, lineNumber);

        KafkaTxn txn = null;
        JsonNode txnNode = node.get(TXN);
        if (txnNode != null && !txnNode.isNull()) {
            if (!txnNode.isObject()) {
                throw new ScenarioFormatException(source, lineNumber, TXN, "expected an object");
            }
            String producer = requireText(txnNode, PRODUCER, source, lineNumber, "txn.");
            long seq = requireLong(txnNode, SEQ, source, lineNumber, "txn.");
            String fateText = requireText(txnNode, FATE, source, lineNumber, "txn.");
            TxnFate fate =
                    TxnFate.fromWire(fateText)
                            .orElseThrow(
                                    () -> new ScenarioFormatException(
                                            source, lineNumber, "txn.fate",
                                            "is '" + fateText + "'; expected commit, abort or hang"));
            long endMs = requireLong(txnNode, END_MS, source, lineNumber, "txn.");
            if (endMs < atMs) {
                throw new ScenarioFormatException(
                        source, lineNumber, "txn.end_ms",
                        "is " + endMs + ", before the record's at_ms " + atMs + "; a transaction ends after its records");
            }
            txn = new KafkaTxn(producer, seq, fate, endMs);
        }

        JsonNode eventNode = node.get(EVENT);
        JsonNode rawNode = node.get(RAW);
        boolean hasEvent = eventNode != null && !eventNode.isNull();
        boolean hasRaw = rawNode != null && !rawNode.isNull();
        if (hasEvent == hasRaw) {
            throw new ScenarioFormatException(
                    source, lineNumber, null, "expected exactly one of 'event' (a business event) and 'raw' (a literal value)");
        }
        if (hasRaw) {
            if (!rawNode.isTextual()) {
                throw new ScenarioFormatException(source, lineNumber, RAW, "expected a string");
            }
            return new ScenarioRecord(atMs, topic, key, null, rawNode.textValue(), txn);
        }
        DecodeResult decoded = events.decode(eventNode);
        if (decoded instanceof DecodeResult.Rejected r) {
            String field = r.rejection().field();
            throw new ScenarioFormatException(
                    source, lineNumber, field == null ? EVENT : EVENT + "." + field,
                    r.rejection().message() + " (use 'raw' for a deliberately malformed record)");
        }
        return new ScenarioRecord(atMs, topic, key, decoded.event(), null, txn);
    }

    private static long requireLong(JsonNode node, String field, String source, long line, String... prefix)
            throws ScenarioFormatException {
        JsonNode v = node.get(field);
        String name = (prefix.length > 0 ? prefix[0] : "") + field;
        if (v == null || v.isNull()) {
            throw new ScenarioFormatException(source, line, name, "is missing");
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new ScenarioFormatException(source, line, name, "expected a whole number, was " + v);
        }
        return v.longValue();
    }

    private static String requireText(JsonNode node, String field, String source, long line, String... prefix)
            throws ScenarioFormatException {
        String v = optionalText(node, field, source, line, prefix);
        if (v == null) {
            throw new ScenarioFormatException(source, line, (prefix.length > 0 ? prefix[0] : "") + field, "is missing");
        }
        return v;
    }

    private static String optionalText(JsonNode node, String field, String source, long line, String... prefix)
            throws ScenarioFormatException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new ScenarioFormatException(
                    source, line, (prefix.length > 0 ? prefix[0] : "") + field, "expected a string, was " + v);
        }
        return v.textValue();
    }
}
