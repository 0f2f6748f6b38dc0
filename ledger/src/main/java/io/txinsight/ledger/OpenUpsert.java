package io.txinsight.ledger;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;

/**
 * The open's half of a {@code transactions} row: only the type, the open time and the financial
 * attributes. The outcome's upsert ({@link OutcomeUpsert}) writes the other columns, so the two
 * commute; the key is the same, the open's event time being the row's life. Writing an open again
 * (a duplicate, a replay) changes nothing.
 */
final class OpenUpsert implements JdbcStatementBuilder<TransactionOpen> {
    static final String SQL = """
            INSERT INTO transactions (txn_id, life, txn_type, opened_at, account, amount, currency, merchant, category)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (txn_id, life) DO UPDATE SET
                txn_type = EXCLUDED.txn_type, opened_at = EXCLUDED.opened_at,
                account = EXCLUDED.account, amount = EXCLUDED.amount, currency = EXCLUDED.currency,
                merchant = EXCLUDED.merchant, category = EXCLUDED.category, written_at = now()
            """;

    private static final long serialVersionUID = 1L;

    @Override
    public void accept(PreparedStatement ps, TransactionOpen o) throws SQLException {
        ps.setString(1, o.txnId());
        ps.setLong(2, o.openedAtMs());
        ps.setString(3, o.txnType());
        Bind.time(ps, 4, o.openedAtMs());
        ps.setString(5, o.account());
        if (o.amount() == null) {
            ps.setNull(6, Types.NUMERIC);
        } else {
            ps.setBigDecimal(6, o.amount());
        }
        ps.setString(7, o.currency());
        ps.setString(8, o.merchant());
        ps.setString(9, o.category());
    }
}
