package io.txinsight.simulator.model;

import io.txinsight.events.CloseStatus;
import io.txinsight.events.TxnFate;

/**
 * One business transaction as planned, and what became of its close once its records were
 * assigned to Kafka transactions. Holds only what the truth needs, so a long run keeps little per
 * transaction once its records are written.
 */
public final class PlannedTransaction {

    public final long index;
    public final String txnId;
    public final String txnType;
    /** Scenario time of the open (its event time is the start time plus this). */
    public final long openAt;
    /** The producer that normally publishes this transaction's records. */
    public final int producer;
    /** The account its open names. */
    public final String account;
    /** The velocity burst it belongs to, or -1. */
    public final long burst;

    Trouble trouble = Trouble.NONE;
    CloseStatus status;
    /** Scenario time of the close's event time, or -1 when it never closes. */
    long closeAt = -1;
    /** Latest publish time of any of its records. */
    long lastAt;
    int duplicates;

    private boolean closeCommitted;
    /** Whether any of its records sits in a committed Kafka transaction. */
    private boolean anyRecordCommitted;
    /** Whether any of its records sits in a Kafka transaction left hanging. */
    private boolean anyRecordHung;

    PlannedTransaction(long index, String txnId, String txnType, long openAt, int producer, String account,
            long burst) {
        this.index = index;
        this.txnId = txnId;
        this.txnType = txnType;
        this.openAt = openAt;
        this.producer = producer;
        this.account = account;
        this.burst = burst;
    }

    /** Records the fate of the Kafka transaction that carried one of its records (any kind, any copy). */
    public void recordWritten(TxnFate fate) {
        anyRecordCommitted |= fate == TxnFate.COMMIT;
        anyRecordHung |= fate == TxnFate.HANG;
    }

    /**
     * True when none of its records sits in a committed Kafka transaction: Kafka rolled it back
     * whole, and a read_committed reader never sees it.
     */
    public boolean rolledBackWhole() {
        return !anyRecordCommitted;
    }

    /** True when one of its records sat in a Kafka transaction left hanging (held open for long). */
    public boolean anyRecordHung() {
        return anyRecordHung;
    }

    /** Records the fate of the Kafka transaction that carried one copy of the close. */
    public void closeWritten(TxnFate fate) {
        closeCommitted |= fate == TxnFate.COMMIT;
    }

    public Trouble trouble() {
        return trouble;
    }

    public CloseStatus status() {
        return status;
    }

    public long closeAt() {
        return closeAt;
    }

    public long lastAt() {
        return lastAt;
    }

    public int duplicates() {
        return duplicates;
    }

    public boolean hasClose() {
        return closeAt >= 0;
    }

    /** True once at least one copy of its close sits in a committed Kafka transaction. */
    public boolean closeCommitted() {
        return closeCommitted;
    }
}
