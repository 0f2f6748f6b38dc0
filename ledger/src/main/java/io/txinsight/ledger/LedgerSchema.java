package io.txinsight.ledger;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The ledger's tables, owned by Flyway: the versioned scripts in {@code db/migration} on the
 * classpath. Migrating is safe to repeat and to run from several places at once (the job and the
 * command both do on start): Flyway applies each script once, under a lock, and records it in
 * {@code flyway_schema_history}.
 */
public final class LedgerSchema {
    static final String SCRIPTS = "classpath:db/migration";

    private LedgerSchema() {}

    /** Brings the schema up to date; returns how many scripts were applied (0 when it already was). */
    public static int migrate(DataSource dataSource) {
        return Flyway.configure()
                .dataSource(dataSource)
                .locations(SCRIPTS)
                .load()
                .migrate()
                .migrationsExecuted;
    }

    public static int migrate(LedgerConnection connection) {
        return migrate(connection.dataSource());
    }
}
