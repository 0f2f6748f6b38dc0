package io.txinsight.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The questions an operator asks the ledger; each is served by an index of V1 or V2. Rows whose
 * outcome is not written yet (state null, shown as {@link LedgerRow#OPEN}) have no decision time:
 * they show in one transaction's record and by account, newest open first, and in the summary's
 * count of transactions opened in its range and still in flight.
 */
public final class LedgerQueries {
    private final DataSource dataSource;

    public LedgerQueries(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Whether nothing has been written yet. */
    public boolean empty() throws SQLException {
        return query("SELECT 1 FROM transactions LIMIT 1", List.of(), rs -> 1).isEmpty()
                && query("SELECT 1 FROM alerts LIMIT 1", List.of(), rs -> 1).isEmpty();
    }

    /** The latest transactions that were aborted or went stuck, newest decision first. */
    public List<LedgerRow> latestTrouble(int limit) throws SQLException {
        return query("SELECT * FROM transactions WHERE state = 'aborted' OR was_stuck"
                + " ORDER BY decided_at DESC LIMIT ?", List.of(limit), LedgerRow::read);
    }

    /** Every life of one transaction, oldest first. */
    public List<LedgerRow> transaction(String txnId) throws SQLException {
        return query("SELECT * FROM transactions WHERE txn_id = ? ORDER BY life", List.of(txnId), LedgerRow::read);
    }

    public List<AlertRow> alerts(String txnId) throws SQLException {
        return query("SELECT * FROM alerts WHERE txn_id = ? ORDER BY raised_at", List.of(txnId), AlertRow::read);
    }

    public List<LedgerRow> byAccount(String account, int limit) throws SQLException {
        return query("SELECT * FROM transactions WHERE account = ? ORDER BY decided_at DESC NULLS FIRST, opened_at DESC"
                + " LIMIT ?",
                List.of(account, limit), LedgerRow::read);
    }

    /** Transactions of a type decided in [from, to), oldest first. */
    public List<LedgerRow> byType(String txnType, Instant from, Instant to, int limit) throws SQLException {
        return query("SELECT * FROM transactions WHERE txn_type = ? AND decided_at >= ? AND decided_at < ?"
                + " ORDER BY decided_at LIMIT ?", List.of(txnType, at(from), at(to), limit), LedgerRow::read);
    }

    public LedgerSummary summary(Instant from, Instant to) throws SQLException {
        String range = " FROM transactions WHERE decided_at >= ? AND decided_at < ?";
        List<Object> bounds = List.of(at(from), at(to));
        Map<String, Long> byState = new LinkedHashMap<>();
        query("SELECT state, count(*)" + range + " GROUP BY state ORDER BY state", bounds,
                rs -> byState.put(rs.getString(1), rs.getLong(2)));
        long stuck = query("SELECT count(*)" + range + " AND was_stuck", bounds, rs -> rs.getLong(1)).get(0);
        List<Double[]> p = query("SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms),"
                + " percentile_cont(0.99) WITHIN GROUP (ORDER BY duration_ms)" + range, bounds,
                rs -> new Double[] {rs.getObject(1, Double.class), rs.getObject(2, Double.class)});
        List<LedgerSummary.CurrencyTotal> amounts = query("SELECT currency, count(*), sum(amount)" + range
                + " AND amount IS NOT NULL GROUP BY currency ORDER BY currency", bounds,
                rs -> new LedgerSummary.CurrencyTotal(rs.getString(1), rs.getLong(2), rs.getBigDecimal(3)));
        long total = byState.values().stream().mapToLong(Long::longValue).sum();
        long open = query("SELECT count(*) FROM transactions WHERE state IS NULL AND opened_at >= ? AND opened_at < ?",
                bounds, rs -> rs.getLong(1)).get(0);
        if (open > 0) {
            byState.put(LedgerRow.OPEN, open);
        }
        return new LedgerSummary(from, to, total, stuck, byState, p.get(0)[0], p.get(0)[1], amounts);
    }

    private static OffsetDateTime at(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }

    private interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> List<T> query(String sql, List<Object> parameters, RowReader<T> reader) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.size(); i++) {
                ps.setObject(i + 1, parameters.get(i));
            }
            List<T> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(reader.read(rs));
                }
            }
            return rows;
        }
    }
}
