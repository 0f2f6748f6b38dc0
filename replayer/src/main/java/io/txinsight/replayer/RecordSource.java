package io.txinsight.replayer;

import io.txinsight.events.BusinessEvent;
import io.txinsight.events.EventCodec;
import io.txinsight.events.KafkaTxn;
import io.txinsight.events.ScenarioCodec;
import io.txinsight.events.ScenarioFormatException;
import io.txinsight.events.ScenarioReader;
import io.txinsight.events.ScenarioRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The records of a scenario file, one at a time, as the publishing pass needs them: when, where,
 * in which transaction, and the value bytes.
 */
interface RecordSource extends AutoCloseable {

    /** Advances to the next record; false at the end of the file. */
    boolean next() throws ScenarioFormatException;

    long atMs();

    String topic();

    String key();

    /** The record's Kafka transaction, or null. */
    KafkaTxn txn();

    /** The value bytes, with the event's {@code ts} moved by {@code shiftMs} (0: unchanged). */
    byte[] value(long shiftMs);

    @Override
    void close() throws IOException;

    /**
     * The contract path: {@link ScenarioReader} decodes each line and {@link
     * ScenarioRecord#value(EventCodec)} encodes the value. Needed to rebase timestamps.
     */
    final class Decoding implements RecordSource {
        private final ScenarioReader reader;
        private final EventCodec events;
        private ScenarioRecord current;

        Decoding(Path file, ScenarioCodec codec) throws IOException {
            this.reader = new ScenarioReader(file, codec);
            this.events = codec.events();
        }

        @Override
        public boolean next() throws ScenarioFormatException {
            current = reader.next();
            return current != null;
        }

        @Override
        public long atMs() {
            return current.atMs();
        }

        @Override
        public String topic() {
            return current.topic();
        }

        @Override
        public String key() {
            return current.key();
        }

        @Override
        public KafkaTxn txn() {
            return current.txn();
        }

        @Override
        public byte[] value(long shiftMs) {
            BusinessEvent e = current.event();
            if (shiftMs != 0 && e != null) {
                return events.encode(new BusinessEvent(
                        e.eventType(), e.txnId(), e.ts() + shiftMs, e.step(), e.txnType(), e.status(), e.attributes()));
            }
            return current.value(events);
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }

    /**
     * The fast path for a file the validation pass proved canonical (every line sliced by {@link
     * RecordSlicer} gives exactly what the contract path gives): the value is the event's JSON
     * text cut out of the line, with no decoding and no re-encoding.
     */
    final class Slicing implements RecordSource {
        private final BufferedReader in;
        private final String source;
        private final RecordSlicer slicer = new RecordSlicer();
        private long lineNumber;

        Slicing(Path file) throws IOException {
            this.in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
            this.source = file.toString();
        }

        @Override
        public boolean next() throws ScenarioFormatException {
            String line;
            try {
                do {
                    line = in.readLine();
                    lineNumber++;
                } while (line != null && line.isBlank());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + source, e);
            }
            if (line == null) {
                return false;
            }
            if (!slicer.slice(line)) {
                throw new ScenarioFormatException(source, lineNumber, null,
                        "the file changed after it was validated; run the replay again");
            }
            return true;
        }

        @Override
        public long atMs() {
            return slicer.atMs();
        }

        @Override
        public String topic() {
            return slicer.topic();
        }

        @Override
        public String key() {
            return slicer.key();
        }

        @Override
        public KafkaTxn txn() {
            return slicer.txn();
        }

        @Override
        public byte[] value(long shiftMs) {
            if (shiftMs != 0) {
                throw new IllegalStateException("rebasing needs the decoding path");
            }
            return slicer.value();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
