package io.txinsight.ledger;

import io.txinsight.events.Alert;
import io.txinsight.events.Outcome;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

/**
 * The job's writers into the ledger: Flink's JDBC connector (Sink V2) in at-least-once mode with
 * idempotent upserts, which is exactly one row per key in effect. Its XA exactly-once mode is not
 * used: it needs {@code max_prepared_transactions > 0} on the server and buys nothing over the
 * upsert. Attach with {@code outcomes.sinkTo(LedgerSinks.outcomes(connection))}.
 *
 * <p>Rows are written in batches: when {@link #BATCH_ROWS} are waiting, every
 * {@link #BATCH_INTERVAL_MS}, and on every checkpoint (so a completed checkpoint means every row
 * before it is in the database). A failed batch is retried {@link #RETRIES} times, then the sink
 * fails the job, whose restart replays from the last checkpoint.
 */
public final class LedgerSinks {
    static final int BATCH_ROWS = 500;
    static final long BATCH_INTERVAL_MS = 1_000;
    static final int RETRIES = 3;

    private LedgerSinks() {}

    public static Sink<Outcome> outcomes(LedgerConnection connection) {
        return upserts(connection, OutcomeUpsert.SQL, new OutcomeUpsert());
    }

    public static Sink<Alert> alerts(LedgerConnection connection) {
        return upserts(connection, AlertUpsert.SQL, new AlertUpsert());
    }

    private static <T> Sink<T> upserts(LedgerConnection connection, String sql, JdbcStatementBuilder<T> binder) {
        return JdbcSink.<T>builder()
                .withQueryStatement(sql, binder)
                .withExecutionOptions(JdbcExecutionOptions.builder()
                        .withBatchSize(BATCH_ROWS)
                        .withBatchIntervalMs(BATCH_INTERVAL_MS)
                        .withMaxRetries(RETRIES)
                        .build())
                .buildAtLeastOnce(new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                        .withUrl(connection.url())
                        .withDriverName(org.postgresql.Driver.class.getName())
                        .withUsername(connection.user())
                        .withPassword(connection.password())
                        .build());
    }
}
