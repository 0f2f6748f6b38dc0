package io.txinsight.ledger;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One row of {@code transactions}: one life of one business transaction, as the job decided it;
 * or, before the decision, as its open described it: state {@link #OPEN}, and no outcome columns.
 */
public record LedgerRow(
        String txnId,
        long life,
        String txnType,
        String state,
        String result,
        Instant openedAt,
        Instant closedAt,
        Long durationMs,
        Long commitLatencyMs,
        Boolean outlier,
        Boolean wasStuck,
        String lastStep,
        Integer steps,
        String blockingTransactionalId,
        Long blockingProducerId,
        List<String> blockingPartitions,
        String account,
        BigDecimal amount,
        String currency,
        String merchant,
        String category,
        Instant decidedAt,
        Instant writtenAt) {

    /** The state shown for a row whose outcome is not written yet: the transaction is in flight. */
    public static final String OPEN = "open";

    static LedgerRow read(ResultSet rs) throws SQLException {
        Array partitions = rs.getArray("blocking_partitions");
        return new LedgerRow(
                rs.getString("txn_id"),
                rs.getLong("life"),
                rs.getString("txn_type"),
                Objects.requireNonNullElse(rs.getString("state"), OPEN),
                rs.getString("result"),
                instant(rs, "opened_at"),
                instant(rs, "closed_at"),
                rs.getObject("duration_ms", Long.class),
                rs.getObject("commit_latency_ms", Long.class),
                rs.getObject("outlier", Boolean.class),
                rs.getObject("was_stuck", Boolean.class),
                rs.getString("last_step"),
                rs.getObject("steps", Integer.class),
                rs.getString("blocking_transactional_id"),
                rs.getObject("blocking_producer_id", Long.class),
                partitions == null ? null : Arrays.asList((String[]) partitions.getArray()),
                rs.getString("account"),
                rs.getBigDecimal("amount"),
                rs.getString("currency"),
                rs.getString("merchant"),
                rs.getString("category"),
                instant(rs, "decided_at"),
                instant(rs, "written_at"));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    /** The columns by their SQL names, in table order; times as ISO-8601 text. For tables and JSON. */
    public Map<String, Object> fields() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("txn_id", txnId);
        f.put("life", life);
        f.put("txn_type", txnType);
        f.put("state", state);
        f.put("result", result);
        f.put("opened_at", text(openedAt));
        f.put("closed_at", text(closedAt));
        f.put("duration_ms", durationMs);
        f.put("commit_latency_ms", commitLatencyMs);
        f.put("outlier", outlier);
        f.put("was_stuck", wasStuck);
        f.put("last_step", lastStep);
        f.put("steps", steps);
        f.put("blocking_transactional_id", blockingTransactionalId);
        f.put("blocking_producer_id", blockingProducerId);
        f.put("blocking_partitions", blockingPartitions);
        f.put("account", account);
        f.put("amount", amount);
        f.put("currency", currency);
        f.put("merchant", merchant);
        f.put("category", category);
        f.put("decided_at", text(decidedAt));
        f.put("written_at", text(writtenAt));
        return f;
    }

    static String text(Instant t) {
        return t == null ? null : t.toString();
    }
}
