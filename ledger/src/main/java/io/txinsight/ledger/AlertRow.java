package io.txinsight.ledger;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** One row of {@code alerts}. */
public record AlertRow(
        String txnId,
        String alert,
        Instant raisedAt,
        String txnType,
        Instant openedAt,
        Instant lastEventAt,
        long ageMs,
        long silentMs,
        String lastStep,
        long stuckTimeoutMs) {

    static AlertRow read(ResultSet rs) throws SQLException {
        return new AlertRow(
                rs.getString("txn_id"),
                rs.getString("alert"),
                LedgerRow.instant(rs, "raised_at"),
                rs.getString("txn_type"),
                LedgerRow.instant(rs, "opened_at"),
                LedgerRow.instant(rs, "last_event_at"),
                rs.getLong("age_ms"),
                rs.getLong("silent_ms"),
                rs.getString("last_step"),
                rs.getLong("stuck_timeout_ms"));
    }

    public Map<String, Object> fields() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("txn_id", txnId);
        f.put("alert", alert);
        f.put("raised_at", LedgerRow.text(raisedAt));
        f.put("txn_type", txnType);
        f.put("opened_at", LedgerRow.text(openedAt));
        f.put("last_event_at", LedgerRow.text(lastEventAt));
        f.put("age_ms", ageMs);
        f.put("silent_ms", silentMs);
        f.put("last_step", lastStep);
        f.put("stuck_timeout_ms", stuckTimeoutMs);
        return f;
    }
}
