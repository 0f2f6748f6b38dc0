package io.txinsight.ledger;

import java.io.Serializable;
import java.util.Objects;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;

/**
 * How one kind of record becomes a row of the ledger: the idempotent upsert, the binder of its
 * parameters, and the record's class, whose JSON form is how rows not yet written are kept in
 * the writer's checkpointed state ({@link PendingRowSerializer}).
 *
 * @param name what the rows are, for logs ("outcomes", "alerts")
 * @param sql an {@code INSERT … ON CONFLICT … DO UPDATE} keyed so that writing a row again changes nothing
 */
record LedgerTable<T>(String name, String sql, JdbcStatementBuilder<T> binder, Class<T> type) implements Serializable {
    LedgerTable {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sql, "sql");
        Objects.requireNonNull(binder, "binder");
        Objects.requireNonNull(type, "type");
    }
}
