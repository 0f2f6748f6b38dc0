package io.txinsight.job.records;

/** Which of the two Kafka views of the same topics a record came through. */
public enum View {
    /** read_uncommitted: sees every record as soon as it is written, aborted ones included. */
    MONITOR,
    /** read_committed: sees only records of committed Kafka transactions, up to the last stable offset. */
    COMMITTED;

    /** The label value used in metrics and dead letters. */
    public String label() {
        return name().toLowerCase();
    }
}
