package io.txinsight.job.tracker;

import java.io.Serializable;
import java.util.Map;

/**
 * The tracker's timing and outlier rules. {@link #DEFAULTS} suit a live system and are the only
 * place they are written: the job's command line shows them as its defaults, and scenarios
 * shorten them with the {@code with…} methods.
 *
 * @param stuckTimeoutMs no event for this long (monitor clock) ⇒ Stuck, unless the type has its own timeout
 * @param stuckTimeoutByTypeMs per transaction type stuck timeouts, overriding {@code stuckTimeoutMs}
 * @param abortGraceMs how long past the close time the committed view may take before an abort is considered
 * @param retentionMs a transaction with no event for this long leaves state with an Expired outcome
 * @param abortRecheckMs how often (monitor clock) a tentatively closed transaction re-checks for abort evidence
 * @param outlierFactor outlier: duration above this many times the running median of its type
 * @param outlierWarmup closed transactions of a type needed before its median is trusted
 * @param sloByTypeMs per type SLO: a duration above it is an outlier whatever the median says
 * @param duplicateHorizonMs how long (monitor clock) after a Closed outcome the tracker remembers
 *     the id and its close time, so that a copy of the closed life's events counts as a duplicate
 *     rather than starting a phantom transaction, while an event dated after the close starts a
 *     new life. Bounded by time, not by count, so the verdicts do not depend on traffic volume;
 *     memory is about 150 bytes per id, times the close rate, times this horizon
 */
public record TrackerSettings(
        long stuckTimeoutMs,
        Map<String, Long> stuckTimeoutByTypeMs,
        long abortGraceMs,
        long retentionMs,
        long abortRecheckMs,
        double outlierFactor,
        int outlierWarmup,
        Map<String, Long> sloByTypeMs,
        long duplicateHorizonMs)
        implements Serializable {

    public static final TrackerSettings DEFAULTS =
            new TrackerSettings(60_000, Map.of(), 5_000, 3_600_000, 1_000, 4.0, 20, Map.of(), 300_000);

    public TrackerSettings {
        // Immutable copies: the settings travel inside the tracker function to every subtask.
        stuckTimeoutByTypeMs = stuckTimeoutByTypeMs == null ? Map.of() : Map.copyOf(stuckTimeoutByTypeMs);
        sloByTypeMs = sloByTypeMs == null ? Map.of() : Map.copyOf(sloByTypeMs);
    }

    public long stuckTimeoutFor(String txnType) {
        if (txnType != null) {
            Long t = stuckTimeoutByTypeMs.get(txnType);
            if (t != null) {
                return t;
            }
        }
        return stuckTimeoutMs;
    }

    public TrackerSettings withStuckTimeoutMs(long ms) {
        return new TrackerSettings(ms, stuckTimeoutByTypeMs, abortGraceMs, retentionMs, abortRecheckMs,
                outlierFactor, outlierWarmup, sloByTypeMs, duplicateHorizonMs);
    }

    public TrackerSettings withStuckTimeoutByTypeMs(Map<String, Long> byType) {
        return new TrackerSettings(stuckTimeoutMs, byType, abortGraceMs, retentionMs, abortRecheckMs,
                outlierFactor, outlierWarmup, sloByTypeMs, duplicateHorizonMs);
    }

    public TrackerSettings withAbortGraceMs(long ms) {
        return new TrackerSettings(stuckTimeoutMs, stuckTimeoutByTypeMs, ms, retentionMs, abortRecheckMs,
                outlierFactor, outlierWarmup, sloByTypeMs, duplicateHorizonMs);
    }

    public TrackerSettings withRetentionMs(long ms) {
        return new TrackerSettings(stuckTimeoutMs, stuckTimeoutByTypeMs, abortGraceMs, ms, abortRecheckMs,
                outlierFactor, outlierWarmup, sloByTypeMs, duplicateHorizonMs);
    }

    public TrackerSettings withAbortRecheckMs(long ms) {
        return new TrackerSettings(stuckTimeoutMs, stuckTimeoutByTypeMs, abortGraceMs, retentionMs, ms,
                outlierFactor, outlierWarmup, sloByTypeMs, duplicateHorizonMs);
    }

    public TrackerSettings withOutlierFactor(double factor) {
        return new TrackerSettings(stuckTimeoutMs, stuckTimeoutByTypeMs, abortGraceMs, retentionMs, abortRecheckMs,
                factor, outlierWarmup, sloByTypeMs, duplicateHorizonMs);
    }

    public TrackerSettings withOutlierWarmup(int closed) {
        return new TrackerSettings(stuckTimeoutMs, stuckTimeoutByTypeMs, abortGraceMs, retentionMs, abortRecheckMs,
                outlierFactor, closed, sloByTypeMs, duplicateHorizonMs);
    }

    public TrackerSettings withSloByTypeMs(Map<String, Long> byType) {
        return new TrackerSettings(stuckTimeoutMs, stuckTimeoutByTypeMs, abortGraceMs, retentionMs, abortRecheckMs,
                outlierFactor, outlierWarmup, byType, duplicateHorizonMs);
    }

    public TrackerSettings withDuplicateHorizonMs(long ms) {
        return new TrackerSettings(stuckTimeoutMs, stuckTimeoutByTypeMs, abortGraceMs, retentionMs, abortRecheckMs,
                outlierFactor, outlierWarmup, sloByTypeMs, ms);
    }
}
