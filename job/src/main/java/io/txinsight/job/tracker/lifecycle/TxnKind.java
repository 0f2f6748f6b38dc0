package io.txinsight.job.tracker.lifecycle;

import java.util.Objects;

/**
 * What kind of transaction it is: its type and the currency of its amount. One instance per pair
 * is shared through {@link NamePool} by every transaction of that kind, so a transaction pays one
 * reference for both names (the currency came in without costing {@link TxnState} a field).
 * Shared instances are never written to.
 *
 * <p>A Flink POJO, like {@link TxnState}; a restored checkpoint has its own copies, no longer
 * shared (correct, only less compact until those transactions end).
 */
public class TxnKind {
    /** The {@code txn_type}, or null while no event of the transaction carried one. */
    public String txnType;
    /** The open's currency, or null (no open yet, or it had none). */
    public String currency;

    public TxnKind() {}

    TxnKind(String txnType, String currency) {
        this.txnType = txnType;
        this.currency = currency;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TxnKind k && Objects.equals(txnType, k.txnType) && Objects.equals(currency, k.currency);
    }

    @Override
    public int hashCode() {
        return Objects.hash(txnType, currency);
    }

    @Override
    public String toString() {
        return txnType + "/" + currency;
    }
}
