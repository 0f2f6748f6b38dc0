package io.txinsight.events;

/** A line of an {@code events.jsonl} file that is not a valid scenario record. */
public class ScenarioFormatException extends Exception {
    private final String source;
    private final long line;
    private final String field;

    public ScenarioFormatException(String source, long line, String field, String problem) {
        super(source + ":" + line + ": " + (field == null ? "" : "field '" + field + "': ") + problem);
        this.source = source;
        this.line = line;
        this.field = field;
    }

    public String source() {
        return source;
    }

    public long line() {
        return line;
    }

    /** The offending field, dotted for nested ones ({@code txn.fate}), or null. */
    public String field() {
        return field;
    }
}
