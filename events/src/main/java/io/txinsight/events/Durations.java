package io.txinsight.events;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them on every txinsight command line: {@code 500ms}, {@code 10s},
 * {@code 1.5s}, {@code 5m}, {@code 1h}, {@code 2d}, ISO-8601 {@code PT30S}, or {@code 0}. One
 * grammar for every command (job, simulator, replayer, validator); each command's picocli
 * converter is a thin wrapper around {@link #toMillis(String)}.
 *
 * <p>A number without a unit is an error everywhere (except {@code 0}, which needs none): for a
 * timeout both 5 s and 5 ms are plausible, and a guess read the wrong way fails silently.
 */
public final class Durations {

    private static final Pattern WITH_UNIT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)");
    private static final Pattern BARE = Pattern.compile("\\d+(?:\\.\\d+)?");
    private static final String FORMS = "write a number and a unit: 500ms, 10s, 5m, 1h, 2d (or ISO-8601 such as PT30S)";

    private Durations() {}

    /**
     * Milliseconds.
     *
     * @throws IllegalArgumentException saying what is wrong and which forms are accepted
     */
    public static long toMillis(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("0")) {
            return 0;
        }
        Matcher m = WITH_UNIT.matcher(v);
        if (m.matches()) {
            double factor = switch (m.group(2)) {
                case "ms" -> 1;
                case "s" -> 1_000;
                case "m" -> 60_000;
                case "h" -> 3_600_000;
                default -> 86_400_000;
            };
            return Math.round(Double.parseDouble(m.group(1)) * factor);
        }
        if (BARE.matcher(v).matches()) {
            throw new IllegalArgumentException("'" + value + "' is not a duration (a unit is required: "
                    + v + "s or " + v + "ms?); " + FORMS);
        }
        if (v.startsWith("p") || v.startsWith("-p")) {
            Duration d;
            try {
                d = Duration.parse(v.toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("'" + value + "' is not a duration; " + FORMS, e);
            }
            if (d.isNegative()) {
                throw new IllegalArgumentException("'" + value + "' is negative; a duration is never negative");
            }
            return d.toMillis();
        }
        String hint = v.startsWith("-") ? " (a duration is never negative)" : "";
        throw new IllegalArgumentException("'" + value + "' is not a duration" + hint + "; " + FORMS);
    }

    /** The shortest exact form, e.g. 90000 → 90s, 120000 → 2m, 1500 → 1500ms. */
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
