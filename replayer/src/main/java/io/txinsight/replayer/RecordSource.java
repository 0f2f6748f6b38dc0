package io.txinsight.replayer;

import io.txinsight.events.BusinessEvent;
import io.txinsight.events.EventCodec;
import io.txinsight.events.ScenarioCodec;
import io.txinsight.events.ScenarioFormatException;
import io.txinsight.events.ScenarioLines;
import io.txinsight.events.ScenarioReader;
import io.txinsight.events.ScenarioRecord;
import java.io.IOException;
import java.nio.file.Path;

/** The records of a scenario file, one at a time, as the publishing pass needs them. */
interface RecordSource extends AutoCloseable {

    /** Advances to the next record; false at the end of the file. */
    boolean next() throws ScenarioFormatException;

    /** The record {@link #next()} advanced to, with its value (built only for records published). */
    ScheduledRecord current();

    @Override
    void close() throws IOException;

    /**
     * The contract path: {@link ScenarioReader} decodes each line and {@link
     * ScenarioRecord#value(EventCodec)} encodes the value. Needed to rebase timestamps and to key
     * records anew.
     */
    final class Decoding implements RecordSource {
        private final ScenarioReader reader;
        private final EventCodec events;
        private final long shiftMs;
        private final RecordKeys keys;
        private ScenarioRecord current;

        /**
         * @param shiftMs how much to move each event's {@code ts} (0: unchanged)
         * @param keys the key each record gets
         */
        Decoding(Path file, ScenarioCodec codec, long shiftMs, RecordKeys keys) throws IOException {
            this.reader = new ScenarioReader(file, codec);
            this.events = codec.events();
            this.shiftMs = shiftMs;
            this.keys = keys;
        }

        @Override
        public boolean next() throws ScenarioFormatException {
            current = reader.next();
            return current != null;
        }

        @Override
        public ScheduledRecord current() {
            ScenarioRecord r = current;
            return new ScheduledRecord(r.atMs(), r.topic(), keys.keyOf(r), r.txn(), value(r));
        }

        private byte[] value(ScenarioRecord r) {
            BusinessEvent e = r.event();
            if (shiftMs != 0 && e != null) {
                return events.encode(new BusinessEvent(
                        e.eventType(), e.txnId(), e.ts() + shiftMs, e.step(), e.txnType(), e.status(), e.attributes()));
            }
            return r.value(events);
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
        private final ScenarioLines lines;
        private final RecordSlicer slicer = new RecordSlicer();

        Slicing(Path file) throws IOException {
            this.lines = new ScenarioLines(file);
        }

        @Override
        public boolean next() throws ScenarioFormatException {
            String line = lines.next();
            if (line == null) {
                return false;
            }
            if (!slicer.slice(line)) {
                throw new ScenarioFormatException(lines.source(), lines.lineNumber(), null,
                        "the file changed after it was validated; run the replay again");
            }
            return true;
        }

        @Override
        public ScheduledRecord current() {
            return new ScheduledRecord(slicer.atMs(), slicer.topic(), slicer.key(), slicer.txn(), slicer.value());
        }

        @Override
        public void close() throws IOException {
            lines.close();
        }
    }
}
