package io.txinsight.events;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Streams the records of an {@code events.jsonl} file in constant memory. Blank lines are skipped;
 * every other line must be a scenario record, and records must not go back in time.
 */
public final class ScenarioReader implements AutoCloseable {

    private final ScenarioLines lines;
    private final ScenarioCodec codec;
    private String line;
    private long lastAtMs = Long.MIN_VALUE;

    public ScenarioReader(Path file, ScenarioCodec codec) throws IOException {
        this.lines = new ScenarioLines(file);
        this.codec = codec;
    }

    /** The next record, or null at the end of the file. */
    public ScenarioRecord next() throws ScenarioFormatException {
        line = lines.next();
        if (line == null) {
            return null;
        }
        ScenarioRecord record = codec.parse(line, lines.source(), lines.lineNumber());
        if (record.atMs() < lastAtMs) {
            throw new ScenarioFormatException(
                    lines.source(), lines.lineNumber(), ScenarioCodec.AT_MS,
                    "is " + record.atMs() + ", earlier than the previous record's " + lastAtMs
                            + "; records must be in publishing order");
        }
        lastAtMs = record.atMs();
        return record;
    }

    /** The text of the record last returned, as it stands in the file. */
    public String line() {
        return line;
    }

    /** The line number of the record last returned. */
    public long lineNumber() {
        return lines.lineNumber();
    }

    public String source() {
        return lines.source();
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }
}
