package io.txinsight.simulator.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Reads a duration such as {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, ISO-8601 {@code
 * PT30S}, or a bare number of milliseconds, as milliseconds.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Long> {

    private static final Pattern SIMPLE = Pattern.compile("(-?\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

    @Override
    public Long convert(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        Matcher m = SIMPLE.matcher(v);
        if (m.matches()) {
            double n = Double.parseDouble(m.group(1));
            double factor = m.group(2) == null ? 1 : switch (m.group(2)) {
                case "ms" -> 1;
                case "s" -> 1_000;
                case "m" -> 60_000;
                default -> 3_600_000;
            };
            return Math.round(n * factor);
        }
        if (v.startsWith("pt") || v.startsWith("-pt")) {
            try {
                return Duration.parse(value.trim()).toMillis();
            } catch (RuntimeException ignored) {
                // fall through to the message below
            }
        }
        throw new CommandLine.TypeConversionException(
                "'" + value + "' is not a duration; use e.g. 500ms, 30s, 2m or 1h (a bare number is milliseconds)");
    }
}
