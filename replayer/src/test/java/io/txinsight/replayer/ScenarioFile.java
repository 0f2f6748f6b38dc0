package io.txinsight.replayer;

import io.txinsight.events.BusinessEvent;
import io.txinsight.events.KafkaTxn;
import io.txinsight.events.ScenarioCodec;
import io.txinsight.events.ScenarioRecord;
import io.txinsight.events.TxnFate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds a small events.jsonl for a test, one record at a time. */
final class ScenarioFile {

    /** Scenario start on the wall clock: event ts = START + at_ms. */
    static final long START_EPOCH_MS = 1_800_000_000_000L;

    private final List<ScenarioRecord> records = new ArrayList<>();
    private final List<String> extraLines = new ArrayList<>();
    private String topic = "txn-events";

    ScenarioFile topic(String topic) {
        this.topic = topic;
        return this;
    }

    /** A step event for {@code key} at {@code atMs} inside producer's transaction; attribute n = its position. */
    ScenarioFile txn(long atMs, String key, String producer, long seq, TxnFate fate, long endMs) {
        return add(atMs, key, new KafkaTxn(producer, seq, fate, endMs));
    }

    /** A step event written without a Kafka transaction. */
    ScenarioFile plain(long atMs, String key) {
        return add(atMs, key, null);
    }

    ScenarioFile raw(long atMs, String key, String value) {
        records.add(new ScenarioRecord(atMs, topic, key, null, value, null));
        return this;
    }

    private ScenarioFile add(long atMs, String key, KafkaTxn txn) {
        BusinessEvent e = new BusinessEvent(
                io.txinsight.events.EventType.STEP_DONE, key, START_EPOCH_MS + atMs, "step", null, null,
                Map.of("n", records.size()));
        records.add(new ScenarioRecord(atMs, topic, key, e, null, txn));
        return this;
    }

    /** A literal line appended after the records (for invalid files). */
    ScenarioFile line(String line) {
        extraLines.add(line);
        return this;
    }

    List<ScenarioRecord> records() {
        return records;
    }

    Path writeTo(Path file) {
        ScenarioCodec codec = new ScenarioCodec();
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (ScenarioRecord r : records) {
                w.write(codec.toLine(r));
                w.write("\n");
            }
            for (String l : extraLines) {
                w.write(l);
                w.write("\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    static int n(byte[] value) {
        return ((Number) new io.txinsight.events.EventCodec().decode(value).event().attributes().get("n")).intValue();
    }
}
