package io.txinsight.replayer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.txinsight.events.EventCodec;
import io.txinsight.events.KafkaTxn;
import io.txinsight.events.ScenarioCodec;
import io.txinsight.events.ScenarioRecord;
import io.txinsight.events.TxnFate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reads the publishing fields of one scenario line with a streaming parser, and cuts the event's
 * JSON text out of the line as the record value.
 *
 * <p>Why: decoding every event into a {@link io.txinsight.events.BusinessEvent} and encoding it
 * again costs several times more than the Kafka send itself, which made {@code --speed max}
 * replays CPU-bound on parsing. When the scenario was written by {@link ScenarioCodec} (the
 * simulator does) the event text in the line already is the encoded value, byte for byte. The
 * validation pass checks that every line is exactly what the codec writes for its record; only
 * then does the publishing pass use this class. Anything else (a hand-edited file, {@code
 * --rebase-time}) takes the decoding path. Tests hold this class to {@link #sameAs}.
 */
final class RecordSlicer {

    private final JsonFactory json = new JsonFactory();
    private long atMs;
    private String topic;
    private String key;
    private KafkaTxn txn;
    private String line;
    private int eventStart;
    private int eventEnd;
    private String raw;

    /** Reads a line; false if it does not have the shape of a scenario record. */
    boolean slice(String line) {
        this.line = line;
        atMs = -1;
        topic = null;
        key = null;
        txn = null;
        raw = null;
        eventStart = -1;
        try (JsonParser p = json.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case ScenarioCodec.AT_MS -> atMs = p.getLongValue();
                    case ScenarioCodec.TOPIC -> topic = p.getText();
                    case ScenarioCodec.KEY -> key = t == JsonToken.VALUE_NULL ? null : p.getText();
                    case ScenarioCodec.TXN -> txn = t == JsonToken.VALUE_NULL ? null : readTxn(p);
                    case ScenarioCodec.EVENT -> {
                        if (t == JsonToken.START_OBJECT) {
                            eventStart = (int) p.currentTokenLocation().getCharOffset();
                            p.skipChildren();
                            eventEnd = (int) p.currentLocation().getCharOffset();
                        }
                    }
                    case ScenarioCodec.RAW -> raw = t == JsonToken.VALUE_NULL ? null : p.getText();
                    default -> p.skipChildren();
                }
            }
        } catch (IOException | RuntimeException notARecord) {
            return false;
        }
        return atMs >= 0 && topic != null && (eventStart >= 0) != (raw != null);
    }

    private static KafkaTxn readTxn(JsonParser p) throws IOException {
        String producer = null;
        long seq = -1;
        TxnFate fate = null;
        long endMs = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            switch (name) {
                case ScenarioCodec.PRODUCER -> producer = p.getText();
                case ScenarioCodec.SEQ -> seq = p.getLongValue();
                case ScenarioCodec.FATE -> fate = TxnFate.fromWire(p.getText()).orElse(null);
                case ScenarioCodec.END_MS -> endMs = p.getLongValue();
                default -> p.skipChildren();
            }
        }
        return new KafkaTxn(producer, seq, fate, endMs);
    }

    long atMs() {
        return atMs;
    }

    String topic() {
        return topic;
    }

    String key() {
        return key;
    }

    KafkaTxn txn() {
        return txn;
    }

    byte[] value() {
        return raw != null
                ? raw.getBytes(StandardCharsets.UTF_8)
                : line.substring(eventStart, eventEnd).getBytes(StandardCharsets.UTF_8);
    }

    /** Whether slicing {@code line} gives exactly what decoding gave for it: same fields, same value bytes. */
    boolean sameAs(String line, ScenarioRecord decoded, EventCodec codec) {
        try {
            return slice(line)
                    && atMs == decoded.atMs()
                    && topic.equals(decoded.topic())
                    && Objects.equals(key, decoded.key())
                    && Objects.equals(txn, decoded.txn())
                    && Arrays.equals(value(), decoded.value(codec));
        } catch (RuntimeException e) {
            return false;
        }
    }
}
