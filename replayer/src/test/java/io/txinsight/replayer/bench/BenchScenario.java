package io.txinsight.replayer.bench;

import com.fasterxml.jackson.core.JsonGenerator;
import io.txinsight.events.BusinessEvent;
import io.txinsight.events.EventCodec;
import io.txinsight.events.EventType;
import io.txinsight.events.KafkaTxn;
import io.txinsight.events.ScenarioCodec;
import io.txinsight.events.ScenarioRecord;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes a scenario record by record, with record values padded to an exact size when asked. */
final class BenchScenario implements AutoCloseable {

    static final long START_EPOCH_MS = 1_800_000_000_000L;

    private final ScenarioCodec codec = new ScenarioCodec();
    private final EventCodec events = codec.events();
    private final Writer writer;
    private final JsonGenerator gen;
    private final int valueBytes;
    private String pad = "";

    /** @param valueBytes exact size of every record value, or 0 for unpadded events */
    BenchScenario(Path file, int valueBytes) throws IOException {
        this.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        this.gen = codec.lineWriter(writer);
        this.valueBytes = valueBytes;
        if (valueBytes > 0) {
            int base = events.encode(event(0, "t-0000000", 0)).length;
            if (base > valueBytes) {
                throw new IllegalArgumentException("--record-size must be at least " + base + " bytes for a business event");
            }
            pad = "x".repeat(valueBytes - base);
            int actual = events.encode(event(0, "t-0000000", 0)).length;
            if (actual != valueBytes) {
                throw new IllegalStateException("padded value is " + actual + " bytes, wanted " + valueBytes);
            }
        }
    }

    private BusinessEvent event(long atMs, String key, long n) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("n", n);
        if (valueBytes > 0) {
            // Fixed-width n keeps every value the same size.
            attributes.put("n", String.format("%010d", n));
            attributes.put("pad", pad);
        }
        return new BusinessEvent(EventType.STEP_DONE, key, START_EPOCH_MS + atMs, "step", null, null, attributes);
    }

    void add(long atMs, String topic, String key, long n, KafkaTxn txn) throws IOException {
        codec.write(new ScenarioRecord(atMs, topic, key, event(atMs, key, n), null, txn), gen);
    }

    @Override
    public void close() throws IOException {
        gen.close();
        writer.close();
    }
}
