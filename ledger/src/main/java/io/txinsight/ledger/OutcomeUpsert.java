package io.txinsight.ledger;

import io.txinsight.events.Outcome;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Locale;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;

/**
 * An outcome as a row of {@code transactions} (its open's attributes are {@link OpenUpsert}'s). The statement is an upsert on the row's key, so
 * writing the same outcome again (a replay after a restore or a failover) leaves one row with the
 * same values: at-least-once delivery, exactly one row in effect.
 */
final class OutcomeUpsert implements JdbcStatementBuilder<Outcome> {
    /** The life of a transaction whose open was never seen (see V1's comment on {@code life}). */
    static final long OPEN_UNSEEN = -1;

    /**
     * The outcome's half of the row: every column but the open's attributes, which
     * {@link OpenUpsert} writes. The type and the open time are in both halves, with the same
     * values for the same key; the outcome keeps what the open wrote when it has none itself.
     */
    static final String SQL = """
            INSERT INTO transactions (txn_id, life, txn_type, state, result, opened_at, closed_at,
                duration_ms, commit_latency_ms, outlier, was_stuck, last_step, steps,
                blocking_transactional_id, blocking_producer_id, blocking_partitions, decided_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (txn_id, life) DO UPDATE SET
                txn_type = COALESCE(EXCLUDED.txn_type, transactions.txn_type), state = EXCLUDED.state,
                result = EXCLUDED.result, opened_at = COALESCE(EXCLUDED.opened_at, transactions.opened_at),
                closed_at = EXCLUDED.closed_at,
                duration_ms = EXCLUDED.duration_ms, commit_latency_ms = EXCLUDED.commit_latency_ms,
                outlier = EXCLUDED.outlier, was_stuck = EXCLUDED.was_stuck,
                last_step = EXCLUDED.last_step, steps = EXCLUDED.steps,
                blocking_transactional_id = EXCLUDED.blocking_transactional_id,
                blocking_producer_id = EXCLUDED.blocking_producer_id,
                blocking_partitions = EXCLUDED.blocking_partitions,
                decided_at = EXCLUDED.decided_at, written_at = now()
            """;

    private static final long serialVersionUID = 1L;

    static long life(Outcome o) {
        return o.openedAtMs() == null ? OPEN_UNSEEN : o.openedAtMs();
    }

    @Override
    public void accept(PreparedStatement ps, Outcome o) throws SQLException {
        ps.setString(1, o.txnId());
        ps.setLong(2, life(o));
        ps.setString(3, o.txnType());
        ps.setString(4, o.state().name().toLowerCase(Locale.ROOT));
        ps.setString(5, o.result() == null ? null : o.result().name().toLowerCase(Locale.ROOT));
        Bind.time(ps, 6, o.openedAtMs());
        Bind.time(ps, 7, o.closedAtMs());
        Bind.number(ps, 8, o.durationMs());
        Bind.number(ps, 9, o.commitLatencyMs());
        ps.setBoolean(10, o.outlier());
        ps.setBoolean(11, o.wasStuck());
        ps.setString(12, o.lastStep());
        ps.setInt(13, o.steps());
        Bind.blocker(ps, 14, o.blockedBy());
        Bind.time(ps, 17, o.decidedAtMs());
    }
}
