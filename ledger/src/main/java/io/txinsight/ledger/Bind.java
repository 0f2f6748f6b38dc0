package io.txinsight.ledger;

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
}
