package io.txinsight.ledger;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * A {@code transaction_open} as the ledger keeps it: the first half of a transaction's row, written
 * as soon as the job reads the open; the outcome is the other half ({@link OpenUpsert}).
 *
 * @param openedAtMs the open's event time, which is also the row's life
 * @param amount exact, as the event wrote it; null when the open carries none
 */
public record TransactionOpen(
        @JsonProperty("txn_id") String txnId,
        @JsonProperty("opened_at_ms") long openedAtMs,
        @JsonProperty("txn_type") String txnType,
        @JsonProperty("account") String account,
        @JsonProperty("amount") BigDecimal amount,
        @JsonProperty("currency") String currency,
        @JsonProperty("merchant") String merchant,
        @JsonProperty("category") String category) {

    @JsonCreator
    public TransactionOpen {
        Objects.requireNonNull(txnId, "txnId");
    }
}
