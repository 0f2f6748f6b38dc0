package io.txinsight.events;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Streams the records of an {@code events.jsonl} file in constant memory. Blank lines are skipped;
 * every other line must be a scenario record, and records must not go back in time.
 */
public final class ScenarioReader implements AutoCloseable {

    private final BufferedReader in;
    private final ScenarioCodec codec;
    private final String source;
    private long lineNumber;
    private long lastAtMs = Long.MIN_VALUE;

    public ScenarioReader(Path file, ScenarioCodec codec) throws IOException {
        this.in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        this.codec = codec;
        this.source = file.toString();
    }

    /** The next record, or null at the end of the file. */
    public ScenarioRecord next() throws ScenarioFormatException {
        String line;
        try {
            do {
                line = in.readLine();
                lineNumber++;
            } while (line != null && line.isBlank());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source, e);
        } catch (UncheckedIOException e) {
            throw new ScenarioFormatException(source, lineNumber, null, "not UTF-8 text: " + e.getMessage());
        }
        if (line == null) {
            return null;
        }
        ScenarioRecord record = codec.parse(line, source, lineNumber);
        if (record.atMs() < lastAtMs) {
            throw new ScenarioFormatException(
                    source, lineNumber, ScenarioCodec.AT_MS,
                    "is " + record.atMs() + ", earlier than the previous record's " + lastAtMs
                            + "; records must be in publishing order");
        }
        lastAtMs = record.atMs();
        return record;
    }

    /** The line number of the record last returned. */
    public long lineNumber() {
        return lineNumber;
    }

    public String source() {
        return source;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
