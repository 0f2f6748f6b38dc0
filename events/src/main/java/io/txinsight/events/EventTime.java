package io.txinsight.events;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
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
        long fast = parseCanonical(text);
        if (fast != NOT_CANONICAL) {
            return fast;
        }
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException notUtc) {
            // Fall back to an explicit offset; a missing zone still fails here.
            return OffsetDateTime.parse(text).toInstant().toEpochMilli();
        }
    }

    private static final long NOT_CANONICAL = Long.MIN_VALUE;

    /**
     * The documented form, {@code yyyy-MM-ddTHH:mm:ss[.fraction]Z}, read digit by digit: the job
     * parses one timestamp per record and view, and {@link Instant#parse} costs several times more
     * (a general formatter resolving fields). Anything else, including every invalid text, goes
     * the general way, which also words the error. Same result as {@link Instant#parse} followed
     * by {@link Instant#toEpochMilli} (digits beyond milliseconds are truncated).
     */
    private static long parseCanonical(String t) {
        int n = t.length();
        if (n < 20 || n > 30 || t.charAt(n - 1) != 'Z' || t.charAt(4) != '-' || t.charAt(7) != '-'
                || t.charAt(10) != 'T' || t.charAt(13) != ':' || t.charAt(16) != ':') {
            return NOT_CANONICAL;
        }
        int year = digits(t, 0, 4);
        int month = digits(t, 5, 2);
        int day = digits(t, 8, 2);
        int hour = digits(t, 11, 2);
        int minute = digits(t, 14, 2);
        int second = digits(t, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 28 && day > YearMonth.of(year, month).lengthOfMonth()
                || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return NOT_CANONICAL; // also a leap second (60): the general parser knows what to do
        }
        int millis = 0;
        if (n > 20) {
            // A fraction of 1 to 9 digits between the seconds and the Z.
            if (t.charAt(19) != '.' || n == 21) {
                return NOT_CANONICAL;
            }
            int fractionDigits = n - 21;
            for (int i = 0; i < fractionDigits; i++) {
                int d = t.charAt(20 + i) - '0';
                if (d < 0 || d > 9) {
                    return NOT_CANONICAL;
                }
                if (i < 3) {
                    millis = millis * 10 + d;
                }
            }
            for (int i = fractionDigits; i < 3; i++) {
                millis *= 10;
            }
        }
        long days = LocalDate.of(year, month, day).toEpochDay();
        return ((days * 24 + hour) * 60 + minute) * 60_000L + second * 1_000L + millis;
    }

    /** The decimal number of {@code count} digits at {@code from}, or -1 if one is not a digit. */
    private static int digits(String t, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            int d = t.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }
}
