package io.txinsight.events;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The lines of an {@code events.jsonl} file that hold a record, as text, with their line numbers
 * for messages. Blank lines are skipped. The record reader and the replayer's fast path (which
 * cuts values out of the text without decoding it) read files through this one class, so they
 * agree on what a line and its number are.
 */
public final class ScenarioLines implements AutoCloseable {

    private final BufferedReader in;
    private final String source;
    private long lineNumber;

    public ScenarioLines(Path file) throws IOException {
        this.in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        this.source = file.toString();
    }

    /** The next line that is not blank, or null at the end of the file. */
    public String next() throws ScenarioFormatException {
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
        return line;
    }

    /** The line number of the line last returned. */
    public long lineNumber() {
        return lineNumber;
    }

    /** The file, as messages name it. */
    public String source() {
        return source;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
