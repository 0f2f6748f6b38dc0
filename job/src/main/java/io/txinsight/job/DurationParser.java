package io.txinsight.job;

import io.txinsight.events.Durations;
import picocli.CommandLine;

/**
 * The job's picocli converter for durations ({@link Durations}: {@code 500ms}, {@code 10s},
 * {@code 5m}, {@code 1h}, {@code 2d}, {@code PT30S}, or {@code 0}). A bare number is rejected:
 * for a timeout, 5 s and 5 ms are both plausible.
 */
public final class DurationParser implements CommandLine.ITypeConverter<Long> {

    @Override
    public Long convert(String value) {
        try {
            return toMillis(value);
        } catch (IllegalArgumentException e) {
            // picocli prefixes this with "Invalid value for option '--x': "
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }

    /** Milliseconds; throws {@link IllegalArgumentException} with a message that shows the forms. */
    public static long toMillis(String value) {
        return Durations.toMillis(value, Durations.BareNumber.REJECTED);
    }

    /** The shortest exact form, e.g. 90000 → 90s, 120000 → 2m. */
    public static String format(long ms) {
        return Durations.format(ms);
    }
}
