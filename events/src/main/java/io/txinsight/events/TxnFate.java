package io.txinsight.events;

import java.util.Optional;

/** What became of the Kafka producer transaction that carried a record. */
public enum TxnFate implements WireNamed {
    /** Committed: visible to read_committed consumers. */
    COMMIT,
    /** Aborted: never visible to read_committed consumers. */
    ABORT,
    /**
     * Left open for a long time (pins the partition's last stable offset). The replayer keeps it
     * open until its recorded end, then aborts it.
     */
    HANG;

    public static Optional<TxnFate> fromWire(String value) {
        return WireNamed.fromWire(TxnFate.class, value);
    }
}
