package io.txinsight.events;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;

/** The wire form of event time: ISO-8601 UTC with milliseconds, e.g. {@code 2026-11-21T18:09:14.123Z}. */
public final class EventTime {

    private static final DateTimeFormatter FORMAT =
            new DateTimeFormatterBuilder().appendInstant(3).toFormatter();

    private EventTime() {}

    public static String format(long epochMillis) {
        return FORMAT.format(Instant.ofEpochMilli(epochMillis));
    }

    /**
     * Parses an ISO-8601 instant. {@code Z} is the documented form; an explicit offset such as
     * {@code +02:00} is accepted too because it is unambiguous. A time without a zone is not.
     *
     * @throws DateTimeParseException with a message that names the problem
     */
    public static long parse(String text) {
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException notUtc) {
            // Fall back to an explicit offset; a missing zone still fails here.
            return OffsetDateTime.parse(text).toInstant().toEpochMilli();
        }
    }
}
