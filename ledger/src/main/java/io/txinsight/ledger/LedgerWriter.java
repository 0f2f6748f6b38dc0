package io.txinsight.ledger;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.connector.jdbc.datasource.connections.JdbcConnectionProvider;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes rows into the ledger in batches and keeps every row it could not write yet: in memory,
 * and in its checkpointed state ({@link #snapshotState}), so a checkpoint completes while
 * PostgreSQL is away and a restore brings the rows back. docs/ledger.md §2 says why the JDBC
 * connector's writer cannot do this: it fails the checkpoint, and with it the whole job.
 *
 * <ul>
 *   <li>A batch goes out when {@link LedgerSinks#BATCH_ROWS} rows wait, every
 *       {@link LedgerSinks#BATCH_INTERVAL_MS}, and before every checkpoint.
 *   <li>A batch that fails stays pending; the next attempt waits a doubling pause (from
 *       {@link LedgerSinks#FIRST_RETRY_MS} up to {@link LedgerSinks#LONGEST_RETRY_MS}) and opens a new
 *       connection. The statements are upserts, so rows of a batch that half-succeeded are harmless
 *       to write again.
 *   <li>Past {@link LedgerSinks#PENDING_CAPACITY} pending rows the writer stops taking new ones
 *       and waits for the database: backpressure, the job slows down rather than grow without bound.
 *   <li>At the end of a bounded input it waits until every row is written.
 * </ul>
 *
 * Everything runs on the task's one thread (the timer's callback too), so nothing here is shared.
 */
final class LedgerWriter<T> implements StatefulSinkWriter<T, T> {
    private static final Logger LOG = LoggerFactory.getLogger(LedgerWriter.class);

    private final LedgerTable<T> table;
    private final String where;
    private final JdbcConnectionProvider connections;
    private final ProcessingTimeService time;
    private final int capacity;
    private final List<T> pending = new ArrayList<>();
    private final Counter written;
    private final Counter failures;
    /** For the gauge, read by the metric reporter's thread. */
    private volatile int pendingNow;
    private long pauseMs;
    /** No attempt before this processing time: the pause after a failure. */
    private long nextAttemptAt;
    /** When the current run of failures began, or -1 while writes succeed. */
    private long failingSince = -1;

    LedgerWriter(LedgerTable<T> table, String where, JdbcConnectionProvider connections, ProcessingTimeService time,
            MetricGroup metrics, int capacity, Collection<T> restored) {
        this.table = table;
        this.where = where;
        this.connections = connections;
        this.time = time;
        this.capacity = capacity;
        this.pending.addAll(restored);
        this.pendingNow = pending.size();
        MetricGroup group = metrics.addGroup(LedgerSinks.METRIC_GROUP);
        group.gauge(LedgerSinks.ROWS_PENDING, () -> pendingNow);
        this.written = group.counter(LedgerSinks.ROWS_WRITTEN);
        this.failures = group.counter(LedgerSinks.WRITE_FAILURES);
        scheduleBatchTimer();
    }

    @Override
    public void write(T row, Context context) throws IOException, InterruptedException {
        pending.add(row);
        pendingNow = pending.size();
        if (pending.size() >= capacity) {
            LOG.warn("ledger: {} rows of {} wait for {}; holding the input until it takes them", pending.size(),
                    table.name(), where);
            writeAllWaiting();
        } else if (pending.size() >= LedgerSinks.BATCH_ROWS) {
            attempt();
        }
    }

    /** Before a checkpoint: one attempt. Rows it cannot write go into the checkpoint instead. */
    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        if (endOfInput) {
            writeAllWaiting();
        } else {
            attempt();
        }
    }

    @Override
    public List<T> snapshotState(long checkpointId) {
        return List.copyOf(pending);
    }

    @Override
    public void close() {
        connections.closeConnection();
    }

    private void scheduleBatchTimer() {
        time.registerTimer(time.getCurrentProcessingTime() + LedgerSinks.BATCH_INTERVAL_MS, now -> {
            attempt();
            scheduleBatchTimer();
        });
    }

    /** Writes every pending row unless a pause is running; true when none is left. */
    private boolean attempt() {
        if (pending.isEmpty()) {
            return true;
        }
        long now = time.getCurrentProcessingTime();
        if (now < nextAttemptAt) {
            return false;
        }
        try {
            while (!pending.isEmpty()) {
                List<T> batch = pending.subList(0, Math.min(LedgerSinks.BATCH_ROWS, pending.size()));
                writeBatch(batch);
                written.inc(batch.size());
                batch.clear();
                pendingNow = pending.size();
            }
            recovered(now);
            return true;
        } catch (SQLException | ClassNotFoundException | RuntimeException e) {
            failed(now, e);
            return false;
        }
    }

    /** Until everything is written, with the pauses between attempts; interrupted when the task is cancelled. */
    private void writeAllWaiting() throws InterruptedException {
        while (!attempt()) {
            Thread.sleep(Math.max(1, nextAttemptAt - time.getCurrentProcessingTime()));
        }
    }

    private void writeBatch(List<T> batch) throws SQLException, ClassNotFoundException {
        Connection c = connections.getOrEstablishConnection();
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement(table.sql())) {
            for (T row : batch) {
                table.binder().accept(ps, row);
                ps.addBatch();
            }
            ps.executeBatch();
            c.commit();
        }
    }

    private void failed(long now, Exception e) {
        failures.inc();
        // A broken connection is not worth keeping; the next attempt opens a new one.
        connections.closeConnection();
        pauseMs = pauseMs == 0 ? LedgerSinks.FIRST_RETRY_MS : Math.min(pauseMs * 2, LedgerSinks.LONGEST_RETRY_MS);
        nextAttemptAt = now + pauseMs;
        if (failingSince < 0) {
            failingSince = now;
            LOG.warn("ledger: cannot write {} rows of {} to {}: {}. Keeping them (in checkpoints too) and retrying; "
                    + "the job goes on.", pending.size(), table.name(), where, e.toString());
        } else {
            LOG.debug("ledger: still cannot write {} rows of {}: {}", pending.size(), table.name(), e.toString());
        }
    }

    private void recovered(long now) {
        if (failingSince >= 0) {
            LOG.info("ledger: {} writes to {} again, after {} ms of failures", table.name(), where, now - failingSince);
        }
        failingSince = -1;
        pauseMs = 0;
        nextAttemptAt = 0;
    }
}
