package io.txinsight.ledger;

import java.util.Collection;
import java.util.List;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.datasource.connections.SimpleJdbcConnectionProvider;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A Flink sink of records into one ledger table through {@link LedgerWriter}, whose rows not yet
 * written are part of its state. Connections come from the JDBC connector's provider, with its
 * connection options.
 */
final class LedgerSink<T> implements Sink<T>, SupportsWriterState<T, T> {
    private static final long serialVersionUID = 1L;

    private final LedgerTable<T> table;
    private final JdbcConnectionOptions options;
    /** The URL, for logs; the options hold the password and never reach a log. */
    private final String where;
    private final int capacity;

    LedgerSink(LedgerTable<T> table, LedgerConnection connection, int capacity) {
        this.table = table;
        this.where = "PostgreSQL at " + connection.url();
        this.capacity = capacity;
        this.options = connectionOptions(connection);
    }

    /** The connector's options for the ledger's database. */
    static JdbcConnectionOptions connectionOptions(LedgerConnection connection) {
        return new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                .withUrl(connection.url())
                .withDriverName(org.postgresql.Driver.class.getName())
                .withUsername(connection.user())
                .withPassword(connection.password())
                // Fail fast when the server is away, rather than hold the task in a connect.
                .withProperty("connectTimeout", String.valueOf(LedgerSinks.CONNECT_TIMEOUT_SECONDS))
                .withProperty("socketTimeout", String.valueOf(LedgerSinks.SOCKET_TIMEOUT_SECONDS))
                .build();
    }

    @Override
    public StatefulSinkWriter<T, T> createWriter(WriterInitContext context) {
        return restoreWriter(context, List.of());
    }

    @Override
    public StatefulSinkWriter<T, T> restoreWriter(WriterInitContext context, Collection<T> recovered) {
        return new LedgerWriter<>(table, where, new SimpleJdbcConnectionProvider(options),
                context.getProcessingTimeService(), context.metricGroup(), capacity, recovered);
    }

    @Override
    public SimpleVersionedSerializer<T> getWriterStateSerializer() {
        return new PendingRowSerializer<>(table.type());
    }
}
