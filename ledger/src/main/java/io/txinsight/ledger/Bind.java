package io.txinsight.ledger;

import io.txinsight.events.BlockingKafkaTransaction;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Binding the events' nullable values to statement parameters, with the SQL types PostgreSQL expects. */
final class Bind {
    private Bind() {}

    /** Epoch milliseconds as a {@code timestamptz}. */
    static void time(PreparedStatement ps, int i, Long epochMs) throws SQLException {
        if (epochMs == null) {
            ps.setNull(i, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setObject(i, OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMs), ZoneOffset.UTC));
        }
    }

    static void number(PreparedStatement ps, int i, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, value);
        }
    }

    /**
     * The Kafka transaction that held a business transaction back, in three columns from {@code i}:
     * its transactional id, producer id and partitions; all null for none.
     */
    static void blocker(PreparedStatement ps, int i, BlockingKafkaTransaction blocker) throws SQLException {
        if (blocker == null) {
            ps.setNull(i, Types.VARCHAR);
            ps.setNull(i + 1, Types.BIGINT);
            ps.setNull(i + 2, Types.ARRAY);
        } else {
            ps.setString(i, blocker.transactionalId());
            ps.setLong(i + 1, blocker.producerId());
            ps.setArray(i + 2, ps.getConnection().createArrayOf("text", blocker.partitions().toArray()));
        }
    }
}
