package io.txinsight.validator;

import java.util.Arrays;

/**
 * Records per second of publishing time ({@code at_ms}), split by what a read_committed consumer
 * will see of them. Memory grows with the scenario's length in seconds, not with its records.
 */
final class EventRate {

    /** What became of a record. */
    enum Kind {
        /** A business event written without a Kafka transaction or in one that commits. */
        VISIBLE("committed"),
        /** A business event in a Kafka transaction that aborts (or hangs, then aborts). */
        HIDDEN("in aborted Kafka txns"),
        /** A deliberately malformed record. */
        MALFORMED("malformed");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    private final long[][] perSecond = new long[Kind.values().length][];
    private int seconds;
    private long lastAtMs;

    EventRate() {
        for (int k = 0; k < perSecond.length; k++) {
            perSecond[k] = new long[256];
        }
    }

    void add(long atMs, Kind kind) {
        int second = (int) Math.min(Integer.MAX_VALUE - 8, atMs / 1000);
        if (second >= perSecond[0].length) {
            int size = Math.max(second + 1, perSecond[0].length * 2);
            for (int k = 0; k < perSecond.length; k++) {
                perSecond[k] = Arrays.copyOf(perSecond[k], size);
            }
        }
        perSecond[kind.ordinal()][second]++;
        seconds = Math.max(seconds, second + 1);
        lastAtMs = Math.max(lastAtMs, atMs);
    }

    /** Seconds covered, from 0 to the last record's second. */
    int seconds() {
        return seconds;
    }

    long total(Kind kind) {
        long sum = 0;
        for (int s = 0; s < seconds; s++) {
            sum += perSecond[kind.ordinal()][s];
        }
        return sum;
    }

    /** The busiest second, all kinds together. */
    long peak() {
        long peak = 0;
        for (int s = 0; s < seconds; s++) {
            long sum = 0;
            for (long[] kind : perSecond) {
                sum += kind[s];
            }
            peak = Math.max(peak, sum);
        }
        return peak;
    }

    /** How many seconds one plotted point covers so that at most {@code maxPoints} are drawn. */
    int step(int maxPoints) {
        return Math.max(1, (seconds + maxPoints - 1) / maxPoints);
    }

    /** Mean records per second of one kind over the {@code step} seconds starting at {@code second}. */
    double rate(Kind kind, int second, int step) {
        long sum = 0;
        int end = Math.min(seconds, second + step);
        for (int s = second; s < end; s++) {
            sum += perSecond[kind.ordinal()][s];
        }
        if (end <= second) {
            return 0;
        }
        // The last second is usually cut short by the end of the file: divide by the time it
        // covers, not by a whole second, or the rate seems to collapse at the end.
        double covered = end - second;
        if (end == seconds) {
            double lastCovered = Math.max(0.25, ((lastAtMs % 1000) + 1) / 1000.0);
            covered = covered - 1 + lastCovered;
        }
        return sum / covered;
    }
}
