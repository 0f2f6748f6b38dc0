package io.txinsight.job.tracker.lifecycle;

/**
 * The time rules of the lifecycle, all in ms of monitor time.
 *
 * @param stuckTimeouts no event for this long (per transaction type) ⇒ stuck
 * @param abortGraceMs how long past the close time the committed view may take before an abort is considered
 * @param abortRecheckMs how often a tentatively closed transaction re-checks for abort evidence
 * @param retentionMs no event for this long ⇒ expired
 */
public record Timings(StuckTimeouts stuckTimeouts, long abortGraceMs, long abortRecheckMs, long retentionMs) {

    /** The stuck timeout of a transaction type ({@code null} when the type is not known yet). */
    @FunctionalInterface
    public interface StuckTimeouts {
        long forType(String txnType);
    }

    long stuckTimeoutFor(String txnType) {
        return stuckTimeouts.forType(txnType);
    }
}
