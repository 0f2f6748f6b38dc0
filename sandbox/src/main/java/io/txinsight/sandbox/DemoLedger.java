package io.txinsight.sandbox;

import io.txinsight.ledger.LedgerConnection;
import io.txinsight.ledger.LedgerQueries;
import io.txinsight.ledger.LedgerSummary;
import io.txinsight.ledger.ThrowawayPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

/**
 * The demo's ledger: a throwaway PostgreSQL (the tests' kind) that the stack stops after the job,
 * and the commands that read it, with the password in a file of the stack's work directory so it
 * is neither printed nor left behind.
 */
final class DemoLedger {

    private DemoLedger() {}

    /** Starts it, or fails before anything else starts with how to install PostgreSQL. */
    static LedgerConnection start(LocalStack stack) throws IOException {
        ThrowawayPostgres postgres;
        try {
            postgres = ThrowawayPostgres.start();
        } catch (IllegalStateException e) {
            throw new IllegalStateException("--ledger: " + e.getMessage() + "; or run the demo without --ledger", e);
        }
        stack.add("PostgreSQL ledger", postgres);
        LedgerConnection connection = postgres.connection();
        Path passwordFile = stack.workDir().resolve("ledger-password");
        Files.writeString(passwordFile, connection.password() + "\n");
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
        System.out.println("The ledger is PostgreSQL at " + connection.url() + " (user " + connection.user()
                + ", password in " + passwordFile + "). While the demo runs, look at it with:");
        System.out.println("  ./txinsight ledger latest --url " + connection.url() + " --user " + connection.user()
                + " --password-file " + passwordFile);
        System.out.println("  ./txinsight ledger summary --url " + connection.url() + " --user " + connection.user()
                + " --password-file " + passwordFile);
        System.out.println("  PGPASSWORD=$(cat " + passwordFile + ") psql -h 127.0.0.1 -p " + postgres.port() + " -U "
                + connection.user() + " " + ThrowawayPostgres.DATABASE
                + " -c 'SELECT state, count(*) FROM transactions GROUP BY state'");
        System.out.flush();
        return connection;
    }

    /** What the ledger holds at the end of a finite run, read back from PostgreSQL. */
    static void printSummary(LedgerConnection connection) {
        Instant now = Instant.now();
        try {
            LedgerSummary s = new LedgerQueries(connection.dataSource())
                    .summary(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(1)));
            System.out.println();
            System.out.println("The ledger holds, by state: " + s.byState() + "; "
                    + s.amounts().stream().map(a -> a.amount() + " " + a.currency()).toList() + " in amounts.");
        } catch (SQLException e) {
            System.out.println("the ledger could not be read: " + e.getMessage());
        }
    }
}
