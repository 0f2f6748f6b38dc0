package io.txinsight.job.tracker;

/** What the tracker knows right now about the transactions of its subtask; read by gauges. */
public interface LiveCounts {
    long openNow();

    long tentativelyClosedNow();

    long stuckNow();

    /**
     * Transactions held back right now by a Kafka transaction the job has named (their close, or
     * their records seen only uncommitted, waiting behind it past the abort grace).
     */
    long heldBackNow();

    /** Monitor-view clock minus the open time of the oldest open transaction, ms; 0 when none. */
    long oldestOpenAgeMs();

    /** How far (ms of event time) the committed view trails the monitor view; 0 when level. */
    long committedViewLagMs();
}
