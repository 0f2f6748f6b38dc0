package io.txinsight.replayer;

import java.util.Locale;

/**
 * How fast the scenario is replayed relative to the original: 1 is real time, 10 is ten times
 * faster, 0.5 half as fast, and {@code max} publishes as fast as Kafka takes the records.
 */
public record Speed(double factor) {

    public static final Speed REAL_TIME = new Speed(1);
    public static final Speed MAX = new Speed(Double.POSITIVE_INFINITY);

    public Speed {
        if (!(factor > 0)) {
            throw new IllegalArgumentException("speed must be greater than 0, was " + factor);
        }
    }

    /** Parses {@code max}, or a positive number such as {@code 0.5}, {@code 1}, {@code 10} (a trailing {@code x} is allowed). */
    public static Speed parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("max")) {
            return MAX;
        }
        if (t.endsWith("x")) {
            t = t.substring(0, t.length() - 1);
        }
        double f;
        try {
            f = Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "speed '" + text + "' is not a number; use a factor such as 0.5, 1 or 10, or 'max'");
        }
        if (!(f > 0) || Double.isInfinite(f)) {
            throw new IllegalArgumentException(
                    "speed '" + text + "' must be a positive finite factor (0.5, 1, 10) or 'max'");
        }
        return new Speed(f);
    }

    public boolean isMax() {
        return Double.isInfinite(factor);
    }

    /** Scenario milliseconds to replay nanoseconds at this speed (0 at {@code max}). */
    public long toNanos(long scenarioMillis) {
        return isMax() ? 0 : Math.round(scenarioMillis * 1_000_000d / factor);
    }

    @Override
    public String toString() {
        if (isMax()) {
            return "max";
        }
        return (factor == Math.rint(factor) ? String.valueOf((long) factor) : String.valueOf(factor)) + "x";
    }
}
