package io.txinsight.job.tracker;

import java.io.Serializable;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** The tracker's timing and outlier rules. Defaults suit a live system; scenarios shorten them. */
public class TrackerSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    /** No event for this long (monitor clock) ⇒ Stuck, unless the type has its own timeout. */
    public long stuckTimeoutMs = Duration.ofSeconds(60).toMillis();
    /** Per transaction type stuck timeouts, overriding {@link #stuckTimeoutMs}. */
    public Map<String, Long> stuckTimeoutByTypeMs = new HashMap<>();
    /** How long past the close time the committed view may take before an abort is considered. */
    public long abortGraceMs = Duration.ofSeconds(5).toMillis();
    /** Bound on event-time disorder; the monitor watermark trails the newest event by this much. */
    public long outOfOrdernessMs = Duration.ofSeconds(2).toMillis();
    /** A transaction with no event for this long leaves state with an Expired outcome. */
    public long retentionMs = Duration.ofHours(1).toMillis();
    /** How often (monitor clock) a tentatively closed transaction re-checks for abort evidence. */
    public long abortRecheckMs = Duration.ofSeconds(1).toMillis();
    /** Outlier: duration above this many times the running median of its type. */
    public double outlierFactor = 4.0;
    /** Closed transactions of a type needed before its median is trusted. */
    public int outlierWarmup = 20;
    /** Per type SLO: a duration above it is an outlier whatever the median says. */
    public Map<String, Long> sloByTypeMs = new HashMap<>();
    /**
     * How many recently closed transaction ids each tracker subtask remembers (about 100 bytes
     * each), so that an event of a transaction arriving after its Closed outcome counts as a
     * duplicate rather than starting a phantom transaction. 0 turns it off.
     */
    public int recentlyClosedMemory = 100_000;

    public long stuckTimeoutMs() {
        return stuckTimeoutMs;
    }

    public long abortGraceMs() {
        return abortGraceMs;
    }

    public long retentionMs() {
        return retentionMs;
    }

    public long abortRecheckMs() {
        return abortRecheckMs;
    }

    public double outlierFactor() {
        return outlierFactor;
    }

    public int outlierWarmup() {
        return outlierWarmup;
    }

    public Map<String, Long> sloByTypeMs() {
        return sloByTypeMs;
    }

    public int recentlyClosedMemory() {
        return recentlyClosedMemory;
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
}
