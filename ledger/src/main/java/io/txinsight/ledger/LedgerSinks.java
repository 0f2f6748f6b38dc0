package io.txinsight.ledger;

import io.txinsight.events.Alert;
import io.txinsight.events.Outcome;
import org.apache.flink.api.connector.sink2.Sink;

/**
 * The job's writers into the ledger: idempotent upserts, written at least once, which is exactly
 * one row per key in effect. Attach with {@code outcomes.sinkTo(LedgerSinks.outcomes(connection))}.
 *
 * <p>Not the JDBC connector's {@code JdbcSink}: while PostgreSQL is down its writer fails the
 * checkpoint and then the job (docs/ledger.md §2, "When PostgreSQL is down"), so the Kafka outputs
 * would stop with it. {@link LedgerWriter} keeps the rows it cannot write in its checkpointed state
 * and retries, on the connector's connection provider. The connector's XA exactly-once mode is
 * not used either: it needs {@code max_prepared_transactions > 0} and buys nothing over the upsert.
 */
public final class LedgerSinks {
    /** Rows per batch, and the pending rows that start one. */
    static final int BATCH_ROWS = 500;
    /** A batch of whatever waits goes out this often. */
    static final long BATCH_INTERVAL_MS = 1_000;
    /** The first pause after a failed write; it doubles with every failure up to {@link #LONGEST_RETRY_MS}. */
    static final long FIRST_RETRY_MS = 200;
    static final long LONGEST_RETRY_MS = 5_000;
    /**
     * Pending rows per writer before it holds the job's input back (backpressure). About 20 MB of
     * state at most; at a thousand outcomes a second, twenty seconds of outage per subtask before
     * the job slows down, and a restore brings them all back.
     */
    public static final int PENDING_CAPACITY = 20_000;
    static final int CONNECT_TIMEOUT_SECONDS = 5;
    static final int SOCKET_TIMEOUT_SECONDS = 60;

    // Metrics of every writer, in the job's metric group (docs/metrics.md).
    public static final String METRIC_GROUP = "txinsights";
    public static final String ROWS_PENDING = "ledger_rows_pending";
    public static final String ROWS_WRITTEN = "ledger_rows_written";
    public static final String WRITE_FAILURES = "ledger_write_failures";

    private LedgerSinks() {}

    public static Sink<Outcome> outcomes(LedgerConnection connection) {
        return outcomes(connection, PENDING_CAPACITY);
    }

    /** With another bound of pending rows: tests of the backpressure. */
    public static Sink<Outcome> outcomes(LedgerConnection connection, int pendingCapacity) {
        return new LedgerSink<>(new LedgerTable<>("outcomes", OutcomeUpsert.SQL, new OutcomeUpsert(), Outcome.class),
                connection, pendingCapacity);
    }

    /** The opens' half of the transactions' rows: their type, time and financial attributes. */
    public static Sink<TransactionOpen> opens(LedgerConnection connection) {
        return new LedgerSink<>(new LedgerTable<>("opens", OpenUpsert.SQL, new OpenUpsert(), TransactionOpen.class),
                connection, PENDING_CAPACITY);
    }

    public static Sink<Alert> alerts(LedgerConnection connection) {
        return new LedgerSink<>(new LedgerTable<>("alerts", AlertUpsert.SQL, new AlertUpsert(), Alert.class),
                connection, PENDING_CAPACITY);
    }
}
