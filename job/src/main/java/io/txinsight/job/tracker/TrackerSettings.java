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
 * @param recentlyClosedMemory how many recently closed transaction ids each tracker subtask
 *     remembers (about 100 bytes each), so that an event of a transaction arriving after its
 *     Closed outcome counts as a duplicate rather than starting a phantom transaction; 0 turns it off
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
        int recentlyClosedMemory)
        implements Serializable {

    public static final TrackerSettings DEFAULTS =
            new TrackerSettings(60_000, Map.of(), 5_000, 3_600_000, 1_000, 4.0, 20, Map.of(), 100_000);

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
                outlierFactor, outlierWarmup, sloByTypeMs, recentlyClosedMemory);
    }

    public TrackerSettings withStuckTimeoutByTypeMs(Map<String, Long> byType) {
        return new TrackerSettings(stuckTimeoutMs, byType, abortGraceMs, retentionMs, abortRecheckMs,
                outlierFactor, outlierWarmup, sloByTypeMs, recentlyClosedMemory);
    }

    public TrackerSettings withAbortGraceMs(long ms) {
        return new TrackerSettings(stuckTimeoutMs, stuckTimeoutByTypeMs, ms, retentionMs, abortRecheckMs,
                outlierFactor, outlierWarmup, sloByTypeMs, recentlyClosedMemory);
    }

    public TrackerSettings withRetentionMs(long ms) {
        return new TrackerSettings(stuckTimeoutMs, stuckTimeoutByTypeMs, abortGraceMs, ms, abortRecheckMs,
                outlierFactor, outlierWarmup, sloByTypeMs, recentlyClosedMemory);
    }

    public TrackerSettings withAbortRecheckMs(long ms) {
        return new TrackerSettings(stuckTimeoutMs, stuckTimeoutByTypeMs, abortGraceMs, retentionMs, ms,
                outlierFactor, outlierWarmup, sloByTypeMs, recentlyClosedMemory);
    }

    public TrackerSettings withOutlierFactor(double factor) {
        return new TrackerSettings(stuckTimeoutMs, stuckTimeoutByTypeMs, abortGraceMs, retentionMs, abortRecheckMs,
                factor, outlierWarmup, sloByTypeMs, recentlyClosedMemory);
    }

    public TrackerSettings withOutlierWarmup(int closed) {
        return new TrackerSettings(stuckTimeoutMs, stuckTimeoutByTypeMs, abortGraceMs, retentionMs, abortRecheckMs,
                outlierFactor, closed, sloByTypeMs, recentlyClosedMemory);
    }

    public TrackerSettings withSloByTypeMs(Map<String, Long> byType) {
        return new TrackerSettings(stuckTimeoutMs, stuckTimeoutByTypeMs, abortGraceMs, retentionMs, abortRecheckMs,
                outlierFactor, outlierWarmup, byType, recentlyClosedMemory);
    }

    public TrackerSettings withRecentlyClosedMemory(int ids) {
        return new TrackerSettings(stuckTimeoutMs, stuckTimeoutByTypeMs, abortGraceMs, retentionMs, abortRecheckMs,
                outlierFactor, outlierWarmup, sloByTypeMs, ids);
    }
}
