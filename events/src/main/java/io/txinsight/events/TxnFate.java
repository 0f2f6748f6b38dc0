package io.txinsight.events;

import java.util.Optional;

/** What became of the Kafka producer transaction that carried a record. */
public enum TxnFate {
    /** Committed: visible to read_committed consumers. */
    COMMIT("commit"),
    /** Aborted: never visible to read_committed consumers. */
    ABORT("abort"),
    /**
     * Left open for a long time (pins the partition's last stable offset). The replayer keeps it
     * open until its recorded end, then aborts it.
     */
    HANG("hang");

    private final String wireName;

    TxnFate(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<TxnFate> fromWire(String value) {
        for (TxnFate f : values()) {
            if (f.wireName.equals(value)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
