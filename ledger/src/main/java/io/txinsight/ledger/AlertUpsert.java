package io.txinsight.ledger;

import io.txinsight.events.Alert;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;

/** An alert as a row of {@code alerts}; an upsert on its key, so a replayed alert stays one row. */
final class AlertUpsert implements JdbcStatementBuilder<Alert> {
    static final String SQL = """
            INSERT INTO alerts (txn_id, alert, raised_at, txn_type, opened_at, last_event_at,
                age_ms, silent_ms, last_step, stuck_timeout_ms,
                blocking_transactional_id, blocking_producer_id, blocking_partitions)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (txn_id, alert, raised_at) DO UPDATE SET
                txn_type = EXCLUDED.txn_type, opened_at = EXCLUDED.opened_at,
                last_event_at = EXCLUDED.last_event_at, age_ms = EXCLUDED.age_ms,
                silent_ms = EXCLUDED.silent_ms, last_step = EXCLUDED.last_step,
                stuck_timeout_ms = EXCLUDED.stuck_timeout_ms,
                blocking_transactional_id = EXCLUDED.blocking_transactional_id,
                blocking_producer_id = EXCLUDED.blocking_producer_id,
                blocking_partitions = EXCLUDED.blocking_partitions, written_at = now()
            """;

    private static final long serialVersionUID = 1L;

    @Override
    public void accept(PreparedStatement ps, Alert a) throws SQLException {
        ps.setString(1, a.txnId());
        ps.setString(2, a.alert());
        Bind.time(ps, 3, a.raisedAtMs());
        ps.setString(4, a.txnType());
        Bind.time(ps, 5, a.openedAtMs());
        Bind.time(ps, 6, a.lastEventAtMs());
        ps.setLong(7, a.ageMs());
        ps.setLong(8, a.silentMs());
        ps.setString(9, a.lastStep());
        ps.setLong(10, a.stuckTimeoutMs());
        Bind.blocker(ps, 11, a.blockedBy());
    }
}
