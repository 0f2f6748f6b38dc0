package io.txinsight.job;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Durations on the command line: {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}, {@code 2d}, or {@code 0}. */
public final class DurationParser implements CommandLine.ITypeConverter<Long> {

    private static final Pattern FORM = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");

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
        String v = value == null ? "" : value.trim();
        if (v.equals("0")) {
            return 0;
        }
        Matcher m = FORM.matcher(v);
        if (!m.matches()) {
            String hint = v.matches("\\d+") ? " (a unit is required: " + v + "s or " + v + "ms?)" : "";
            throw new IllegalArgumentException(
                    "'" + value + "' is not a duration" + hint + "; write a whole number and a unit: 500ms, 10s, 5m, 1h, 2d");
        }
        long n = Long.parseLong(m.group(1));
        switch (m.group(2)) {
            case "ms":
                return n;
            case "s":
                return n * 1_000;
            case "m":
                return n * 60_000;
            case "h":
                return n * 3_600_000;
            default:
                return n * 86_400_000;
        }
    }

    /** The shortest exact form, e.g. 90000 → 90s, 120000 → 2m. */
    public static String format(long ms) {
        if (ms == 0) {
            return "0";
        }
        if (ms % 86_400_000 == 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1_000 == 0) {
            return ms / 1_000 + "s";
        }
        return ms + "ms";
    }
}
