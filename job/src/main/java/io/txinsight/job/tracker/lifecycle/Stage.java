package io.txinsight.job.tracker.lifecycle;

/**
 * Where a transaction that the tracker still holds stands in its lifecycle (docs/design.md §2).
 * The final states (Closed, Aborted, Expired) are not stages: reaching one is a {@link
 * Decision.Final} and leaves nothing behind. See {@link TxnLifecycle} for the transitions.
 */
public enum Stage {
    /** Seen in either view, no close yet, and not silent past its stuck timeout. */
    OPEN,
    /** Open, and silent past its stuck timeout; its alert has been raised. Progress recovers it. */
    STUCK,
    /** The close was seen in the monitor view only: committed (Closed) or aborted is still open. */
    TENTATIVELY_CLOSED,
    /** The close was seen in the committed view: Closed once the monitor clock passes the close time. */
    CLOSING;

    /** Whether no close has been seen yet. */
    public boolean isOpen() {
        return this == OPEN || this == STUCK;
    }
}
